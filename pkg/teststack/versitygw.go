package teststack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// VersityGWInstall is the command that installs the S3 gateway the tests use.
const VersityGWInstall = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// VersityGW is a running versitygw S3 gateway (posix backend, versioning and
// Object Lock available) listening on a loopback port.
type VersityGW struct {
	Endpoint  string // http://127.0.0.1:PORT
	AccessKey string
	SecretKey string
	Region    string
	DataDir   string // the posix backend's root: one directory per bucket

	cmd    *exec.Cmd
	exited chan struct{}
	stop   sync.Once
}

// VersityGWBinary finds versitygw on the PATH, then in $(go env GOPATH)/bin
// (or $GOBIN). The error tells how to install it.
func VersityGWBinary() (string, error) {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, p := range filepath.SplitList(strings.TrimSpace(string(out))) {
			dirs = append(dirs, filepath.Join(p, "bin"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("versitygw not found on PATH or in GOPATH/bin: run `%s`", VersityGWInstall)
}

// NewVersityGW starts a gateway for this test in t.TempDir() and stops it when
// the test ends. It fails the test (never skips) when versitygw is missing.
func NewVersityGW(t testing.TB) *VersityGW {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	gw, err := StartVersityGW(ctx, t.TempDir())
	if err != nil {
		t.Fatalf("teststack: %v", err)
	}
	t.Cleanup(gw.Close)
	return gw
}

// StartVersityGW starts a gateway whose data lives under dir and waits until
// it answers. The caller must Close it; TestMain can use this to share one
// gateway across a package's tests (give each test its own bucket).
func StartVersityGW(ctx context.Context, dir string) (*VersityGW, error) {
	bin, err := VersityGWBinary()
	if err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // another process may take the port between probe and bind
		gw, err := startVersityGW(ctx, bin, dir)
		if err == nil {
			return gw, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// NewVersityGWWithIAM starts a gateway with its internal IAM on (users
// made with `versitygw admin create-user`, bucket policies enforced per
// user); AccessKey is the root account. Stopped when the test ends.
func NewVersityGWWithIAM(t testing.TB) *VersityGW {
	t.Helper()
	bin, err := VersityGWBinary()
	if err != nil {
		t.Fatal(err)
	}
	iam := filepath.Join(t.TempDir(), "iam")
	if err := os.MkdirAll(iam, 0o700); err != nil {
		t.Fatal(err)
	}
	gw, err := startVersityGW(t.Context(), bin, t.TempDir(), "--iam-dir", iam)
	if err != nil {
		t.Fatalf("teststack: %v", err)
	}
	t.Cleanup(gw.Close)
	return gw
}

// Admin runs `versitygw admin` against the gateway as its root account.
func (gw *VersityGW) Admin(ctx context.Context, args ...string) error {
	bin, err := VersityGWBinary()
	if err != nil {
		return err
	}
	full := append([]string{"admin", "--access", gw.AccessKey, "--secret", gw.SecretKey, "--endpoint-url", gw.Endpoint}, args...)
	out, err := exec.CommandContext(ctx, bin, full...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("versitygw admin %s: %w: %s", args[0], err, bytes.TrimSpace(out))
	}
	return nil
}

func startVersityGW(ctx context.Context, bin, dir string, extra ...string) (*VersityGW, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp(dir, "versitygw-")
	if err != nil {
		return nil, err
	}
	data, versions := filepath.Join(root, "data"), filepath.Join(root, "versions")
	for _, d := range []string{data, versions} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	gw := &VersityGW{
		Endpoint:  fmt.Sprintf("http://127.0.0.1:%d", port),
		AccessKey: "arca-" + randomHex(4),
		SecretKey: randomHex(16),
		Region:    "us-east-1",
		DataDir:   data,
		exited:    make(chan struct{}),
	}
	logf, err := os.Create(filepath.Join(root, "versitygw.log"))
	if err != nil {
		return nil, err
	}
	args := append([]string{
		"--access", gw.AccessKey, "--secret", gw.SecretKey, "--region", gw.Region,
		"--port", fmt.Sprintf("127.0.0.1:%d", port),
		"--health", "/health", "--keep-alive", "--quiet",
	}, extra...)
	gw.cmd = exec.Command(bin, append(args, "posix", "--versioning-dir", versions, data)...)
	gw.cmd.Stdout, gw.cmd.Stderr = logf, logf
	// Kill the gateway if the test binary dies without cleaning up.
	gw.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := gw.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start versitygw: %w", err)
	}
	go func() {
		_ = gw.cmd.Wait()
		logf.Close()
		close(gw.exited)
	}()
	if err := gw.waitReady(ctx); err != nil {
		gw.Close()
		log, _ := os.ReadFile(logf.Name())
		return nil, fmt.Errorf("versitygw on port %d: %w\n%s", port, err, log)
	}
	return gw, nil
}

func (gw *VersityGW) waitReady(ctx context.Context) error {
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, gw.Endpoint+"/health", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-gw.exited:
			return errors.New("exited before answering")
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// Close stops the gateway and waits for it to exit. It is safe to call twice.
func (gw *VersityGW) Close() {
	gw.stop.Do(func() {
		_ = gw.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-gw.exited:
		case <-time.After(5 * time.Second):
			_ = gw.cmd.Process.Kill()
			<-gw.exited
		}
	})
}

// NewBucket creates a bucket with a random name for this test and returns
// the name. objectLock creates it with Object Lock enabled (which also turns
// versioning on). The bucket is left in place: the gateway's directory goes
// with the gateway.
func (gw *VersityGW) NewBucket(t testing.TB, objectLock bool) string {
	t.Helper()
	name := "arca-test-" + randomHex(6)
	if err := gw.CreateBucket(t.Context(), name, objectLock); err != nil {
		t.Fatalf("teststack: %v", err)
	}
	return name
}

// CreateBucket creates a bucket through the AWS SDK's S3 client, path-style.
func (gw *VersityGW) CreateBucket(ctx context.Context, name string, objectLock bool) error {
	client := s3.New(s3.Options{
		BaseEndpoint: aws.String(gw.Endpoint), Region: gw.Region, UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(gw.AccessKey, gw.SecretKey, ""),
	})
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if objectLock {
		in.ObjectLockEnabledForBucket = aws.Bool(true)
	}
	if _, err := client.CreateBucket(ctx, in); err != nil {
		return fmt.Errorf("create bucket %s: %w", name, err)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// VersityGWMain runs a test package against one shared versitygw (each test
// makes its own bucket) and exits: call it from TestMain. A missing gateway
// fails the package with the install command; it never skips.
func VersityGWMain(m *testing.M, set func(*VersityGW)) {
	dir, err := os.MkdirTemp("", "versitygw-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	gw, err := StartVersityGW(ctx, dir)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: these tests need versitygw: %v\n", err)
		os.Exit(1)
	}
	set(gw)
	code := m.Run()
	gw.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}
