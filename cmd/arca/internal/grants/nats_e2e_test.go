package grants_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/grants"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/teststack"
	alerter "github.com/arcabackup/arca/services/alerter/service"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// grantServer runs a real nats-server with the generated accounts and
// permissions and returns a URL per user.
func grantServer(t *testing.T) func(user string) string {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "accounts.conf")
	require.NoError(t, os.WriteFile(conf, []byte(grants.AccountsConf(grants.Services())), 0o600))
	passwords := map[string]string{}
	for _, s := range append(grants.Services(), grants.Service{Name: "admin"}) {
		passwords[s.Name] = "pw-" + s.Name + "-" + fmt.Sprint(time.Now().UnixNano())
		t.Setenv(grants.PasswordVar(s.Name), passwords[s.Name])
	}
	key, err := embednats.NewKey()
	require.NoError(t, err)
	srv := teststack.NewNATSWith(t, teststack.NATSOptions{Options: &embednats.Options{
		Dir: filepath.Join(dir, "store"), ConfigFile: conf, Encryption: &embednats.Encryption{Key: key},
	}, NoConnection: true})
	host := strings.TrimPrefix(srv.URL, "nats://")
	return func(user string) string { return fmt.Sprintf("nats://%s:%s@%s", user, passwords[user], host) }
}

