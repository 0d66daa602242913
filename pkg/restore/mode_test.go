package restore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
)

func TestModeOfIsExactlyOneWay(t *testing.T) {
	for _, c := range []struct {
		replace        bool
		target, schema string
		want           restore.Mode
		ok             bool
	}{
		{true, "", "", restore.ModeReplace, true},
		{false, "postgres://x", "", restore.ModeTarget, true},
		{false, "", "acme_restored", restore.ModeIntoSchema, true},
		{false, "", "", "", false},
		{true, "postgres://x", "", "", false},
		{false, "postgres://x", "s", "", false},
	} {
		got, ok := restore.ModeOf(c.replace, c.target, c.schema)
		require.Equal(t, c.ok, ok, "%+v", c)
		require.Equal(t, c.want, got, "%+v", c)
	}
}
