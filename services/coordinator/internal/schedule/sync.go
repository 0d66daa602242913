package schedule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Server header names of message schedules (ADR-51).
const (
	HeaderSchedule  = "Nats-Schedule"
	HeaderTimeZone  = "Nats-Schedule-Time-Zone"
	HeaderTarget    = "Nats-Schedule-Target"
	HeaderScheduler = "Nats-Scheduler"
	HeaderNext      = "Nats-Schedule-Next"
)

// Store is what Sync needs of the SCHEDULES stream.
type Store interface {
	GetLastMsgForSubject(ctx context.Context, subject string) (*jetstream.RawStreamMsg, error)
	Info(ctx context.Context, opts ...jetstream.StreamInfoOpt) (*jetstream.StreamInfo, error)
	Purge(ctx context.Context, opts ...jetstream.StreamPurgeOpt) error
}

// Sync makes the stored schedules match defs: a missing or changed one is
// published (replacing the old one), one no longer in defs is purged. A
// schedule already as configured is left alone, so its timer is not reset
// when a replica starts.
func Sync(ctx context.Context, js jetstream.Publisher, s Store, defs []Definition) error {
	want := map[string]bool{}
	var errs []error
	for _, d := range defs {
		want[DefSubject(d.Name)] = true
		if err := put(ctx, js, s, d); err != nil {
			errs = append(errs, err)
		}
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(defRoot+">"))
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("sync schedules: %w", err))...)
	}
	for subj := range info.State.Subjects {
		if want[subj] {
			continue
		}
		if err := s.Purge(ctx, jetstream.WithPurgeSubject(subj)); err != nil {
			errs = append(errs, fmt.Errorf("remove schedule %s: %w", strings.TrimPrefix(subj, defRoot), err))
		}
	}
	return errors.Join(errs...)
}

// put publishes d unless the stored definition already matches, retrying
// when another replica wrote the subject between the read and the write.
func put(ctx context.Context, js jetstream.Publisher, s Store, d Definition) error {
	var err error
	for range 3 {
		var cur *jetstream.RawStreamMsg
		cur, err = s.GetLastMsgForSubject(ctx, DefSubject(d.Name))
		var last uint64
		switch {
		case err == nil:
			if same(cur, d) {
				return nil
			}
			last = cur.Sequence
		case !errors.Is(err, jetstream.ErrMsgNotFound):
			return fmt.Errorf("schedule %s: %w", d.Name, err)
		}
		msg := nats.NewMsg(DefSubject(d.Name))
		msg.Data = d.payload()
		opts := []jetstream.PublishOpt{
			jetstream.WithScheduleCron(d.Expr),
			jetstream.WithScheduleTarget(FireSubject(d.Name)),
			jetstream.WithExpectLastSequencePerSubject(last),
		}
		if d.usesZone() {
			opts = append(opts, jetstream.WithScheduleTimeZone(d.TimeZone))
		}
		if _, err = js.PublishMsg(ctx, msg, opts...); err == nil {
			return nil
		}
		var apiErr *jetstream.APIError
		if !errors.As(err, &apiErr) || (apiErr.ErrorCode != jetstream.JSErrCodeStreamWrongLastSequence &&
			apiErr.ErrorCode != jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
			break
		}
	}
	return fmt.Errorf("schedule %s: %w", d.Name, err)
}

func same(cur *jetstream.RawStreamMsg, d Definition) bool {
	zone := ""
	if d.usesZone() {
		zone = d.TimeZone
	}
	return cur.Header.Get(HeaderSchedule) == d.Expr &&
		cur.Header.Get(HeaderTimeZone) == zone &&
		cur.Header.Get(HeaderTarget) == FireSubject(d.Name) &&
		bytes.Equal(cur.Data, d.payload())
}
