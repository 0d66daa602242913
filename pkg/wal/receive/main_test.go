package receive_test

import (
	"testing"

	"github.com/arcabackup/arca/pkg/teststack"
)

// gw is the S3 gateway every test makes its own bucket in: the receiver
// runs as the test's user and the clusters' wal-fetch as postgres, which an
// S3 bucket, unlike a directory, does not mind.
var gw *teststack.VersityGW

func TestMain(m *testing.M) {
	teststack.VersityGWMain(m, func(g *teststack.VersityGW) { gw = g })
}
