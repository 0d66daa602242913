package tenantpitr

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// serverUser is the account the scratch server runs as when Arca runs as
// root: PostgreSQL refuses to run as root.
const serverUser = "postgres"

// owner is the account the server runs as when not the current one.
type owner struct{ uid, gid int }

func serverOwner() (*owner, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return nil, fmt.Errorf("running as root, the scratch server runs as %q: %w", serverUser, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &owner{uid: uid, gid: gid}, nil
}

// apply makes cmd run as the owner.
func (o *owner) apply(cmd *exec.Cmd) {
	if o != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(o.uid), Gid: uint32(o.gid)}}
	}
}

// chown gives paths, recursively, to the owner.
func (o *owner) chown(paths ...string) error {
	if o == nil {
		return nil
	}
	for _, p := range paths {
		err := filepath.Walk(p, func(q string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(q, o.uid, o.gid)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
