// Package keyadmin carries out the operator's key changes (`arca keys`):
// each loads the keyring as the configuration says, changes it, saves it,
// records the change in the catalog's audit log, and Announce tells the
// running services (docs/keys.md). The CLI parses flags and prints.
package keyadmin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// Admin changes the keyring of one configuration.
type Admin struct {
	Cfg config.Config
	Log *slog.Logger
	// Served, when not nil, is told which destination served a read and
	// why the ones before it did not (destinations.NewReader).
	Served func(key, destination string, skipped []error)
}

// Init creates the keyring with its first key; it never overwrites one.
func (a Admin) Init(ctx context.Context) (*keyring.Keyring, error) {
	src, err := stack.KeyringSource(ctx, a.Cfg)
	if err != nil {
		return nil, err
	}
	kr, err := src.Init(ctx)
	if err != nil {
		return nil, err
	}
	a.Audit(ctx, "key.init", "", "")
	return kr, nil
}

// ErrBadKMS is a KMS key named otherwise than awskms://KEY-ARN.
var ErrBadKMS = errors.New("want awskms://KEY-ARN")

// Rotate adds a primary key to the tenant's scope ("" the default), under
// the KMS key kms (awskms://KEY-ARN) when given (stack.KeySource.Rotate
// says which); a kms of another form is ErrBadKMS, before anything is read.
func (a Admin) Rotate(ctx context.Context, tenant, kms string) (*keyring.Keyring, error) {
	kmsURI := ""
	if kms != "" {
		var ok bool
		if kmsURI, ok = config.KMSKeyURI(kms); !ok {
			return nil, fmt.Errorf("--kms %q: %w", kms, ErrBadKMS)
		}
	}
	kr, err := a.change(ctx, func(src *stack.KeySource, kr *keyring.Keyring) error {
		_, err := src.Rotate(kr, tenant, kmsURI)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.Audit(ctx, "key.rotate", tenant, "scope="+stack.Scope(tenant))
	return kr, nil
}

// List is the keyring's key versions, never their material.
func (a Admin) List(ctx context.Context) (Keys, error) {
	kr, err := stack.Keyring(ctx, a.Cfg, false)
	if err != nil {
		return nil, err
	}
	return kr.List(), nil
}

// EraseTenant destroys every key version of the tenant's own scope.
func (a Admin) EraseTenant(ctx context.Context, tenant string) (*keyring.Keyring, error) {
	kr, err := a.change(ctx, func(_ *stack.KeySource, kr *keyring.Keyring) error { return kr.DestroyTenant(tenant) })
	if err != nil {
		return nil, err
	}
	a.Audit(ctx, "key.erase_tenant", tenant, "every key version of the tenant destroyed")
	return kr, nil
}

// change loads the keyring, applies f and saves it.
func (a Admin) change(ctx context.Context, f func(*stack.KeySource, *keyring.Keyring) error) (*keyring.Keyring, error) {
	src, err := stack.KeyringSource(ctx, a.Cfg)
	if err != nil {
		return nil, err
	}
	kr, err := src.Load(ctx)
	if err != nil {
		return nil, err
	}
	if err := f(src, kr); err != nil {
		return nil, err
	}
	if err := kr.Save(ctx, src.Store); err != nil {
		return nil, err
	}
	return kr, nil
}

// ErrNotAFile is recovering a keyring kept in Secrets Manager, which keeps
// every version itself.
var ErrNotAFile = errors.New("keys.keyring is a Secrets Manager secret: it keeps every version itself; recover is for a file: keyring")

// Recovered is a keyring recovered from its escrow: its key versions, the
// escrow's key and the keyring file written.
type Recovered struct {
	Keys       Keys
	From, Into string
}

// MarshalJSON is the key versions (arca keys recover --json).
func (r Recovered) MarshalJSON() ([]byte, error) { return json.Marshal(r.Keys) }

// Recover rebuilds a lost keyring file from its escrow in the bucket (the
// first destination that has one), opened with kms:Decrypt. A keyring that
// is there is never replaced.
func (a Admin) Recover(ctx context.Context) (Recovered, error) {
	kr, err := a.recoverKeyring(ctx)
	if err != nil {
		return Recovered{}, err
	}
	return Recovered{Keys: kr.List(), From: stack.EscrowKey(a.Cfg), Into: a.Cfg.Keys.Keyring}, nil
}

func (a Admin) recoverKeyring(ctx context.Context) (*keyring.Keyring, error) {
	if _, ok := config.SecretID(a.Cfg.Keys.Keyring); ok {
		return nil, ErrNotAFile
	}
	set, err := stack.Destinations(ctx, a.Cfg)
	if err != nil {
		return nil, err
	}
	raw, err := readEscrow(ctx, destinations.NewReader(set, a.Served), stack.EscrowKey(a.Cfg))
	if err != nil {
		return nil, err
	}
	doc, err := keyring.OpenEscrow(raw, stack.KMSClient(a.Cfg))
	if err != nil {
		return nil, err
	}
	defer clear(doc)
	src, err := stack.KeyringSource(ctx, a.Cfg)
	if err != nil {
		return nil, err
	}
	kr, err := keyring.Unmarshal(doc, src.Opts...)
	if err != nil {
		return nil, err
	}
	if src.Path != "" {
		if err := os.MkdirAll(filepath.Dir(src.Path), 0o700); err != nil {
			return nil, err
		}
	}
	// Create only: a keyring that is there is never replaced.
	if err := src.Store.Save(ctx, doc, true); err != nil {
		return nil, fmt.Errorf("recover keyring: %w", err)
	}
	a.Audit(ctx, "key.recover", "", "")
	return kr, nil
}

// readEscrow reads the escrow from the first destination that has it.
func readEscrow(ctx context.Context, r objstore.Store, key string) ([]byte, error) {
	rc, err := r.Get(ctx, key, objstore.Range{})
	if errors.Is(err, objstore.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s in no destination (is keys.kms set? arca keys escrow writes it)", keyring.ErrNoEscrow, key)
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	return io.ReadAll(io.LimitReader(rc, 16<<20))
}

// Escrowed is where the escrow went and what it left out.
type Escrowed struct {
	Key string `json:"key"`
	KMS string `json:"kms"`
	// LeftOut counts the tenants' own local keys, never escrowed so that
	// erasing a tenant stays final.
	LeftOut int `json:"left_out"`
}

// ErrNoKMS is an escrow asked for without keys.kms.
var ErrNoKMS = errors.New("keys.kms is required: the escrow is sealed under a KMS key")

// Escrow stores the keyring's escrow, sealed under keys.kms, in every
// destination.
func (a Admin) Escrow(ctx context.Context) (Escrowed, error) {
	uri, ok := config.KMSKeyURI(a.Cfg.Keys.KMS)
	if !ok {
		return Escrowed{}, ErrNoKMS
	}
	kr, err := stack.Keyring(ctx, a.Cfg, false)
	if err != nil {
		return Escrowed{}, err
	}
	doc, left, err := kr.Escrow(stack.KMSClient(a.Cfg), uri)
	if err != nil {
		return Escrowed{}, err
	}
	if err := stack.PutEscrow(ctx, a.Cfg, doc); err != nil {
		return Escrowed{}, err
	}
	a.Audit(ctx, "key.escrow", "", "sealed under keys.kms")
	return Escrowed{Key: stack.EscrowKey(a.Cfg), KMS: uri, LeftOut: left}, nil
}

// Announced is what telling the running services found.
type Announced struct {
	Change string // what was announced: "init", "rotate default", "sync"...
	// Told is false when no NATS is configured and nothing was told
	// (allowed for init and for a wait of 0).
	Told   bool
	Epoch  uint64
	Waited bool
	// Live counts the instances that loaded the epoch (when Waited).
	Live int
}

// Announce makes the saved keyring the next keyring epoch and waits up to
// wait (<= 0: not at all) until every live instance holding keys has
// loaded it; the error names those that have not.
func (a Admin) Announce(ctx context.Context, kr *keyring.Keyring, change string, wait time.Duration) (Announced, error) {
	if _, err := stack.NATSURL(a.Cfg); err != nil {
		// keys init on a new installation, or --ack-timeout 0: nothing runs
		// yet, or the operator says not to wait.
		if change == "init" || wait <= 0 {
			return Announced{Change: change}, nil
		}
		return Announced{}, fmt.Errorf("keyring saved, but no NATS is configured (nats.url, ARCA_NATS_URL) and no arca dev runs here, so running services cannot be told; if none runs, repeat with --ack-timeout 0: %w", err)
	}
	conn, err := stack.Connect(ctx, a.Cfg, "keys")
	if err != nil {
		return Announced{}, fmt.Errorf("keyring saved, but running services were not told (run arca keys sync once NATS answers): %w", err)
	}
	defer conn.Close()
	ack, err := stack.AnnounceAndAwait(ctx, conn.JS, a.Cfg.NATS.Replicas, kr.Fingerprint(), change, wait)
	if err != nil {
		return Announced{}, err
	}
	out := Announced{Change: change, Told: true, Epoch: ack.Announcement.N, Waited: wait > 0, Live: len(ack.Live)}
	if out.Waited {
		return out, ack.Err(wait)
	}
	return out, nil
}

// Sync announces the keyring file as it is now, after it was copied to
// the services' hosts (Announce "sync").
func (a Admin) Sync(ctx context.Context, wait time.Duration) (Announced, error) {
	kr, err := stack.Keyring(ctx, a.Cfg, false)
	if err != nil {
		return Announced{}, err
	}
	return a.Announce(ctx, kr, "sync", wait)
}

// Audit records a key action in the catalog's audit log, next to the
// console's restores. The key change has happened by then: a catalog that
// cannot be reached is a warning, not a failure. It never creates the
// catalog database, and names the operator by their login, never a secret.
func (a Admin) Audit(ctx context.Context, action, tenant, detail string) {
	u, _ := stack.CatalogURL(a.Cfg)
	if u == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, u)
	if err == nil {
		defer pool.Close()
		if err = coordinator.MigrateCatalog(ctx, pool); err == nil {
			err = coordinator.RecordAudit(ctx, pool, coordinator.AuditEntry{Actor: "cli:" + login(), Action: action,
				Tenant: tenant, Detail: detail})
		}
	}
	if err != nil && a.Log != nil {
		a.Log.Warn("key action not recorded in the catalog's audit log", "action", action, "err", err)
	}
}

func login() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := os.Getenv("USER"); s != "" {
		return s
	}
	return "unknown"
}
