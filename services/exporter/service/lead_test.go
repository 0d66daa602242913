package service_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
	exporter "github.com/arcabackup/arca/services/exporter/service"
)

// A tenant exported on its own is cut into LeadParts small parts first
// (LeadPartSize), then parts of PartSize: the encryptor and the uploader
// start on the first parts while the export reads on. Before, every part
// but the last was PartSize.
func TestATenantExportedAloneLeadsWithSmallParts(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)

	db := teststack.NewFixtureDatabase(t)
	// beta's export compresses to several parts of 1 MiB (md5 hex halves).
	_, err = db.Pool.Exec(ctx, `INSERT INTO public.organizations
		SELECT 100000 + g, 'beta', (SELECT string_agg(md5(random()::text || i), '') FROM generate_series(1, 16) i WHERE g > 0) FROM generate_series(1, 16000) g`)
	require.NoError(t, err)
	dir, err := teststack.PGBinDir(ctx)
	require.NoError(t, err)
	const part, lead, leads = 1 << 20, 256 << 10, 3
	svc, err := exporter.New(exporter.Deps{JS: n.JS, Staging: st}, exporter.Config{
		SourceURL: db.URL, PGBinDir: dir, ToolVersion: "test", PartSize: part, LeadPartSize: lead, LeadParts: leads,
		MaxPartsWaiting: 1000, BatchSize: 1,
		Tenancy: tenancy.Config{
			TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id", SchemaColumn: "schemaName"},
			Exclude:     []string{"public._prisma_migrations"},
			Ownership: map[string]tenancy.Edge{
				"public.responses.responses_display_id_fkey": tenancy.EdgeOwned,
				"public.responses.responses_parent_id_fkey":  tenancy.EdgeOwned,
			},
		},
		Worker: jobs.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
	})
	require.NoError(t, err)
	rctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = svc.Run(rctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	job := messages.ExportRequested{V: messages.Version, Run: "r1", Tenant: "beta", Kind: messages.KindTenant, BackupID: "bk-lead", RequestedAt: time.Now()}
	require.NoError(t, jobs.NewPublisher(n.JS).Publish(ctx, messages.ExportSubject("beta"), job, messages.ExportMsgID(job.BackupID)))

	// The parts as announced to the encryptor (none runs here).
	artifact := messages.ArtifactID(job.BackupID, 1)
	stream, err := n.JS.Stream(ctx, messages.StreamJobs)
	require.NoError(t, err)
	var sizes []int64
	teststack.Eventually(t, teststack.MinWait, func() bool {
		sizes = sizes[:0]
		for i := 0; ; i++ {
			msg, err := stream.GetLastMsgForSubject(ctx, messages.EncryptSubject(artifact, i))
			if err != nil {
				return false
			}
			var ready messages.PartReady
			require.NoError(t, json.Unmarshal(msg.Data, &ready))
			sizes = append(sizes, ready.Size)
			if ready.Last {
				return true
			}
		}
	}, "every part announced")
	require.Greater(t, len(sizes), leads+1, "parts of PartSize after the lead parts: %v", sizes)
	for i, size := range sizes[:len(sizes)-1] {
		if i < leads {
			require.True(t, size >= lead && size < part, "lead part %d is %d bytes, not about %d: %v", i, size, lead, sizes)
		} else {
			require.GreaterOrEqual(t, size, int64(part), "part %d: %v", i, sizes)
		}
	}
}
