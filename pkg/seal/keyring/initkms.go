package keyring

import "context"

// InitKMS is Init with a first primary version whose KEK is the KMS key uri
// (arca keys init with keys.kms configured); the keyring needs WithKMS.
func InitKMS(ctx context.Context, s Store, uri string, opts ...Option) (*Keyring, error) {
	k := New(opts...)
	if _, err := k.RotateKMS("", uri); err != nil {
		return nil, err
	}
	if err := k.save(ctx, s, true); err != nil {
		return nil, err
	}
	return k, nil
}
