package schedule

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Stream and subjects.
const (
	StreamName  = "SCHEDULES"
	subjectRoot = "schedules"
	defRoot     = subjectRoot + ".def."
	fireRoot    = subjectRoot + ".fire."
)

// DefSubject is where schedule name's definition lives.
func DefSubject(name string) string { return defRoot + name }

// FireSubject is where schedule name fires.
func FireSubject(name string) string { return fireRoot + name }

// StreamConfig is the SCHEDULES stream.
func StreamConfig(replicas int) jetstream.StreamConfig {
	if replicas <= 0 {
		replicas = 1
	}
	return jetstream.StreamConfig{
		Name:              StreamName,
		Description:       "Arca schedules (schedules.def.*) and their fires (schedules.fire.*)",
		Subjects:          []string{subjectRoot + ".>"},
		Retention:         jetstream.WorkQueuePolicy,
		Storage:           jetstream.FileStorage,
		Replicas:          replicas,
		AllowMsgSchedules: true,
		AllowRollup:       true,
	}
}

// EnsureStream creates or updates SCHEDULES.
func EnsureStream(ctx context.Context, js jetstream.StreamManager, replicas int) (jetstream.Stream, error) {
	s, err := js.CreateOrUpdateStream(ctx, StreamConfig(replicas))
	if err != nil {
		return nil, fmt.Errorf("ensure stream %s: %w", StreamName, err)
	}
	return s, nil
}
