package prune_test

import (
	"testing"

	"github.com/arcabackup/arca/pkg/teststack"
)

// gw is the package's one versitygw; every test makes its own bucket.
var gw *teststack.VersityGW

func TestMain(m *testing.M) {
	teststack.VersityGWMain(m, func(g *teststack.VersityGW) { gw = g })
}
