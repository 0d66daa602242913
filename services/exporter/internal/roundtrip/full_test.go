package roundtrip_test

import (
	"bytes"
	"errors"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A logical full dump comes back whole with pg_restore --jobs; a damaged
// one is refused before pg_restore runs.
func TestFullRestore(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dump, err := exec.CommandContext(t.Context(), teststack.PGBin(t, "pg_dump"), "--format=custom", "--dbname="+b.db.URL).Output()
	require.NoError(t, err)
	s := sealParts(t, b.kek, "full-1", "full", "", dump, len(dump)/3+1, true)
	opts := func(db *teststack.Database) restore.FullOptions {
		return restore.FullOptions{Database: db.URL, PGRestore: teststack.PGBin(t, "pg_restore"), Jobs: 2,
			TempDir: t.TempDir(), Args: []string{"--no-owner"}}
	}

	target := teststack.NewDatabase(t)
	res, err := restore.Full(t.Context(), s.open(), s.m, b.keys, opts(target))
	require.NoError(t, err)
	require.Equal(t, int64(len(dump)), res.DumpBytes)
	require.Equal(t, everything(t, b.db.URL), everything(t, target.URL))

	bad := bytes.Clone(s.obj)
	bad[len(bad)/2] ^= 0x01
	empty := teststack.NewDatabase(t)
	_, err = restore.Full(t.Context(), bytes.NewReader(bad), s.m, b.keys, opts(empty))
	var f *verify.Failure
	require.True(t, errors.As(err, &f), "got %v", err)
	require.Equal(t, 1, f.Part)
	require.Empty(t, everything(t, empty.URL))

	// Into a database that is not empty: refused before anything is read
	// or written (before, pg_restore created schemas and then failed).
	before := everything(t, target.URL)
	_, err = restore.Full(t.Context(), unreadable{t}, s.m, b.keys, opts(target))
	require.ErrorContains(t, err, "not empty")
	require.Equal(t, before, everything(t, target.URL))
}

// unreadable fails the test if it is read.
type unreadable struct{ t *testing.T }

func (u unreadable) Read([]byte) (int, error) {
	u.t.Error("the backup was read")
	return 0, errors.New("unreadable")
}
