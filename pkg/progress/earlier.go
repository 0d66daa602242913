package progress

import (
	"context"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
)

// Ref names one backup of a run.
type Ref struct{ Tenant, BackupID string }

// EarlierParts estimates each backup's part count from the newest export
// of the same tenant and kind still in EVENTS, so that an ETA shows while
// the export runs. Best effort: what is not found is not estimated.
func EarlierParts(ctx context.Context, js jetstream.JetStream, kind messages.Kind, backups []Ref) map[string]int {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	stream, err := js.Stream(ctx, messages.StreamEvents)
	if err != nil {
		return nil
	}
	out := map[string]int{}
	for _, o := range backups {
		msg, err := stream.GetLastMsgForSubject(ctx, messages.TenantEventFilter(o.Tenant, messages.StageExport, messages.StatusSucceeded))
		if err != nil {
			continue
		}
		e, err := messages.Decode[messages.Event](msg.Data)
		if err != nil || e.Kind != kind || e.BackupID == o.BackupID {
			continue
		}
		if n, err := strconv.Atoi(e.Attrs["parts"]); err == nil && n > 0 {
			out[o.BackupID] = n
		}
	}
	return out
}
