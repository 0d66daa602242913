package keyadmin_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config/configtest"
	"github.com/arcabackup/arca/cmd/arca/internal/keyadmin"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
)

// admin is a file keyring in a temporary directory, no NATS, and a catalog
// of its own (the audit log).
func admin(t *testing.T) (keyadmin.Admin, *teststack.Database) {
	cfg := configtest.Local(t)
	cat := teststack.NewDatabase(t)
	cfg.Catalog.URL = cat.URL
	return keyadmin.Admin{Cfg: cfg}, cat
}

func audited(t *testing.T, cat *teststack.Database) []string {
	rows, err := cat.Pool.Query(t.Context(), "SELECT action || ' ' || tenant FROM arca_catalog.audit ORDER BY id")
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// Each change is saved, so that the next load sees it, and recorded in the
// catalog's audit log; init refuses to overwrite.
func TestKeyChangesAreSavedAndAudited(t *testing.T) {
	a, cat := admin(t)
	ctx := t.Context()
	kr, err := a.Init(ctx)
	require.NoError(t, err)
	require.Len(t, kr.List(), 1)
	_, err = a.Init(ctx)
	require.Error(t, err, "init never overwrites a keyring")

	_, err = a.Rotate(ctx, "acme", "")
	require.NoError(t, err)
	loaded, err := stack.Keyring(ctx, a.Cfg, false)
	require.NoError(t, err)
	_, err = loaded.Primary("acme")
	require.NoError(t, err, "the rotation was saved")

	_, err = a.EraseTenant(ctx, "acme")
	require.NoError(t, err)
	loaded, err = stack.Keyring(ctx, a.Cfg, false)
	require.NoError(t, err)
	_, err = loaded.Primary("acme")
	require.ErrorIs(t, err, keyring.ErrTenantErased)

	require.Equal(t, []string{"key.init ", "key.rotate acme", "key.erase_tenant acme"}, audited(t, cat))
}

// Without NATS, init and a wait of 0 tell no one and say so; any other
// change refuses to claim the services were told.
func TestAnnounceWithoutNATS(t *testing.T) {
	a, _ := admin(t)
	ctx := t.Context()
	kr, err := a.Init(ctx)
	require.NoError(t, err)
	ann, err := a.Announce(ctx, kr, "init", 30e9)
	require.NoError(t, err)
	require.False(t, ann.Told)
	ann, err = a.Announce(ctx, kr, "sync", 0)
	require.NoError(t, err)
	require.False(t, ann.Told)
	_, err = a.Announce(ctx, kr, "rotate default", 30e9)
	require.ErrorContains(t, err, "keyring saved, but no NATS is configured")

	// Sync announces the saved file as it is.
	ann, err = a.Sync(ctx, 0)
	require.NoError(t, err)
	require.Equal(t, keyadmin.Announced{Change: "sync"}, ann)
	_, err = a.Sync(ctx, 30e9)
	require.ErrorContains(t, err, "keyring saved, but no NATS is configured")
}

// Escrow needs keys.kms; recover refuses a keyring kept in Secrets Manager
// and names the missing escrow.
func TestEscrowAndRecoverErrors(t *testing.T) {
	a, _ := admin(t)
	ctx := t.Context()
	_, err := a.Escrow(ctx)
	require.ErrorIs(t, err, keyadmin.ErrNoKMS)

	_, err = a.Recover(ctx)
	require.ErrorIs(t, err, keyring.ErrNoEscrow)

	sm := a
	sm.Cfg.Keys.Keyring = "secretsmanager://arca/keyring"
	_, err = sm.Recover(ctx)
	require.ErrorIs(t, err, keyadmin.ErrNotAFile)
}

// A KMS key named otherwise than awskms://KEY-ARN is refused before the
// keyring is read.
func TestRotateRefusesAKMSKeyOfAnotherForm(t *testing.T) {
	a, _ := admin(t)
	_, err := a.Rotate(t.Context(), "", "arn:nope")
	require.ErrorIs(t, err, keyadmin.ErrBadKMS)
	require.EqualError(t, err, `--kms "arn:nope": want awskms://KEY-ARN`)
}

// List is the saved keyring's versions; without a keyring it fails.
func TestListIsTheSavedKeyringsVersions(t *testing.T) {
	a, _ := admin(t)
	_, err := a.List(t.Context())
	require.Error(t, err, "no keyring yet")
	_, err = a.Init(t.Context())
	require.NoError(t, err)
	_, err = a.Rotate(t.Context(), "acme", "")
	require.NoError(t, err)
	ks, err := a.List(t.Context())
	require.NoError(t, err)
	require.Len(t, ks, 2)
}
