package receive

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/arcabackup/arca/pkg/wal"
)

// Config says where to stream from and to.
type Config struct {
	WAL wal.Config // the archive; SegmentSize is taken from the server

	// ConnString reaches the primary as a user with REPLICATION; the
	// replication=true parameter is added.
	ConnString string
	// AppName is the application_name the primary sees, the name to list in
	// synchronous_standby_names for Sync (DefaultAppName).
	AppName string
	// Slot is the physical replication slot (DefaultSlot). CreateSlot
	// creates it, reserving WAL at once, when it does not exist.
	Slot       string
	CreateSlot bool

	// Interval is the longest time received WAL waits before it is put in
	// the bucket (DefaultInterval): the RPO on top of one Put.
	Interval time.Duration
	// Sync puts WAL as soon as the stream pauses, for synchronous
	// replication: each commit waits for one Put, not for Interval.
	Sync bool
	// StatusInterval is the longest time between standby status updates
	// (DefaultStatusInterval); keep it under wal_sender_timeout.
	StatusInterval time.Duration
	// MaxBackoff caps the wait between reconnections (DefaultMaxBackoff).
	MaxBackoff time.Duration

	Log *slog.Logger
}

// Defaults.
const (
	DefaultAppName        = "arca_wal_receive"
	DefaultSlot           = "arca_wal_receive"
	DefaultInterval       = time.Second
	DefaultStatusInterval = 10 * time.Second
	DefaultMaxBackoff     = 30 * time.Second
)

var identifier = regexp.MustCompile(`^[a-z0-9_]{1,63}$`)

func (c Config) withDefaults() Config {
	if c.AppName == "" {
		c.AppName = DefaultAppName
	}
	if c.Slot == "" {
		c.Slot = DefaultSlot
	}
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	if c.StatusInterval <= 0 {
		c.StatusInterval = DefaultStatusInterval
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.WAL.Store == nil {
		errs = append(errs, errors.New("store is required"))
	}
	if c.WAL.Keys == nil {
		errs = append(errs, errors.New("keys are required"))
	}
	if c.ConnString == "" {
		errs = append(errs, errors.New("a connection string to the primary is required"))
	}
	if !identifier.MatchString(c.Slot) {
		errs = append(errs, fmt.Errorf("slot name %q: want 1-63 of a-z, 0-9, _", c.Slot))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("wal-receive config: %w", err)
	}
	return nil
}
