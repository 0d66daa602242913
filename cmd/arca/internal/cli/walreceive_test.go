package cli_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// wal-receive and wal-check --slot refuse bad input with exit 2 and one
// line naming it; a primary that cannot be reached is exit 1. (wal-check
// checks the archive first, here empty, and says both.)
func TestWALReceiveAndStreamCheckRefuseBadInput(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"wal-receive", "--slot", "Bad Slot"}, 2, `arca: wal-receive config: slot name "Bad Slot": want 1-63 of a-z, 0-9, _` + "\n"},
		{[]string{"wal-check", "--slot", "arca", "--max-slot-retained", "lots"}, 2, `--max-slot-retained: size "lots"`},
		{[]string{"wal-check", "--slot", "arca", "--pg-conn", "postgres://arca@127.0.0.1:1/none?connect_timeout=2"}, 1, "wal-check: connect to the primary: "},
	} {
		_, stderr, code := e.arca(t, c.args...)
		require.Equal(t, c.code, code, "%v: %s", c.args, stderr)
		require.Contains(t, stderr, c.err, c.args)
		require.Equal(t, 1, countLines(stderr), "one line: %q", stderr)
	}
}

func countLines(s string) int {
	n := 0
	for _, r := range s {
		if r == '\n' {
			n++
		}
	}
	return n
}
