package messages

import "time"

// ExportRequested asks an exporter to produce one artifact. BackupID is
// derived from the run and the tenant (see BackupID), so a repeated fire or a
// redelivery names the same backup.
type ExportRequested struct {
	V           int       `json:"v"`
	Run         string    `json:"run"`
	Tenant      string    `json:"tenant,omitempty"` // empty for full and base backups
	Kind        Kind      `json:"kind"`
	BackupID    string    `json:"backup_id"`
	RequestedAt time.Time `json:"requested_at"`
	// Batch, when set, names a group of tenant exports of one run that an
	// exporter may read together (one scan of each shared table for the
	// group; each tenant still gets its own artifact, events and outcome);
	// BatchSize is how many jobs the coordinator put in it. An exporter
	// that does not batch ignores both.
	Batch     string `json:"batch,omitempty"`
	BatchSize int    `json:"batch_size,omitempty"`
}

func (m ExportRequested) Ref() Ref { return Ref{Tenant: m.Tenant, BackupID: m.BackupID, Kind: m.Kind} }

func (m ExportRequested) Validate() error {
	var p problems
	p.version(m.V)
	p.required("run", m.Run)
	p.required("backup_id", m.BackupID)
	p.kind(m.Kind)
	if m.Kind == KindTenant {
		p.required("tenant", m.Tenant)
	}
	if m.Batch != "" && (m.Kind != KindTenant || m.BatchSize < 1) {
		p.add("batch", "is for tenant exports, with a batch_size of at least 1")
	}
	p.nonNegative("batch_size", int64(m.BatchSize))
	if m.RequestedAt.IsZero() {
		p.add("requested_at", "is required")
	}
	return p.err()
}

// ArtifactPart names one part of one export attempt: the fields PartReady
// and PartSealed share. Embedded, its fields stay at the top level of the
// JSON, in this order, so the wire format is that of the flat messages.
type ArtifactPart struct {
	// Artifact names one export attempt of the backup: a re-export after a
	// crash reads a new snapshot, so its parts must never mix with the
	// parts of an earlier attempt.
	Artifact string `json:"artifact"`
	Tenant   string `json:"tenant,omitempty"`
	Kind     Kind   `json:"kind"`
	BackupID string `json:"backup_id"`
	Part     int    `json:"part"`
	Last     bool   `json:"last"`
}

func (a ArtifactPart) Ref() Ref { return Ref{Tenant: a.Tenant, BackupID: a.BackupID, Kind: a.Kind} }

// PartReady says a part of an artifact is in staging, waiting to be sealed.
// Parts are numbered from 0; the part with Last set tells how many there are.
//
// Version 1: the staged part is plaintext (the encryptor compresses it).
// Version 2 (PartReadyVersion) adds Encoding: with EncodingZstd the staged
// part is already one zstd frame of PlainSize plaintext bytes, and the
// encryptor only encrypts it. A version-1 reader refuses version 2 rather
// than take a compressed part for plaintext.
type PartReady struct {
	V int `json:"v"`
	ArtifactPart
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	StagingKey string `json:"staging_key"`
	// Encoding of the staged bytes: "" (plaintext) or EncodingZstd.
	Encoding string `json:"encoding,omitempty"`
	// PlainSize is the part's plaintext size when Encoding is set (Size is
	// then the size of the frame).
	PlainSize int64 `json:"plain_size,omitempty"`
}

// PartReadyVersion is the newest PartReady version, the one with Encoding.
const PartReadyVersion = 2

// EncodingZstd marks a staged part that is one zstd frame.
const EncodingZstd = "zstd"

func (m PartReady) maxVersion() int { return PartReadyVersion }

func (m PartReady) Validate() error {
	var p problems
	p.versionUpTo(m.V, PartReadyVersion)
	switch m.Encoding {
	case "":
	case EncodingZstd:
		if m.V < 2 {
			p.add("encoding", "needs version 2, not %d", m.V)
		}
	default:
		p.add("encoding", "%q is not empty or %q", m.Encoding, EncodingZstd)
	}
	p.nonNegative("plain_size", m.PlainSize)
	p.stagedPart(m.Kind, m.BackupID, m.Artifact, m.Part, m.Size, m.SHA256, m.StagingKey)
	return p.err()
}

// PartSealed says a part has been compressed and encrypted and waits in
// staging for an uploader.
type PartSealed struct {
	V int `json:"v"`
	ArtifactPart
	PlainSize  int64  `json:"plain_size"`
	Size       int64  `json:"size"`   // sealed bytes
	SHA256     string `json:"sha256"` // of the sealed bytes
	KeyID      string `json:"key_id"`
	StagingKey string `json:"staging_key"`
}

func (m PartSealed) Validate() error {
	var p problems
	p.version(m.V)
	p.stagedPart(m.Kind, m.BackupID, m.Artifact, m.Part, m.Size, m.SHA256, m.StagingKey)
	p.nonNegative("plain_size", m.PlainSize)
	p.required("key_id", m.KeyID)
	return p.err()
}

// VerifyRequested asks a verifier to read a committed backup back from the
// bucket and prove it against its manifest.
type VerifyRequested struct {
	V           int    `json:"v"`
	Tenant      string `json:"tenant,omitempty"`
	Kind        Kind   `json:"kind"`
	BackupID    string `json:"backup_id"`
	ManifestKey string `json:"manifest_key"`
	// Destination names the copy to verify; empty is the primary.
	Destination string `json:"destination,omitempty"`
}

func (m VerifyRequested) Ref() Ref { return Ref{Tenant: m.Tenant, BackupID: m.BackupID, Kind: m.Kind} }

func (m VerifyRequested) Validate() error {
	var p problems
	p.version(m.V)
	p.backup(m.Kind, m.BackupID)
	p.required("manifest_key", m.ManifestKey)
	return p.err()
}

// QueueStages are the stages whose durable consumer on the JOBS stream is
// a queue: the queue-depth gauges (arca_jobs_pending, arca_jobs_unacked)
// report each, and the coordinator may read each one's consumer info.
// The copy jobs to further destinations and the tenant point-in-time
// restores wait in queues of their own.
var QueueStages = []string{StageExport, StageEncrypt, StageUpload, StageVerify, StageCopy, StageRestore}
