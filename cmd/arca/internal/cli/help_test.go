package cli

import (
	"bytes"
	"flag"
	"io"
	"io/fs"
	"os"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite docs/cli.md")

// Every help file is some command's, and docs/cli.md is the reference the
// command tree gives today.
func TestCLIReferenceIsUpToDate(t *testing.T) {
	t.Setenv("ARCA_CONFIG", "") // the --config flag's default
	a := &app{out: io.Discard, errOut: io.Discard}
	root := a.rootCmd()
	files, err := fs.Glob(help, "help/*.txt")
	require.NoError(t, err)
	used := map[string]bool{}
	for _, c := range allCommands(root) {
		used[helpName(c)] = true
	}
	for _, f := range files {
		require.True(t, used[f], "%s names no command", f)
	}

	// arca X --help shows the long help.
	var out bytes.Buffer
	require.NoError(t, Execute(t.Context(), []string{"restore", "tenant", "--help"}, &out, io.Discard))
	b, err := help.ReadFile("help/restore_tenant.txt")
	require.NoError(t, err)
	require.Contains(t, out.String(), string(b))

	var got bytes.Buffer
	writeReference(&got, root)
	const path = "../../../../docs/cli.md"
	if *update {
		require.NoError(t, os.WriteFile(path, got.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), got.String(), "docs/cli.md is out of date: go test ./internal/cli -run TestCLIReferenceIsUpToDate -update")
}

func allCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, s := range c.Commands() {
		out = append(out, allCommands(s)...)
	}
	return out
}
