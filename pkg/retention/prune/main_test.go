package prune_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/arcabackup/arca/pkg/teststack"
)

// gw is the package's one versitygw; every test makes its own bucket.
var gw *teststack.VersityGW

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "prune-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	gw, err = teststack.StartVersityGW(ctx, dir)
	cancel()
	if err != nil {
		// Fail, never skip: CI must not pass by testing nothing.
		fmt.Fprintf(os.Stderr, "FAIL: the prune tests need versitygw: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	gw.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}
