package keyring

import (
	"context"
	"errors"
	"fmt"
)

var (
	// ErrNotFound: the store holds no keyring yet.
	ErrNotFound = errors.New("keyring not found")
	// ErrExists: Init found a keyring already there.
	ErrExists = errors.New("keyring already exists")
)

// Store keeps the keyring document. Implementations protect it at rest.
type Store interface {
	// Load returns the document, or an error wrapping ErrNotFound.
	Load(ctx context.Context) ([]byte, error)
	// Save replaces the document; with create it fails with ErrExists when
	// one is already stored. Save is atomic: a reader sees the old or the new
	// document, never a mix.
	Save(ctx context.Context, doc []byte, create bool) error
}

// Init creates a keyring with one default primary version and stores it; it
// fails with ErrExists if the store already holds one (arca keys init).
func Init(ctx context.Context, s Store, opts ...Option) (*Keyring, error) {
	k := New(opts...)
	if _, err := k.Rotate(""); err != nil {
		return nil, err
	}
	if err := k.save(ctx, s, true); err != nil {
		return nil, err
	}
	return k, nil
}

// Load reads the keyring from the store.
func Load(ctx context.Context, s Store, opts ...Option) (*Keyring, error) {
	b, err := s.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("load keyring: %w", err)
	}
	defer clear(b)
	return Unmarshal(b, opts...)
}

// Save writes the keyring back to the store (after Rotate or DestroyTenant).
func (k *Keyring) Save(ctx context.Context, s Store) error { return k.save(ctx, s, false) }

func (k *Keyring) save(ctx context.Context, s Store, create bool) error {
	b, err := k.Marshal()
	if err != nil {
		return err
	}
	defer clear(b)
	if err := s.Save(ctx, b, create); err != nil {
		return fmt.Errorf("save keyring: %w", err)
	}
	return nil
}
