package stack

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/backup/replicate"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore/verify"
)

// Pick is the destination of set a flag names; a name store.destinations
// does not hold is a ConfigError.
func Pick(set destinations.Set, flag, name string) (destinations.Destination, error) {
	d, ok := set.Get(name)
	if !ok {
		return d, ConfigError{fmt.Errorf("%s %q: not one of %v (store.destinations)", flag, name, set.Names())}
	}
	return d, nil
}

// Verify reads the backup id back from one destination ("" the primary)
// and proves it against its manifest (verify.Stored); tenant, when not "",
// is its tenant, whose folder alone is searched. Once the backup was
// read, verified or not, the destination's name comes back with the
// result; before that, "" and the error alone.
func Verify(ctx context.Context, cfg config.Config, id, tenant, destination string) (verify.Result, string, error) {
	set, keys, err := OpenDestinations(ctx, cfg)
	if err != nil {
		return verify.Result{}, "", err
	}
	d := set.Primary()
	if destination != "" {
		if d, err = Pick(set, "--destination", destination); err != nil {
			return verify.Result{}, "", err
		}
	}
	repo := Repo(cfg, d.Store, keys)
	key, err := repo.FindTenant(ctx, id, tenant)
	if err != nil {
		return verify.Result{}, "", err
	}
	res, err := verify.Stored(ctx, repo, key)
	return res, d.Name, err
}

// CopyRequest is what arca copy is asked: one backup (ID, with its Tenant
// when given, whose folder alone is searched) or the WAL archive
// (Archive), copied into the destination To.
type CopyRequest struct {
	ID, Tenant, To string
	Archive        bool
	// Named says a backup was named, even as "": with Archive, refused.
	Named bool
}

// Copied is what arca copy did: a backup's copy, or the archive's.
type Copied struct {
	To      string
	Backup  *replicate.Result
	Archive *destinations.SyncReport
}

// WriteText says what was copied into To.
func (c Copied) WriteText(w io.Writer) {
	if c.Archive != nil {
		c.Archive.WriteText(w, c.To)
		return
	}
	c.Backup.WriteText(w, c.To)
}

// Copy carries out req: CopyArchive or CopyBackup. Both a backup and the
// archive, or neither, is a ConfigError.
func Copy(ctx context.Context, cfg config.Config, req CopyRequest, tell io.Writer) (Copied, error) {
	out := Copied{To: req.To}
	if req.Archive == req.Named || (req.Named && req.ID == "") {
		return out, ConfigError{errors.New("name a backup id, or --archive")}
	}
	if req.Archive {
		rep, err := CopyArchive(ctx, cfg, req.To, tell)
		out.Archive = &rep
		return out, err
	}
	res, err := CopyBackup(ctx, cfg, req.ID, req.Tenant, req.To, tell)
	out.Backup = &res
	return out, err
}

// CopyArchive copies the base backups and WAL destination to lacks from
// the other destinations, each object from the first that has it (tell
// hears when that was not the first).
func CopyArchive(ctx context.Context, cfg config.Config, to string, tell io.Writer) (destinations.SyncReport, error) {
	// Objects are copied as stored (sealed): no keyring to unlock.
	set, err := Destinations(ctx, cfg)
	if err != nil {
		return destinations.SyncReport{}, err
	}
	dst, err := Pick(set, "--to", to)
	if err != nil {
		return destinations.SyncReport{}, err
	}
	from := destinations.NewReader(set.Without(to), destinations.TellServed(tell))
	rep, err := replicate.Archive(ctx, from, RetainedIn(cfg, dst), Layout(cfg), WritesTo(cfg, dst.Name))
	if err != nil {
		return rep, fmt.Errorf("copy the archive to %s (%d objects copied): %w", dst.Name, rep.Copied, err)
	}
	return rep, nil
}

// CopyBackup completes the backup id's copy in destination to from the
// other destinations and verifies it there (replicate.Backup), as the
// uploader's copy job does; tenant, when not "", is the backup's tenant.
// tell hears which destination served it and why the ones before could
// not; the events of the copy are published where the catalog and the
// alerter hear of them (Publish), and tell hears when they could not be.
func CopyBackup(ctx context.Context, cfg config.Config, id, tenant, to string, tell io.Writer) (replicate.Result, error) {
	set, keys, err := OpenDestinations(ctx, cfg)
	if err != nil {
		return replicate.Result{}, err
	}
	dst, err := Pick(set, "--to", to)
	if err != nil {
		return replicate.Result{}, err
	}
	res, err := replicate.Backup(ctx, replicate.Options{BackupID: id, Tenant: tenant, From: set.Without(to), To: dst,
		Primary: dst.Name == set.Primary().Name, Writes: WritesTo(cfg, dst.Name), Layout: Layout(cfg), Keys: keys, By: "arca copy",
		Try: func(ctx context.Context, set destinations.Set, fn func(context.Context, destinations.Destination) error) (string, error) {
			return set.TryTelling(ctx, tell, "copy "+id, fn)
		}})
	if len(res.Events) > 0 {
		if err := Publish(ctx, cfg, "copy", res.Events...); err != nil {
			fmt.Fprintln(tell, "arca: not recorded:", messages.OneLine(err))
		}
	}
	return res, err
}
