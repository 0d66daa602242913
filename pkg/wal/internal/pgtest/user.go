package pgtest

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// serverUser is the account the server runs as when the tests run as root.
const serverUser = "postgres"

func ids() (uid, gid int, ok bool) {
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return 0, 0, false
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, true
}

// runAs runs a server-side command, as the postgres user when root.
func runAs(cmd *exec.Cmd) error {
	if uid, gid, ok := ids(); ok {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return &exec.ExitError{ProcessState: cmd.ProcessState, Stderr: out}
	}
	return nil
}

// Run runs a server-side command and fails the test with its output.
func Run(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	if err := runAs(cmd); err != nil {
		t.Fatalf("%s: %v: %s", cmd.Args[0], err, err.(*exec.ExitError).Stderr)
	}
}

// Dir is a new temporary directory the server user can use: the tests'
// directories are root's and 0700, so when root it opens the path to it.
func Dir(t testing.TB) string {
	t.Helper()
	d := t.TempDir()
	if uid, gid, ok := ids(); ok {
		for p := d; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
			_ = os.Chmod(p, 0o755)
		}
		if err := os.Chown(d, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// Own gives paths (recursively) to the server user when root.
func Own(t testing.TB, paths ...string) {
	t.Helper()
	uid, gid, ok := ids()
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

// AsServer makes cmd run as the server user when the tests run as root: a
// process PostgreSQL's archive_command talks to (the WAL agent, whose
// socket is 0600) must be the server's.
func AsServer(cmd *exec.Cmd) {
	if uid, gid, ok := ids(); ok {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
}
