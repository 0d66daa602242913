package messages

import "time"

// Event is a fact a stage records about a backup. Error is a reason fit for
// an operator's page: it never holds row data or secrets.
type Event struct {
	V        int       `json:"v"`
	Tenant   string    `json:"tenant,omitempty"`
	Kind     Kind      `json:"kind,omitempty"`
	BackupID string    `json:"backup_id,omitempty"`
	Run      string    `json:"run,omitempty"`
	Stage    string    `json:"stage"`
	Status   Status    `json:"status"`
	Part     *int      `json:"part,omitempty"`
	Bytes    int64     `json:"bytes,omitempty"`
	Duration Duration  `json:"duration,omitempty"`
	Error    string    `json:"error,omitempty"`
	Attempt  int       `json:"attempt,omitempty"`
	Time     time.Time `json:"time"`
	// Attrs holds stage-specific facts (row counts, object keys, RTO...).
	Attrs map[string]string `json:"attrs,omitempty"`
}

func (m Event) Ref() Ref { return Ref{Tenant: m.Tenant, BackupID: m.BackupID, Kind: m.Kind} }

func (m Event) Validate() error {
	var p problems
	p.version(m.V)
	p.required("stage", m.Stage)
	if !m.Status.Valid() {
		p.add("status", "%q is not a known status", string(m.Status))
	}
	if m.Kind != "" {
		p.kind(m.Kind)
	}
	if m.Time.IsZero() {
		p.add("time", "is required")
	}
	return p.err()
}

// Subject is where the event is published.
func (m Event) Subject() string { return EventSubject(m.Tenant, m.BackupID, m.Stage, m.Status) }

// DeadLetter is a job a stage gave up on, with the original payload and
// headers, so an operator can inspect it and republish it.
type DeadLetter struct {
	V          int                 `json:"v"`
	Stage      string              `json:"stage"`
	Subject    string              `json:"subject"`
	Reason     string              `json:"reason"`
	Deliveries uint64              `json:"deliveries"`
	StreamSeq  uint64              `json:"stream_seq"`
	Payload    []byte              `json:"payload"`
	Headers    map[string][]string `json:"headers,omitempty"`
	About      Ref                 `json:"about"`
	Time       time.Time           `json:"time"`
}

func (m DeadLetter) Ref() Ref { return m.About }

func (m DeadLetter) Validate() error {
	var p problems
	p.version(m.V)
	p.required("stage", m.Stage)
	p.required("subject", m.Subject)
	p.required("reason", m.Reason)
	if m.Time.IsZero() {
		p.add("time", "is required")
	}
	return p.err()
}

// Duration marshals as a Go duration string ("1.5s") so events read well.
type Duration time.Duration

func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration(v)
	return err
}

// PartDone is a fact a stage records when it has done one part of an
// artifact, for whoever watches progress (arca backup --wait). It travels
// as an Event with Part set and status progress
// (events.<tenant>.<backup>.<stage>.progress): consumers that only care
// about whole backups (the catalog, the alerter, metrics) skip those.
type PartDone struct {
	Ref
	Run   string
	Stage string
	Part  int
	// Bytes are the part's at that stage: plaintext for the export, sealed
	// after.
	Bytes   int64
	Attempt int
	// Artifact names the export attempt: a retried export's parts replace
	// the earlier attempt's.
	Artifact string
	// Last is set on the export's last part: the part count is then known.
	Last bool
	// Destination names the copy a verifier read back (empty: the
	// primary), so that a copy's parts are not counted as the primary's.
	Destination string
}

// Event is the event that records the fact.
func (p PartDone) Event() Event {
	attrs := map[string]string{"artifact": p.Artifact}
	if p.Last {
		attrs["last"] = "true"
	}
	if p.Destination != "" {
		attrs[DestinationAttr] = p.Destination
	}
	part := p.Part
	return Event{Tenant: p.Tenant, Kind: p.Kind, BackupID: p.BackupID, Run: p.Run, Stage: p.Stage, Status: StatusProgress,
		Part: &part, Bytes: p.Bytes, Attempt: p.Attempt, Attrs: attrs}
}
