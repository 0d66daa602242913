package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/upgrade"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/texttable"
)

// OpenBucket opens the primary store and the keyring: what the commands
// that read backups need, and all they need (no NATS, no catalog).
func OpenBucket(ctx context.Context, cfg config.Config) (objstore.Store, *keyring.Keyring, error) {
	store, err := Store(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	keys, err := Keyring(ctx, cfg, false)
	if err != nil {
		return nil, nil, err
	}
	return store, keys, nil
}

// OpenRepo is OpenBucket as a repository of authenticated backups.
func OpenRepo(ctx context.Context, cfg config.Config) (backup.Repository, *keyring.Keyring, error) {
	store, keys, err := OpenBucket(ctx, cfg)
	if err != nil {
		return backup.Repository{}, nil, err
	}
	return Repo(cfg, store, keys), keys, nil
}

// Repo is one store as a repository of authenticated backups.
func Repo(cfg config.Config, store objstore.Store, keys seal.KeyLookup) backup.Repository {
	return backup.Repository{Store: store, Layout: Layout(cfg), Keys: keys}
}

// ListBackups reads every backup (of one tenant when tenant is not "") in
// one destination, "" for the primary. Refused manifests come back in the
// listing, for the caller to report, never as an error that hides the
// others; a destination store.destinations does not name is a ConfigError.
func ListBackups(ctx context.Context, cfg config.Config, destination, tenant string) (backup.Listing, error) {
	repo, _, err := OpenRepo(ctx, cfg)
	if err != nil {
		return backup.Listing{}, err
	}
	if destination != "" {
		d, ok := cfg.Destination(destination)
		if !ok {
			return backup.Listing{}, ConfigError{fmt.Errorf("--destination %q: %w", destination, ErrNoSuchDestination)}
		}
		if repo.Store, err = OpenDestination(ctx, d, nil); err != nil {
			return backup.Listing{}, err
		}
	}
	return repo.ListTenant(ctx, tenant)
}

// Places are the destinations as backup.Survey reads them: each one's
// repository, and the kinds a further destination takes copies of.
func Places(cfg config.Config, set destinations.Set, keys seal.KeyLookup) []backup.Place {
	places := make([]backup.Place, len(set))
	for i, d := range set {
		c, _ := cfg.Destination(d.Name)
		places[i] = backup.Place{Name: d.Name, Repo: Repo(cfg, d.Store, keys), Takes: c.Takes}
	}
	return places
}

// Survey sums up the backups of every destination (backup.Survey of
// Places, of one tenant when tenant is not ""), their ages taken at now.
func Survey(ctx context.Context, cfg config.Config, tenant string, now time.Time) (backup.Surveyed, error) {
	set, keys, err := OpenDestinations(ctx, cfg)
	if err != nil {
		return backup.Surveyed{}, err
	}
	return backup.Survey(ctx, Places(cfg, set, keys), tenant, now)
}

// Manifest is a backup's entry read from the bucket, its manifest and
// verification authenticated with the keyring.
func Manifest(ctx context.Context, cfg config.Config, backupID string) (backup.Entry, error) {
	repo, _, err := OpenRepo(ctx, cfg)
	if err != nil {
		return backup.Entry{}, err
	}
	return repo.Get(ctx, backupID, "")
}

// UpgradeManifests seals the bucket's plaintext manifests of format 1
// that prove themselves against their data (upgrade.Run).
func UpgradeManifests(ctx context.Context, cfg config.Config, dryRun bool) (upgrade.Results, error) {
	store, keys, err := OpenBucket(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return upgrade.Run(ctx, store, Repo(cfg, store, keys), keys, dryRun)
}

// Decrypted is a sealed artifact opened into a plain file.
type Decrypted struct {
	Bytes int64  `json:"bytes"`
	Out   string `json:"out"`
	In    string `json:"-"`
}

// WriteText says what was opened into what.
func (d Decrypted) WriteText(w io.Writer) {
	fmt.Fprintf(w, "decrypted %s → %s (%s)\n", d.In, d.Out, texttable.Bytes(d.Bytes))
}

// Decrypt turns a sealed artifact back into the plain archive with the
// configuration's keyring and layout (backup.Decrypt). No input or output
// file, no artifact named, or a tenant backup's manifest without its
// tenant is a ConfigError; an artifact that does not open is a
// *backup.OpenError.
func Decrypt(ctx context.Context, cfg config.Config, o backup.DecryptOptions) (Decrypted, error) {
	if o.In == "" || o.Out == "" {
		return Decrypted{}, ConfigError{errors.New("--in FILE and --out FILE are required")}
	}
	if o.Manifest == "" && o.Artifact == "" {
		return Decrypted{}, ConfigError{errors.New("name the artifact: --manifest FILE or --artifact ID")}
	}
	keys, err := Keyring(ctx, cfg, false)
	if err != nil {
		return Decrypted{}, err
	}
	o.Layout, o.Keys = Layout(cfg), keys
	n, err := backup.Decrypt(ctx, o)
	if errors.Is(err, backup.ErrTenantNeeded) {
		return Decrypted{}, ConfigError{fmt.Errorf("%s is the manifest of a tenant backup: name its tenant with --tenant", o.Manifest)}
	}
	return Decrypted{Bytes: n, Out: o.Out, In: o.In}, err
}
