package texttable

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestColumnsAlignTwoSpacesApart(t *testing.T) {
	var b strings.Builder
	tab := New(&b, "NAME\tN")
	tab.Row("a", 1)
	tab.Row("long name", 22)
	tab.Flush()
	require.Equal(t, "NAME       N\na          1\nlong name  22\n", b.String())
}

func TestRightAlignedColumns(t *testing.T) {
	var b strings.Builder
	tab := NewRight(&b, "NAME\tN\t")
	tab.Row("a", 1, "")
	tab.Row("long name", 22, "")
	tab.Flush()
	require.Equal(t, "       NAME   N\n          a   1\n  long name  22\n", b.String())
}

func TestCells(t *testing.T) {
	require.Equal(t, "-", OrDash(""))
	require.Equal(t, "x", OrDash("x"))
	require.Equal(t, "one …", FirstLine("one\ntwo"))
	require.Equal(t, "one", FirstLine("one"))
}

func TestBytesAndAge(t *testing.T) {
	require.Equal(t, "26h05m", Age(26*time.Hour+5*time.Minute))
	require.Equal(t, "3d4h", Age(76*time.Hour))
	require.Equal(t, "1023 B", Bytes(1023))
	require.Equal(t, "1.5 GiB", Bytes(3<<29))
}
