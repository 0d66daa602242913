package roundtrip_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/exporter/pitrstage"
	"github.com/arcabackup/arca/services/exporter/tenantexport"
)

// TestRestorerRunsATenantPITRJob schedules a tenant point-in-time restore
// the way the coordinator would, by publishing TenantRestoreRequested: the
// restorer undoes the mistaken DELETE, and the events record the restore
// and each of its steps, in order, with the RTO.
func TestRestorerRunsATenantPITRJob(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, "column")
	app := p.connect(t, "app")
	last := commit(t, app, `INSERT INTO public.notes VALUES (101, 't1', 'before')`)
	waitClockPast(t, app, last.Add(time.Second))
	before := everything(t, p.url("app"))
	commit(t, app, `DELETE FROM public.tenants WHERE id = 't1'`)
	archiveAll(t, app)

	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(t.Context(), n.JS, jobs.StreamOptions{}))
	var mu sync.Mutex
	var events []messages.Event
	sub, err := n.Conn.Subscribe("events.>", func(msg *nats.Msg) {
		var e messages.Event
		if json.Unmarshal(msg.Data, &e) == nil {
			mu.Lock()
			events = append(events, e)
			mu.Unlock()
		}
	})
	require.NoError(t, err)
	defer sub.Unsubscribe()

	pc := p.pitrConfig(t, columnTenancy, nil)
	dir, err := teststack.PGBinDir(t.Context())
	require.NoError(t, err)
	stage, err := pitrstage.New(pitrstage.Deps{JS: n.JS}, pitrstage.Config{PITR: pc,
		Export: tenantexport.Config{Tenancy: columnTenancy, PGBinDir: dir, ToolVersion: "test"}})
	require.NoError(t, err)
	go func() { _ = stage.Run(t.Context()) }()

	req := messages.TenantRestoreRequested{V: messages.Version, ID: "restore-t1-test", Tenant: "t1", At: last,
		Mode: "replace", RequestedAt: time.Now().UTC()}
	require.NoError(t, jobs.NewPublisher(n.JS).Publish(t.Context(), messages.RestoreSubject("t1"), req, req.ID))

	var done messages.Event
	teststack.Eventually(t, 5*time.Minute, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range events {
			if e.Stage == messages.StageRestore && e.Status != messages.StatusStarted {
				done = e
				return true
			}
		}
		return false
	}, "the restore's outcome event")
	require.Equal(t, messages.StatusSucceeded, done.Status, "%+v", done)
	t.Logf("restorer RTO %s (base backup %s)", done.Attrs["rto"], done.Attrs["base_backup"])
	require.Equal(t, "true", done.Attrs["scratch_removed"])
	require.Equal(t, "restore-t1-test", done.BackupID)

	mu.Lock()
	var steps []string
	for _, e := range events {
		if e.Stage == messages.StageRestoreStep && e.Status == messages.StatusSucceeded {
			steps = append(steps, e.Attrs["step"])
		}
	}
	mu.Unlock()
	require.Equal(t, []string{"base backup", "recovery", "export", "restore", "cleanup"}, steps)
	require.Equal(t, tablesOnly(before), tablesOnly(everything(t, p.url("app"))))
	requireEmptyDir(t, pc.TempDir)
}
