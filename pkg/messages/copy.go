package messages

// The copy jobs (3-2-1): once a backup is committed to the primary
// destination, the uploader publishes one CopyRequested per further
// destination of its kind, so that a slow or unreachable destination
// delays only its own copy and each is retried on its own.
const (
	SubjectCopy = "jobs.copy"
	StageCopy   = "copy"
)

// CopySubject is where the copy of a backup to one destination waits.
func CopySubject(backupID, destination string) string {
	return SubjectCopy + "." + Token(backupID) + "." + Token(destination)
}

// CopyMsgID is the id of the copy job of a backup to a destination.
func CopyMsgID(backupID, destination string) string { return "copy:" + backupID + "@" + destination }

// VerifyCopyMsgID is the id of the verify job of a backup's copy.
func VerifyCopyMsgID(backupID, destination string) string {
	return "verify:" + backupID + "@" + destination
}

// CopyRequested asks the uploader to copy a committed backup (its object,
// then its manifest, the copy's commit point) from the primary to one
// destination.
type CopyRequested struct {
	V           int    `json:"v"`
	Tenant      string `json:"tenant,omitempty"`
	Kind        Kind   `json:"kind"`
	BackupID    string `json:"backup_id"`
	ObjectKey   string `json:"object_key"`
	ManifestKey string `json:"manifest_key"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // of the object, from its manifest
	Destination string `json:"destination"`
}

func (m CopyRequested) Ref() Ref { return Ref{Tenant: m.Tenant, BackupID: m.BackupID, Kind: m.Kind} }

func (m CopyRequested) Validate() error {
	var p problems
	p.version(m.V)
	p.kind(m.Kind)
	p.required("backup_id", m.BackupID)
	p.required("object_key", m.ObjectKey)
	p.required("manifest_key", m.ManifestKey)
	p.nonNegative("size", m.Size)
	p.sha256("sha256", m.SHA256)
	p.required("destination", m.Destination)
	return p.err()
}

// DestinationAttr is the event attribute naming the destination a copy's
// event is about; events about the primary leave it out.
const DestinationAttr = "destination"

// ByAttr is the event attribute naming the command that did what the
// event says outside the jobs (arca copy).
const ByAttr = "by"

// CopyOutcome is a copy made outside the uploader's copy job (arca copy):
// what was copied where, and how its verification there went.
type CopyOutcome struct {
	Ref
	Destination string // "" or the primary's name: the primary
	Primary     bool   // Destination is the primary (its events carry no destination)
	CopyErr     error  // the copy failed (no verification follows)
	VerifyErr   error  // the copy does not verify
	Bytes       int64
	By          string // who copied, for the events' attrs
}

// Events are the copy's outcome events as the uploader's copy job and the
// verifier publish them: stage copy, then (once copied) stage verify. So
// the catalog's copies table and the copy-missing alert (triggered by a
// failure, resolved by a verified copy) follow a copy completed by hand.
func (o CopyOutcome) Events() []Event {
	attrs := map[string]string{ByAttr: o.By}
	if !o.Primary {
		attrs[DestinationAttr] = o.Destination
	}
	ev := func(stage string, err error) Event {
		e := Event{Tenant: o.Tenant, Kind: o.Kind, BackupID: o.BackupID, Stage: stage, Status: StatusSucceeded, Bytes: o.Bytes, Attrs: attrs}
		if err != nil {
			e.Status, e.Error, e.Bytes = StatusFailed, err.Error(), 0
		}
		return e
	}
	if o.CopyErr != nil {
		return []Event{ev(StageCopy, o.CopyErr)}
	}
	return []Event{ev(StageCopy, nil), ev(StageVerify, o.VerifyErr)}
}
