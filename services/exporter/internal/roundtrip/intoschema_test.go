package roundtrip_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/fingerprint"
)

// --into-schema puts the backup beside the live tenant: its schema under the
// new name, its shared rows in tables of that schema, and the live database
// untouched.
func TestIntoSchemaSideBySide(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, c := range []struct{ tenant, schema string }{{acme, "acme restored"}, {beta, "beta_restored"}} {
		s := b.backup(t, c.tenant, 1<<20)
		if c.tenant == acme {
			runSQL(t, b.db, mutateAcme)
		}
		live := everything(t, b.db.URL)

		res, err := restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys,
			restore.Options{Mode: restore.ModeIntoSchema, Schema: c.schema, Tenancy: tenancyConfig})
		require.NoError(t, err)
		require.Equal(t, c.schema, res.Schema)
		if c.tenant == acme {
			require.Len(t, res.Warnings, 1)
			require.Contains(t, res.Warnings[0], "residents_user_id_fkey")
		}

		after := everything(t, b.db.URL)
		prefix := pgx.Identifier{c.schema}.Sanitize() + "."
		maps.DeleteFunc(after, func(k, _ string) bool { return strings.HasPrefix(k, prefix) })
		require.Equal(t, live, after)

		conn, err := pgx.Connect(t.Context(), b.db.URL)
		require.NoError(t, err)
		defer conn.Close(t.Context())
		got := map[string]fingerprint.Fingerprint{}
		for _, tab := range s.am.Tables {
			name := tab.Name
			if tab.Role != "schema-table" {
				name = tab.Schema + "__" + tab.Name
			}
			key := tab.Role + " " + tab.Schema + "." + tab.Name
			fp, err := fingerprint.Table(t.Context(), conn, c.schema, name, columnNames(tab), "")
			require.NoError(t, err)
			got[key] = fp
		}
		// A table in two roles (reference and owned rows) holds both
		// roles' rows side by side: compare the tables in one role.
		roles := map[string]int{}
		for _, tab := range s.am.Tables {
			roles[tab.Schema+"."+tab.Name]++
		}
		require.Equal(t, s.fp["schema-table tenant_acme_1f2e.residents"], got["schema-table tenant_acme_1f2e.residents"])
		for _, tab := range s.am.Tables {
			if k := tab.Role + " " + tab.Schema + "." + tab.Name; roles[tab.Schema+"."+tab.Name] == 1 {
				require.Equal(t, s.fp[k], got[k], k)
			}
		}
	}
}
