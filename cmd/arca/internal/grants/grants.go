package grants

import (
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/staging"
)

// Service is what one service may touch.
type Service struct {
	// Name is the service, its NATS user and its S3 identity.
	Name string
	// Why says in one line what the grant is for (written into the files).
	Why  string
	NATS NATS
	// S3 lists the actions the service calls, each on the keys it needs.
	S3 []S3Grant
	// OutsideCompose: deploy/compose (and make cluster) do not run it, so
	// its NATS user and bucket principal stay out of their generated
	// files; its IAM policies are generated all the same.
	OutsideCompose bool
	// Keys is what it does with the KMS key and the keyring's secret.
	Keys KeyUse
	// PG is the PostgreSQL role it connects as, if any.
	PG *PGRole
	// Source is a second role, for the source database, where the service
	// reads it as another role than PG (the coordinator: PG owns the
	// catalog, Source lists tenants, takes base backups and creates the
	// scratch databases of drills and API restores).
	Source *PGRole
}

// PGRoles are the service's PostgreSQL roles: PG, then Source.
func (s Service) PGRoles() []*PGRole {
	var out []*PGRole
	for _, r := range []*PGRole{s.PG, s.Source} {
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

// NATS is a service's share of JetStream. Every field names streams,
// buckets or subjects; Permissions turns them into the subjects the
// server checks.
type NATS struct {
	// Ensures: streams it creates or updates at start-up (idempotent
	// CreateOrUpdateStream; jobs.EnsureStreams, staging.Ensure, KV).
	Ensures []string
	// Info: streams whose info (state, subjects) it reads.
	Info []string
	// Gets: streams it reads single messages from (STREAM.MSG.GET).
	Gets []string
	// Consumes: durable pull consumers it creates, pulls from and acks.
	Consumes []Consumer
	// Watches: streams it reads through ordered (ephemeral) consumers.
	Watches []string
	// Depth: consumers whose info (queue depth) it reads.
	Depth []Consumer
	// Publishes: subjects it publishes to.
	Publishes []string
	// KV and Objects: buckets it reads and writes (and ensures).
	KV      []string
	Objects []string
	// KVFollow: KV buckets it ensures, reads and watches but never writes
	// (the keyring epoch: a service follows it, only an operator announces).
	KVFollow []string
	// KVPut: KV buckets it ensures and writes to but never reads (the
	// keyring heartbeats of running instances).
	KVPut []string
	// All grants everything (the operator's CLI).
	All bool
}

// Consumer is a durable consumer on a stream with one filter.
type Consumer struct{ Stream, Durable, Filter string }

// stageStreams are the streams every service ensures (jobs.EnsureStreams).
var stageStreams = []string{messages.StreamJobs, messages.StreamEvents, messages.StreamDLQ, jobs.LedgerStream}

// Names that live in packages cmd/arca cannot import (a module's
// internal/): the uploader's KV, the alerter's outbox, the coordinator's
// schedules and consumers. The real-server test catches a drift.
const (
	uploadsKV         = "uploads"           // services/uploader/service.StateBucket
	alertsKV          = "ALERTS"            // services/alerter/internal/alerter Config.Bucket
	schedulesStream   = "SCHEDULES"         // services/coordinator/internal/schedule.StreamName
	schedulesConsumer = "coordinator-fires" // schedule.ConsumerName
	trackerConsumer   = "coordinator"       // services/coordinator/internal/tracker.ConsumerName
	alerterDurable    = "alerter"           // alerter Config.Durable
	stagingSealed     = staging.Bucket
	stagingPlain      = staging.PlainBucket
	keyringEpochKV    = "arca_keyring_epoch"     // cmd/arca/internal/stack.KeyringEpochBucket
	keyringInstanceKV = "arca_keyring_instances" // stack.KeyringInstancesBucket
)

// stage is the grant of a pipeline stage consuming root and publishing to
// next (if any).
func stage(name, root string, next ...string) NATS {
	return NATS{
		Ensures:  stageStreams,
		Gets:     []string{jobs.LedgerStream}, // the completion ledger
		Consumes: []Consumer{{Stream: messages.StreamJobs, Durable: name, Filter: messages.Filter(root)}},
		Publishes: append([]string{
			"done." + name + ".>",       // ledger entries
			messages.DLQSubject(name),   // its dead letters
			"events.*.*." + name + ".*", // its events
		}, next...),
	}
}

// Services is the grant of every service, in a stable order.
func Services() []Service {
	exporter := stage(messages.StageExport, messages.SubjectExport, messages.Filter(messages.SubjectEncrypt))
	exporter.Info = []string{messages.StreamJobs}            // back-pressure: encrypt jobs waiting per artifact
	exporter.Objects = []string{stagingPlain, stagingSealed} // plaintext parts; export facts

	encryptor := stage(messages.StageEncrypt, messages.SubjectEncrypt, messages.Filter(messages.SubjectUpload))
	encryptor.Objects = []string{stagingPlain, stagingSealed} // reads and deletes plaintext, puts sealed

	uploader := stage(messages.StageUpload, messages.SubjectUpload, messages.Filter(messages.SubjectVerify), messages.Filter(messages.SubjectCopy))
	// The copy jobs to further destinations (store.destinations) are the
	// uploader's too: a consumer, its ledger, dead letters and events.
	copies := stage(messages.StageCopy, messages.SubjectCopy)
	uploader.Consumes = append(uploader.Consumes, copies.Consumes...)
	uploader.Publishes = append(uploader.Publishes, copies.Publishes...)
	uploader.Objects = []string{stagingSealed}
	// staging.Ensure creates both buckets: the plaintext one's config, not
	// its contents.
	uploader.Ensures = append(append([]string(nil), stageStreams...), "OBJ_"+stagingPlain)
	uploader.KV = []string{uploadsKV}

	verifier := stage(messages.StageVerify, messages.SubjectVerify, "events.*.*."+messages.StageDrill+".*")

	restorer := stage(messages.StageRestore, messages.SubjectRestore, "events.*.*."+messages.StageRestoreStep+".*")

	// The stages that hold keys follow the keyring epoch (docs/keys.md).
	for _, n := range []*NATS{&encryptor, &uploader, &verifier, &restorer} {
		n.KVFollow = []string{keyringEpochKV}
		n.KVPut = []string{keyringInstanceKV}
	}

	return []Service{
		{
			Name: "exporter", Why: "reads the source database, stages plaintext parts; no keys, no bucket",
			NATS: exporter,
			PG:   &PGRole{Name: "arca_backup", Read: true, Replication: true},
		},
		{
			Name: "encryptor", Why: "seals staged parts with the keyring; no database, no bucket",
			NATS: encryptor,
			Keys: KeyUse{Encrypt: true, ReadKeyring: true},
		},
		{
			Name: "uploader", Why: "writes sealed parts and manifests to the bucket; seals manifests, opens nothing; no database",
			NATS: uploader,
			Keys: KeyUse{Encrypt: true, ReadKeyring: true}, // seals manifest.json
			S3: []S3Grant{
				// Stat reads tags: the commit confirms data.arca. ListParts tells
				// a part refused because its upload is gone (versitygw resets
				// the connection) from a failure worth retrying.
				{Actions: []string{"s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectRetention", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObject", "s3:GetObjectTagging"}},
				// A commit aborts the uploads its backup's superseded attempts
				// left on the same key, found by listing uploads (keys and
				// upload ids only, not objects).
				{Actions: []string{"s3:ListBucketMultipartUploads"}, Bucket: true},
			},
		},
		{
			Name: "verifier", Why: "reads backups back and proves them; writes only verified.json",
			NATS: verifier,
			Keys: KeyUse{Decrypt: true, Encrypt: true, ReadKeyring: true}, // opens parts, seals verified.json
			S3: []S3Grant{
				{Actions: []string{"s3:GetObject", "s3:GetObjectTagging"}},
				{Actions: []string{"s3:PutObject"}, Keys: "*/verified.json"},
			},
			// drills run from the coordinator (arca_drill): no database here
		},
		{
			Name: "coordinator", Why: "schedules and fans out runs, keeps the catalog, prunes the bucket",
			NATS: NATS{
				Ensures: append(append([]string(nil), stageStreams...), schedulesStream),
				Info:    []string{messages.StreamJobs, messages.StreamDLQ}, // queue depth
				Gets:    []string{schedulesStream},
				Consumes: []Consumer{
					{Stream: schedulesStream, Durable: schedulesConsumer, Filter: "schedules.fire.>"},
					{Stream: messages.StreamEvents, Durable: trackerConsumer, Filter: messages.SubjectEvents},
				},
				Watches: []string{messages.StreamEvents},
				Depth:   queueDepth(),
				Publishes: []string{
					messages.Filter(messages.SubjectExport), "schedules.>",
					messages.Filter(messages.SubjectRestore), // tenant point-in-time restores from the API
					// drills and the WAL archive check run from the coordinator
					"events.*.*." + messages.StageDrill + ".*", "events.*.*." + messages.StageWALArchive + ".*",
					"events.*.*." + messages.StageArchiveCopy + ".*", // the archive copies' check
					"events.*.*." + messages.StageCoordinate + ".*",
				},
			},
			S3: []S3Grant{
				// objstore's Delete removes every version of a key
				{Actions: []string{"s3:GetObject", "s3:GetObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload", "s3:PutObject"}},
				{Actions: []string{"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"}, Bucket: true},
			},
			// drills, API restores and catalog rebuilds open backups; base
			// backups are sealed
			Keys: KeyUse{Decrypt: true, Encrypt: true, ReadKeyring: true},
			PG:   &PGRole{Name: "arca", OwnsCatalog: true},
			// drills and API restores create scratch databases and restore
			// into them; base backups; the tenants query reads the source
			Source: &PGRole{Name: "arca_drill", CreateDB: true, Replication: true, ReadWrite: true},
		},
		{
			Name: "alerter", Why: "pages on failures from EVENTS and DLQ; no data, no keys",
			NATS: NATS{
				Ensures: stageStreams,
				Consumes: []Consumer{
					{Stream: messages.StreamEvents, Durable: alerterDurable, Filter: messages.SubjectEvents},
					{Stream: messages.StreamDLQ, Durable: alerterDurable, Filter: messages.SubjectDLQ},
				},
				Watches: []string{messages.StreamEvents},
				KV:      []string{alertsKV},
			},
		},
		{
			Name: "operator", Why: "the arca CLI of an operator: backup, status, list, restore",
			NATS: NATS{All: true},
			PG:   &PGRole{Name: "arca_restore", Restore: true},
			Keys: KeyUse{Encrypt: true, Decrypt: true, ReadKeyring: true, WriteKeyring: true},
		},
		{
			Name: "restorer", Why: "tenant point-in-time restores (arca restorer): recovers a scratch cluster of its own from base backups and WAL, exports the tenant from it and restores it into the live database",
			NATS: restorer, OutsideCompose: true,
			S3: []S3Grant{
				{Actions: []string{"s3:GetObject"}, Keys: "base/*"},
				{Actions: []string{"s3:GetObject"}, Keys: "wal/*"},
				{Actions: []string{"s3:ListBucket"}, Bucket: true}, // finds the base backup and the WAL
			},
			Keys: KeyUse{Decrypt: true, ReadKeyring: true},
			// The scratch cluster is its own (initdb as the restorer's OS
			// user, on loopback): no grant. The restore writes the
			// tenant's rows into the live database, as arca restore does.
			PG: &PGRole{Name: "arca_restore", Restore: true},
		},
	}
}

// queueDepth is the consumers whose info the coordinator reads for the
// queue-depth gauges: every queue stage's.
func queueDepth() []Consumer {
	out := make([]Consumer, 0, len(messages.QueueStages))
	for _, st := range messages.QueueStages {
		out = append(out, Consumer{Stream: messages.StreamJobs, Durable: st})
	}
	return out
}
