package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Two `arca backup tenant X` at once make one backup, as two API requests
// do: the second is skipped in favour of the backup in flight. Before, the
// command published directly and both ran.
func TestTwoConcurrentBackupsOfATenantMakeOne(t *testing.T) {
	t.Parallel()
	path, n := acmeWithCatalog(t)

	outs := make([]bytes.Buffer, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() {
			var stderr bytes.Buffer
			errs[i] = Execute(context.Background(), []string{"--config", path, "backup", "tenant", "acme"}, &outs[i], &stderr)
		})
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	all := outs[0].String() + outs[1].String()
	require.Equal(t, 1, strings.Count(all, "queued tenant backup"), all)
	require.Equal(t, 1, strings.Count(all, "skipped tenant backup of acme"), all)

	s, err := n.JS.Stream(t.Context(), messages.StreamJobs)
	require.NoError(t, err)
	info, err := s.Info(t.Context(), jetstream.WithSubjectFilter(messages.Filter(messages.SubjectExport)))
	require.NoError(t, err)
	require.EqualValues(t, 1, info.State.Msgs, "one export job")
}

// acmeWithCatalog is the configuration file of a source whose one tenant
// is acme, with NATS and a catalog: what `arca backup tenant acme` needs
// to start a backup through the catalog.
func acmeWithCatalog(t *testing.T) (string, *teststack.NATS) {
	t.Helper()
	n := teststack.NewNATS(t)
	cat := teststack.NewDatabase(t)
	src := teststack.NewDatabase(t)
	_, err := src.Pool.Exec(t.Context(), `CREATE TABLE public.tenants (id text PRIMARY KEY, "schemaName" text, name text);
		INSERT INTO public.tenants VALUES ('acme', NULL, 'Acme')`)
	require.NoError(t, err)
	dir := t.TempDir()
	path := filepath.Join(dir, "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf("dir: %s\nsource: {url: %q}\nnats: {url: %q}\ncatalog: {url: %q}\n",
		dir, src.URL, n.URL, cat.URL)), 0o600))
	return path, n
}

// backup full --json prints the backups it queued, each with its id and
// status (here published directly: no catalog answers).
func TestBackupJSONListsTheQueuedBackups(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf("dir: %s\nsource: {url: \"postgres://arca@127.0.0.1:1/none\"}\nnats: {url: %q}\ncatalog: {url: \"postgres://arca@127.0.0.1:1/none?connect_timeout=2\"}\n",
		dir, n.URL)), 0o600))
	var out, stderr bytes.Buffer
	require.NoError(t, Execute(t.Context(), []string{"--config", path, "--json", "backup", "full"}, &out, &stderr), stderr.String())
	var got []map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &got), out.String())
	require.Len(t, got, 1)
	require.Equal(t, "queued", got[0]["status"])
	require.NotEmpty(t, got[0]["backup_id"])
	require.NotContains(t, out.String(), "queued full backup", "--json prints only the JSON")
}
