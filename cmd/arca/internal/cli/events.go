package cli

import (
	"context"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
)

// watchEvents delivers every event published from now on (jobs.WatchEvents).
func watchEvents(ctx context.Context, conn *stack.Conn) (<-chan messages.Event, func(), error) {
	return jobs.WatchEvents(ctx, conn.JS)
}
