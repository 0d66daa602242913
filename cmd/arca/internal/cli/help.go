package cli

import (
	"embed"
	"strings"

	"github.com/spf13/cobra"
)

// help holds the long help of the commands that need more than a line,
// help/<command path, "_" for " ">.txt (help/restore_tenant.txt), so that
// it reads and diffs as text; docs/cli.md is generated from the tree
// (TestCLIReferenceIsUpToDate).
//
//go:embed help/*.txt
var help embed.FS

// helpName is the name of cmd's help file.
func helpName(cmd *cobra.Command) string {
	return "help/" + strings.ReplaceAll(strings.TrimPrefix(cmd.CommandPath(), "arca "), " ", "_") + ".txt"
}

// withHelp gives a command its long help as it is shown (arca help X,
// X --help): walking the tree now would sort its commands, and cobra's
// suggestions for a mistyped command follow their order.
func withHelp(root *cobra.Command) {
	show := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		setLong(c)
		show(c, args)
	})
}

// setLong reads cmd's long help, when it has one.
func setLong(cmd *cobra.Command) {
	if b, err := help.ReadFile(helpName(cmd)); err == nil {
		cmd.Long = strings.TrimSpace(string(b))
	}
}
