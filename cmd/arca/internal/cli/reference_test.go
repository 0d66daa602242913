package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// writeReference writes the command reference (docs/cli.md): every
// command with its synopsis, help and flags. Only the test that keeps
// docs/cli.md up to date (TestCLIReferenceIsUpToDate) runs it.
func writeReference(w io.Writer, root *cobra.Command) {
	fmt.Fprintf(w, "# arca command reference\n\nGenerated from the command tree (`go test ./internal/cli -run TestCLIReferenceIsUpToDate -update`\nin cmd/arca); the long help lives in cmd/arca/internal/cli/help/*.txt.\n\nGlobal flags:\n\n```\n%s```\n", root.PersistentFlags().FlagUsages())
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		setLong(c)
		if c != root && c.IsAvailableCommand() {
			fmt.Fprintf(w, "\n## %s\n\n%s\n", c.CommandPath(), c.Short)
			if c.Runnable() {
				fmt.Fprintf(w, "\n    %s\n", strings.TrimSpace(c.Parent().CommandPath()+" "+c.Use))
			}
			if c.Long != "" {
				fmt.Fprintf(w, "\n%s\n", c.Long)
			}
			if f := c.LocalNonPersistentFlags(); f.HasAvailableFlags() {
				fmt.Fprintf(w, "\n```\n%s```\n", f.FlagUsages())
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}