// Each stage runs as its own NATS user under the generated permissions and
// a tenant backup goes through all of them, with no permission violation
// on any connection; then each user trying a subject outside its grant is
// refused by the server.
func TestGeneratedNATSPermissionsLetEachStageWorkAndRefuseTheRest(t *testing.T) {
	url := grantServer(t)
	ctx := t.Context()
	db := teststack.NewFixtureDatabase(t)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	kr := keyringtest.New(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	conns := map[string]*stack.Conn{}
	connect := func(name string) *stack.Conn {
		cfg := config.Default()
		cfg.Source.URL = db.URL
		cfg.NATS.URL = url(name)
		c, err := stack.Connect(ctx, cfg, name)
		require.NoError(t, err, "%s connects and ensures what it uses", name)
		t.Cleanup(c.NC.Close)
		conns[name] = c
		return c
	}
	wctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	// A second destination: the uploader's copy jobs and the verifier's
	// verification of the copy run under the same grants.
	copyDir := t.TempDir()
	for _, name := range stack.StageServices {
		cfg := config.Default()
		cfg.Source.URL = db.URL
		cfg.Store.Destinations = []config.Destination{{Name: "copy", Kind: "fs", FS: config.FSStore{Dir: copyDir}}}
		d := stack.Deps{Cfg: cfg, Conn: connect(name), Store: store, Keys: kr, Logger: quiet, Tool: "test"}
		svc, err := d.Service(name)
		require.NoError(t, err)
		wg.Add(1)
		go func() { defer wg.Done(); _ = svc.Run(wctx) }()
	}

	// The coordinator (schedules, catalog) and the alerter run as their
	// users too; the coordinator starts the backup, the operator watches.
	stopped := make(chan error, 2)
	coordConn := connect("coordinator")
	catalog := teststack.NewDatabase(t)
	coord, err := coordinator.New(coordinator.Deps{JS: coordConn.JS, Catalog: catalog.Pool, Source: db.Pool}, coordinator.Config{Logger: quiet})
	require.NoError(t, err)
	wg.Add(2)
	go func() { defer wg.Done(); stopped <- coord.Run(wctx) }()
	t.Setenv("ARCA_METRICS_ADDR", "off")
	obs, err := stack.Observe(ctx, []string{"coordinator"}, quiet)
	require.NoError(t, err)
	t.Cleanup(func() { _ = obs.Shutdown(context.Background()) })
	require.NoError(t, obs.WatchEvents(wctx, coordConn.JS), "the coordinator's event metrics and queue depths")
	t.Setenv("ARCA_GRANTS_TEST_PD_KEY", "test-routing-key")
	pages := make(chan []byte, 16)
	pd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case pages <- body:
		default:
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"status":"success","message":"Event processed","dedup_key":"k"}`))
	}))
	t.Cleanup(pd.Close)
	alerterConn := connect("alerter")
	al, err := alerter.New(alerter.Deps{JS: alerterConn.JS}, alerter.Config{Endpoint: pd.URL, RoutingKeyEnv: "ARCA_GRANTS_TEST_PD_KEY", Logger: quiet})
	require.NoError(t, err)
	go func() { defer wg.Done(); stopped <- al.Run(wctx) }()
	var started coordinator.Started
	teststack.Eventually(t, time.Minute, func() bool {
		started, err = coord.BackupTenants(ctx, []string{"acme"}, messages.KindTenant, "grants")
		return err == nil
	}, "the coordinator starting a backup")
	require.Len(t, started.Jobs, 1)
	_, ojs := teststack.Connect(t, url("operator"))
	events, err := ojs.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{})
	require.NoError(t, err)
	// Both verifications, the primary's and the copy's, in whatever order:
	// the copy is made once the primary commits, so under load its
	// verification may finish first.
	verified := map[string]bool{}
	for !verified[""] || !verified["copy"] {
		msg, err := events.Next(jetstream.FetchMaxWait(2 * time.Minute))
		require.NoError(t, err, "waiting for the backup's events")
		e, err := messages.Decode[messages.Event](msg.Data())
		require.NoError(t, err)
		t.Logf("%s event %s %s %s", time.Now().Format("15:04:05.000"), e.Stage, e.Status, e.Error)
		require.NotContains(t, []messages.Status{messages.StatusFailed, messages.StatusRetrying, messages.StatusDeadLettered}, e.Status, "%s: %s", e.Stage, e.Error)
		if e.Stage == messages.StageVerify && e.Status == messages.StatusSucceeded && e.Part == nil {
			verified[e.Attrs[messages.DestinationAttr]] = true
		}
	}
	// A failure the exporter reports is paged by the alerter (its consumer,
	// its outbox KV, PagerDuty).
	require.NoError(t, jobs.NewPublisher(conns["exporter"].JS).Event(ctx, messages.Event{Tenant: "acme", Kind: messages.KindTenant,
		BackupID: "grants-failed", Run: "grants", Stage: messages.StageExport, Status: messages.StatusFailed, Error: "boom"}))
	select {
	case body := <-pages:
		require.Contains(t, string(body), "trigger")
	case err := <-stopped:
		t.Fatalf("the coordinator or the alerter stopped: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("the alerter paged nothing for a failed export")
	}
	select {
	case err := <-stopped:
		t.Fatalf("the coordinator or the alerter stopped: %v", err)
	default:
	}
	for name, c := range conns {
		require.NoError(t, c.NC.LastError(), "%s: no permission violation while it worked", name)
	}

	// Outside its grant, the server refuses.
	for user, subjects := range map[string][]string{
		"exporter": {"jobs.upload.x.0", "jobs.verify.x", "events.t.b.verify.succeeded", "$KV.uploads.x",
			"$JS.API.DIRECT.GET.KV_uploads.$KV.uploads.x", "$JS.API.CONSUMER.CREATE.JOBS.encrypt.jobs.encrypt.>",
			"$JS.API.STREAM.DELETE.JOBS"},
		"encryptor": {"jobs.verify.x", "jobs.export.x", "events.t.b.upload.succeeded", "$KV.uploads.x",
			"$JS.API.STREAM.INFO.KV_uploads"},
		"uploader": {"jobs.export.x", "jobs.encrypt.x.0", "events.t.b.verify.succeeded", "$O.staging_plain.C.x",
			"$JS.API.DIRECT.GET.OBJ_staging_plain.$O.staging_plain.M.x", "$JS.API.CONSUMER.CREATE.OBJ_staging_plain",
			"$JS.API.STREAM.MSG.GET.OBJ_staging_plain", "$JS.API.STREAM.PURGE.OBJ_staging_plain"},
		"verifier": {"$O.staging.C.x", "$JS.API.DIRECT.GET.OBJ_staging.$O.staging.M.x", "$O.staging_plain.C.x",
			"$JS.API.CONSUMER.CREATE.OBJ_staging", "$JS.API.STREAM.CREATE.OBJ_staging", "jobs.export.x"},
		"coordinator": {"$O.staging.C.x", "$JS.API.DIRECT.GET.OBJ_staging.$O.staging.M.x", "jobs.upload.x.0", "$KV.uploads.x",
			"$JS.API.DIRECT.GET.OBJ_staging_plain.$O.staging_plain.M.x",
			"events.t.b.verify.succeeded"},
		"alerter": {"jobs.export.x", "$O.staging.C.x", "$KV.uploads.x", "$JS.API.CONSUMER.CREATE.JOBS.export.jobs.export.>"},
	} {
		for _, subj := range subjects {
			requireRefused(t, url(user), func(nc *nats.Conn) error { return nc.Publish(subj, []byte("x")) }, "Publish to \""+subj+"\"")
		}
	}
	for user, subjects := range map[string][]string{
		"exporter":    {"$O.staging.>", "_INBOX_encryptor.>", "jobs.>", "_INBOX.>"},
		"verifier":    {"$O.staging.C.>", "events.>"},
		"coordinator": {"$O.staging.>", "_INBOX_uploader.>"},
		"uploader":    {"$O.staging_plain.>", "_INBOX_encryptor.>"},
	} {
		for _, subj := range subjects {
			requireRefused(t, url(user), func(nc *nats.Conn) error { _, err := nc.SubscribeSync(subj); return err }, "Subscription to \""+subj+"\"")
		}
	}
}

// requireRefused runs op on a fresh connection and waits for the server's
// permissions violation naming what.
func requireRefused(t *testing.T, url string, op func(*nats.Conn) error, what string) {
	t.Helper()
	errs := make(chan error, 8)
	nc, err := nats.Connect(url, nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }))
	require.NoError(t, err)
	defer nc.Close()
	require.NoError(t, op(nc))
	require.NoError(t, nc.Flush())
	select {
	case err := <-errs:
		require.True(t, errors.Is(err, nats.ErrPermissionViolation), "%s: %v", what, err)
		require.Contains(t, err.Error(), what)
	case <-time.After(30 * time.Second):
		t.Fatalf("%s was not refused", what)
	}
}
