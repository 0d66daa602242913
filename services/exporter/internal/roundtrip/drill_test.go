package roundtrip_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore/drill"
	"github.com/arcabackup/arca/pkg/teststack"
)

// memSource serves committed backups from memory.
type memSource map[string]sealed

func (m memSource) Latest(_ context.Context, tenant string) (backup.Manifest, error) {
	s, ok := m[tenant]
	if !ok {
		return backup.Manifest{}, fmt.Errorf("tenant %s has no backup", tenant)
	}
	return s.m, nil
}

func (m memSource) Open(_ context.Context, man backup.Manifest) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(m[man.Tenant].obj)), nil
}

func TestDrill(t *testing.T) {
	t.Parallel()
	b := setup(t)
	src := memSource{}
	for _, tenant := range []string{acme, beta, evil} {
		src[tenant] = b.backup(t, tenant, 512<<10)
	}
	cfg := drill.Config{
		AdminURL: teststack.AdminURL(),
		Tenants:  []string{acme, beta, evil},
		Keys:     b.keys,
		Tenancy:  tenancyConfig,
		Smoke: []drill.SmokeQuery{
			{Name: "tenant row", SQL: `SELECT 1 FROM public.tenants WHERE id = current_setting('arca.tenant_id')`},
			{Name: "invoices total", SQL: `SELECT sum(amount) FROM public.invoices`},
		},
	}

	t.Run("healthy", func(t *testing.T) {
		rep, err := drill.Run(t.Context(), src, cfg)
		require.NoError(t, err)
		require.True(t, rep.Passed, rep.Summary())
		require.Len(t, rep.Tenants, 3)
		for _, tr := range rep.Tenants {
			require.Positive(t, tr.RTO)
			require.NotEmpty(t, tr.Tables)
			require.Len(t, tr.Smoke, 2)
		}
		_, err = json.Marshal(rep)
		require.NoError(t, err)
		require.Contains(t, rep.Summary(), "PASSED")
		t.Log(rep.Summary())
	})

	t.Run("corrupted", func(t *testing.T) {
		bad := memSource{}
		for k, v := range src {
			bad[k] = v
		}
		s := src[beta]
		s.obj = bytes.Clone(s.obj)
		s.obj[len(s.obj)/2] ^= 0x80
		bad[beta] = s
		c := cfg
		c.Sample = 1
		c.Tenants = []string{beta}
		rep, err := drill.Run(t.Context(), bad, c)
		require.NoError(t, err)
		require.False(t, rep.Passed)
		tr := rep.Tenants[0]
		require.Equal(t, s.m.BackupID, tr.BackupID)
		require.Contains(t, tr.Reason, s.m.BackupID)
		require.NotNil(t, tr.Part)
		require.Contains(t, []string{"seal", "object"}, tr.Stage)
		require.Contains(t, rep.Summary(), "FAIL")
		t.Log(rep.Summary())
	})
}
