// Command arca is Arca's one binary: the operator CLI, `arca dev` (the whole
// system in one process), and each service (`arca exporter`, ...).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
	"github.com/arcabackup/arca/pkg/messages"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	interrupted := ctx.Err() != nil
	stop()
	if err != nil && interrupted {
		// What failed after a signal is the interruption ("use of closed
		// network connection" says nothing to an operator).
		fmt.Fprintln(os.Stderr, "arca: interrupted")
		os.Exit(130)
	}
	if err != nil && !cli.Quiet(err) {
		fmt.Fprintln(os.Stderr, "arca:", messages.OneLine(err))
	}
	os.Exit(cli.ExitCode(err))
}
