// Package tenantrestore restores one tenant as an operator names it: a
// backup by id, a tenant's newest, or a tenant as it was at a time. It is
// what `arca restore tenant` runs, flags turned into Options, as restic's
// runRestore runs its restorer.
//
// A tenant named with a time (no id, not Latest) is restored as of that
// exact moment by point-in-time recovery (pkg/restore/tenantpitr) when
// base backups and the WAL archive cover it, and otherwise from the newest
// logical export at or before it, saying why. A logical restore tries each
// destination in turn (Options.Try): one that lacks the backup, cannot be
// read, or holds a copy that does not authenticate or verify (the
// restore's transaction is then rolled back) hands over to the next.
package tenantrestore
