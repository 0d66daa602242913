// Package service is the verifier's place in the pipeline: for every committed
// backup it reads the object back from the bucket (never from staging),
// authenticates manifest.json as the manifest of that backup (a refused one
// fails the verification), checks the object's size and SHA-256 against it,
// opens it (every segment authenticated), walks the archive checking each
// file's SHA-256 and each table's row count, and records the outcome twice:
// verified.json beside the manifest, sealed and bound to its key (the bucket
// stays the source of truth), and a verify event (the catalog and the
// alerter). A mismatch is a fact about the backup, not a failure of the job:
// the job succeeds and the event says "failed", which pages as critical.
// Only such a verdict is recorded (verify.Judged): a read that could not
// complete (the bucket unreachable) is retried, and a key this verifier's
// keyring does not hold is tried again for a few seconds (its keyring may
// be catching up with a rotation), then dead-letters the job (it pages
// dead-lettered), leaving verified.json as it was.
package service
