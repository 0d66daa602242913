package teststack

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// pgServerUser is the account a private PostgreSQL server runs as when the
// tests run as root (CI): PostgreSQL refuses to run as root.
const pgServerUser = "postgres"

func serverIDs() (uid, gid int, ok bool) {
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	u, err := user.Lookup(pgServerUser)
	if err != nil {
		return 0, 0, false
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, true
}

// AsServer makes cmd run as the server account when the tests run as root,
// and returns it: pg_ctl and initdb, and any process PostgreSQL talks to
// through a 0600 socket (the WAL agent).
func AsServer(cmd *exec.Cmd) *exec.Cmd {
	if uid, gid, ok := serverIDs(); ok {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	return cmd
}

// RunAsServer runs a server-side command as the server account and fails
// the test with its output.
func RunAsServer(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	if out, err := AsServer(cmd).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", filepath.Base(cmd.Args[0]), err, out)
	}
}

// ServerDir is a new temporary directory the server account can use: the
// tests' directories are root's and 0700, so when root it opens the path
// to it.
func ServerDir(t testing.TB) string {
	t.Helper()
	d := t.TempDir()
	if uid, gid, ok := serverIDs(); ok {
		for p := d; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
			_ = os.Chmod(p, 0o755) // best effort: Chown below is what must work
		}
		if err := os.Chown(d, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// OwnByServer gives paths (recursively) to the server account when root.
func OwnByServer(t testing.TB, paths ...string) {
	t.Helper()
	uid, gid, ok := serverIDs()
	if !ok {
		return
	}
	for _, p := range paths {
		err := filepath.Walk(p, func(q string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(q, uid, gid)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
