package service

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/coordinator/internal/fanout"
)

// hangingPublisher publishes n jobs, then hangs as a process would that is
// killed mid-fan-out: no error, no ack, nothing more.
type hangingPublisher struct {
	next fanout.Publisher
	mu   sync.Mutex
	left int
	hung chan struct{}
}

func (p *hangingPublisher) Publish(ctx context.Context, subject string, m messages.Message, msgID string) error {
	p.mu.Lock()
	p.left--
	if p.left < 0 {
		if p.left == -1 {
			close(p.hung)
		}
		p.mu.Unlock()
		<-ctx.Done()
		return ctx.Err()
	}
	p.mu.Unlock()
	return p.next.Publish(ctx, subject, m, msgID)
}

// A coordinator killed mid-fan-out loses nothing: its fire goes to the
// replica started after it, which publishes the rest (the first jobs are
// dropped as duplicates), and the run completes from the events.
func TestKilledCoordinatorLosesNothing(t *testing.T) {
	t.Parallel()
	tenants := []string{"t1", "t2", "t3", "t4", "t5", "t6"}
	b := setup(t, tenants...)
	cfg := testConfig()
	// One fire, a few seconds from now (cron fields: s m h dom mon dow).
	at := time.Now().UTC().Add(3 * time.Second)
	cfg.Schedules = Schedules{TenantExport: fmt.Sprintf("%d %d %d %d %d *", at.Second(), at.Minute(), at.Hour(), at.Day(), int(at.Month()))}

	ncA, jsA := teststack.Connect(t, b.nats.URL)
	hang := &hangingPublisher{left: 2, hung: make(chan struct{})}
	_, stopA := b.startWith(t, jsA, cfg, func(a *Service) {
		hang.next = a.pub
		a.fanout.Publisher = hang
		a.fanout.Parallel = 1
	})
	select {
	case <-hang.hung:
	case <-time.After(30 * time.Second):
		t.Fatal("replica A never fanned out")
	}
	ncA.Close() // killed: no ack, no heartbeat
	killed := perRun(exportJobs(t, b.nats.JS))
	require.Len(t, killed, 1)
	var runID string
	for id, per := range killed {
		runID = id
		require.Len(t, per, 2, "A published two jobs before it died")
	}

	bRep, _ := b.start(t, b.nats.JS, cfg)
	teststack.Eventually(t, 30*time.Second, func() bool {
		return len(perRun(exportJobs(t, b.nats.JS))[runID]) == len(tenants)
	}, "the other replica to publish the rest of the run")
	stopA()

	for _, e := range exportJobs(t, b.nats.JS) {
		if e.Run == runID {
			b.complete(t, e, true)
		}
	}
	run, err := bRep.WaitRun(t.Context(), runID, 20*time.Millisecond)
	require.NoError(t, err)
	require.Equal(t, RunDone, run.State)
	require.Equal(t, len(tenants), run.ByState[JobVerified])
	per := perRun(exportJobs(t, b.nats.JS))[runID]
	for _, tenant := range tenants {
		require.Equal(t, 1, per[tenant], "tenant %s", tenant)
	}
}
