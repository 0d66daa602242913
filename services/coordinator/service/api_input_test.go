package service

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
)

// A NUL byte or invalid UTF-8 in a path, query or body field is a bad
// request (400, one clear line), never a 500 with the raw bytes logged;
// nothing is started or recorded.
func TestAPIRefusesNULAndInvalidUTF8With400(t *testing.T) {
	t.Parallel()
	b := setup(t, "a")
	const token = "portal-token"
	var logged bytes.Buffer
	cfg := testConfig()
	cfg.API.Token = token
	cfg.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	c, err := New(Deps{JS: b.nats.JS, Catalog: b.catalog.Pool, Source: b.source.Pool}, cfg)
	require.NoError(t, err)
	c.ops = testOps{restoreFn: func(context.Context, RestoreJob) error { return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)
	// The catalog is ready: a well-formed request is answered.
	teststack.Eventually(t, 30*time.Second, func() bool {
		return call(t, srv, "GET", "/v1/tenants/a/backups", token, "", nil) == http.StatusOK
	}, "the API answering")

	for _, tc := range []struct{ method, path, body, want string }{
		{"GET", "/v1/tenants/a%00b/backups", "", "the request path holds a NUL byte"},
		{"POST", "/v1/tenants/a%00/backups", "", "the request path holds a NUL byte"},
		{"POST", "/v1/tenants/a%ff%fe/backups", "", "the request path is not valid UTF-8"},
		{"GET", "/v1/tenants/%C3%28/backups", "", "the request path is not valid UTF-8"},
		{"GET", "/v1/backups/b%00", "", "the request path holds a NUL byte"},
		{"GET", "/v1/runs/r%80", "", "the request path is not valid UTF-8"},
		{"GET", "/v1/restores/x%00", "", "the request path holds a NUL byte"},
		{"GET", "/v1/tenants/a/backups?limit=5&x=%ff", "", "query parameter x is not valid UTF-8"},
		{"POST", "/v1/restores", `{"backup_id":"b\u0000","target":"scratch"}`, "backup_id holds a NUL byte"},
		{"POST", "/v1/restores", `{"backup_id":"b","target":"scr\u0000atch"}`, "target holds a NUL byte"},
		{"POST", "/v1/restores", "{\"backup_id\":\"b\xff\xfe\",\"target\":\"scratch\"}", "body is not valid UTF-8"},
	} {
		var body struct{ Error string }
		require.Equal(t, http.StatusBadRequest, call(t, srv, tc.method, tc.path, token, tc.body, &body), "%s %s", tc.method, tc.path)
		require.Equal(t, tc.want, body.Error, "%s %s", tc.method, tc.path)
	}
	require.Empty(t, logged.String(), "bad input is not logged")
	require.Empty(t, exportJobs(t, b.nats.JS), "nothing was started")
}
