package keyring

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead/subtle"
	"github.com/tink-crypto/tink-go/v2/core/registry"

	"github.com/arcabackup/arca/pkg/seal"
)

var (
	// ErrNoPrimary: the keyring has no live primary for the default scope.
	ErrNoPrimary = errors.New("keyring has no primary key (run arca keys init)")
	// ErrTenantErased: the tenant's keys were destroyed; it cannot be sealed for.
	ErrTenantErased = errors.New("tenant keys were destroyed")
)

// Keyring is an in-memory keyring. It is not safe for concurrent mutation;
// Primary and Key may be called concurrently once it is loaded.
type Keyring struct {
	versions []Version
	kms      registry.KMSClient
	now      func() time.Time
}

// Option configures a Keyring.
type Option func(*Keyring)

// WithKMS resolves the KMS key URIs of KMS-backed versions.
func WithKMS(c registry.KMSClient) Option { return func(k *Keyring) { k.kms = c } }

// New returns an empty keyring.
func New(opts ...Option) *Keyring {
	k := &Keyring{now: time.Now}
	for _, o := range opts {
		o(k)
	}
	return k
}

// Rotate adds a new local version to the tenant's scope ("" for the default
// scope) and makes it that scope's primary. Older versions keep opening.
func (k *Keyring) Rotate(tenant string) (Info, error) {
	material := make([]byte, 32)
	if _, err := rand.Read(material); err != nil {
		return Info{}, err
	}
	return k.add(Version{Tenant: tenant, AES256GCM: material})
}

// RotateKMS adds a new version whose KEK is the KMS key uri and makes it the
// scope's primary.
func (k *Keyring) RotateKMS(tenant, uri string) (Info, error) {
	if k.kms == nil || !k.kms.Supported(uri) {
		return Info{}, fmt.Errorf("rotate tenant %q: no KMS client for %q", tenant, uri)
	}
	return k.add(Version{Tenant: tenant, KMSURI: uri})
}

func (k *Keyring) add(v Version) (Info, error) {
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return Info{}, err
	}
	v.ID, v.Created, v.Primary = "k"+hex.EncodeToString(id), k.now().UTC(), true
	for i := range k.versions {
		if k.versions[i].Tenant == v.Tenant {
			v.Number = max(v.Number, k.versions[i].Number)
			k.versions[i].Primary = false
		}
	}
	v.Number++
	k.versions = append(k.versions, v)
	return v.info(), nil
}

// List describes every version, destroyed ones included, without secrets.
func (k *Keyring) List() []Info {
	out := make([]Info, len(k.versions))
	for i := range k.versions {
		out[i] = k.versions[i].info()
	}
	return out
}

// Primary returns the KEK that seals new parts of the tenant: the tenant's own
// primary when it has a scope, otherwise the default primary. A tenant whose
// keys were destroyed gets ErrTenantErased, never the default key.
func (k *Keyring) Primary(tenant string) (seal.KEK, error) {
	scoped := false
	for i := range k.versions {
		v := &k.versions[i]
		if v.Tenant != tenant {
			continue
		}
		scoped = true
		if v.Primary && !v.destroyed() {
			return k.kek(v)
		}
	}
	if tenant != "" {
		if scoped {
			return seal.KEK{}, fmt.Errorf("primary key of tenant %q: %w", tenant, ErrTenantErased)
		}
		return k.Primary("")
	}
	return seal.KEK{}, ErrNoPrimary
}

// Key implements seal.KeyLookup.
func (k *Keyring) Key(id string) (seal.KEK, error) {
	i := slices.IndexFunc(k.versions, func(v Version) bool { return v.ID == id })
	if i < 0 {
		return seal.KEK{}, &seal.UnknownKeyError{KeyID: id}
	}
	if k.versions[i].destroyed() {
		return seal.KEK{}, &seal.UnknownKeyError{KeyID: id, Destroyed: true}
	}
	return k.kek(&k.versions[i])
}

// DestroyTenant erases the material of every version of the tenant's scope,
// keeping tombstones. Backups sealed under them no longer open once every
// copy of the keyring that held the material is gone (and, for KMS-backed
// versions, the KMS key is deleted).
func (k *Keyring) DestroyTenant(tenant string) error {
	if tenant == "" {
		return errors.New("destroy: the default scope cannot be destroyed")
	}
	found := false
	now := k.now().UTC()
	for i := range k.versions {
		v := &k.versions[i]
		if v.Tenant != tenant || v.destroyed() {
			continue
		}
		clear(v.AES256GCM)
		v.AES256GCM, v.Primary, v.Destroyed = nil, false, &now
		found = true
	}
	if !found {
		return fmt.Errorf("destroy tenant %q: no live keys", tenant)
	}
	return nil
}

func (k *Keyring) kek(v *Version) (seal.KEK, error) {
	if v.KMSURI != "" {
		if k.kms == nil {
			return seal.KEK{}, fmt.Errorf("key %q is held by a KMS and no KMS client is configured", v.ID)
		}
		a, err := k.kms.GetAEAD(v.KMSURI)
		if err != nil {
			return seal.KEK{}, fmt.Errorf("key %q: KMS client: %w", v.ID, err)
		}
		return seal.KEK{ID: v.ID, AEAD: a}, nil
	}
	a, err := subtle.NewAESGCM(v.AES256GCM)
	if err != nil {
		return seal.KEK{}, fmt.Errorf("key %q: bad material length", v.ID)
	}
	return seal.KEK{ID: v.ID, AEAD: a}, nil
}
