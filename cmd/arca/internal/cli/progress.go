package cli

import (
	"context"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/progress"
)

// newProgress is the progress line on stderr (pkg/progress.Line): nothing
// with --json unless stderr is a terminal.
func (a *app) newProgress() *progress.Line {
	tty := progress.IsTerminal(a.errOut)
	return progress.NewLine(a.errOut, tty, a.json && !tty)
}

// watchRestore shows the progress of each read of a restore.
func (a *app) watchRestore(r io.Reader, m backup.Manifest, phase string) (io.Reader, func()) {
	pr := progress.NewReader(r, a.newProgress(), m, phase, time.Now)
	return pr, pr.Finish
}

// backupProgress follows backup --wait (progress.Backups) with the hooks
// of follow.Set.Await.
type backupProgress struct{ b *progress.Backups }

// backupProgress follows total backups; expect estimates part counts by
// backup id (earlierParts).
func (a *app) backupProgress(total int, expect map[string]int) *backupProgress {
	return &backupProgress{progress.NewBackups(a.newProgress(), time.Now, total, expect)}
}

func (b *backupProgress) observe(e messages.Event) { b.b.Observe(e) }
func (b *backupProgress) outcome(o *outcome)       { b.b.Finished(o.BackupID, o.Status == "verified") }
func (b *backupProgress) render()                  { b.b.Render() }
func (b *backupProgress) done()                    { b.b.Done() }

// earlierParts is progress.EarlierParts of the run's backups.
func earlierParts(ctx context.Context, js jetstream.JetStream, kind messages.Kind, order []*outcome) map[string]int {
	refs := make([]progress.Ref, len(order))
	for i, o := range order {
		refs[i] = progress.Ref{Tenant: o.Tenant, BackupID: o.BackupID}
	}
	return progress.EarlierParts(ctx, js, kind, refs)
}
