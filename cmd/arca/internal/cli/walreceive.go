package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/wal/receive"
)

func (a *app) walReceiveCmd() *cobra.Command {
	var o receive.Config
	cmd := command("wal-receive", cobra.NoArgs, "Stream WAL over the replication protocol into the bucket (an RPO of about a second)",
		func(ctx context.Context, _ []string) error { return usage(stack.RunWALReceive(ctx, a.cfg, o, a.log)) })
	f := cmd.Flags()
	f.StringVar(&o.ConnString, "pg-conn", "", "connection to the primary as a REPLICATION user (default: the source URL)")
	f.StringVar(&o.Slot, "slot", receive.DefaultSlot, "physical replication slot")
	f.BoolVar(&o.CreateSlot, "create-slot", false, "create the slot if it does not exist")
	f.StringVar(&o.AppName, "app-name", receive.DefaultAppName, "application_name (for synchronous_standby_names)")
	f.DurationVar(&o.Interval, "interval", receive.DefaultInterval, "longest wait before received WAL is put in the bucket")
	f.BoolVar(&o.Sync, "sync", false, "put WAL as soon as the stream pauses (synchronous replication)")
	f.DurationVar(&o.StatusInterval, "status-interval", receive.DefaultStatusInterval, "longest time between status updates to the primary")
	return cmd
}

// streamCheck is what wal-check --slot checks on the primary.
type streamCheck struct {
	slot, conn  string
	maxRetained string
	t           receive.Thresholds
}

func (a *app) streamCheckFlags(cmd *cobra.Command) *streamCheck {
	var s streamCheck
	f := cmd.Flags()
	f.StringVar(&s.slot, "slot", "", "also check wal-receive's replication slot on the primary: retention and stream lag")
	f.StringVar(&s.conn, "pg-conn", "", "connection to the primary for --slot (default: the source URL)")
	f.StringVar(&s.maxRetained, "max-slot-retained", "4GiB", "alert when the slot holds more WAL on the primary")
	f.DurationVar(&s.t.MaxLag, "max-stream-lag", time.Minute, "alert when WAL reaches the bucket later than this after its commit")
	return &s
}

// checkStream checks the slot and the stream when --slot is given
// (stack.CheckStream) and prints them.
func (a *app) checkStream(ctx context.Context, s *streamCheck) error {
	if s.slot == "" {
		return nil
	}
	n, err := config.ParseByteSize(s.maxRetained)
	if err != nil {
		return usageError{fmt.Errorf("--max-slot-retained: %w", err)}
	}
	s.t.MaxRetained = int64(n)
	h, err := stack.CheckStream(ctx, a.cfg, s.conn, s.slot, s.t, a.log)
	if err != nil {
		return err
	}
	a.show(h)
	return h.Err()
}
