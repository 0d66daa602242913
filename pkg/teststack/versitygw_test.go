package teststack

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestVersityGWStartsAndCreatesBuckets(t *testing.T) {
	gw := NewVersityGW(t)

	resp, err := http.Get(gw.Endpoint + "/health")
	if err != nil {
		t.Fatalf("health: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %s", resp.Status)
	}

	plain, locked := gw.NewBucket(t, false), gw.NewBucket(t, true)
	if plain == locked {
		t.Fatal("two buckets share a name")
	}
	for _, b := range []string{plain, locked} {
		if fi, err := os.Stat(filepath.Join(gw.DataDir, b)); err != nil || !fi.IsDir() {
			t.Fatalf("bucket %s has no directory: %v", b, err)
		}
	}
	if err := gw.CreateBucket(t.Context(), plain, false); err == nil {
		t.Fatal("creating an existing bucket succeeded")
	}
	// The locked bucket has Object Lock on; the plain one has none.
	client := s3.New(s3.Options{BaseEndpoint: aws.String(gw.Endpoint), Region: gw.Region, UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(gw.AccessKey, gw.SecretKey, "")})
	lock, err := client.GetObjectLockConfiguration(t.Context(), &s3.GetObjectLockConfigurationInput{Bucket: aws.String(locked)})
	if err != nil || lock.ObjectLockConfiguration == nil || lock.ObjectLockConfiguration.ObjectLockEnabled != types.ObjectLockEnabledEnabled {
		t.Fatalf("bucket %s: Object Lock not enabled: %v", locked, err)
	}
	if _, err := client.GetObjectLockConfiguration(t.Context(), &s3.GetObjectLockConfigurationInput{Bucket: aws.String(plain)}); err == nil {
		t.Fatalf("bucket %s: Object Lock enabled", plain)
	}

	// An unsigned request is refused: the credentials are really enforced.
	resp, err = http.Get(gw.Endpoint + "/" + plain)
	if err != nil {
		t.Fatalf("unsigned list: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned list: %s, want 403", resp.Status)
	}
}

func TestVersityGWCloseStopsTheProcess(t *testing.T) {
	gw, err := StartVersityGW(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	gw.Close()
	gw.Close() // idempotent
	select {
	case <-gw.exited:
	default:
		t.Fatal("process still running after Close")
	}
	if _, err := http.Get(gw.Endpoint + "/health"); err == nil {
		t.Fatal("gateway still answers after Close")
	}
}

func TestVersityGWBinaryMissingNamesTheInstallCommand(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("GOBIN", "")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("GOPATH", t.TempDir())
	_, err := VersityGWBinary()
	if err == nil {
		// `go` itself is off the PATH now, so only the lookups above apply.
		t.Fatal("found a versitygw binary in an empty environment")
	}
	if got := err.Error(); !strings.Contains(got, VersityGWInstall) {
		t.Fatalf("error %q does not name %q", got, VersityGWInstall)
	}
}
