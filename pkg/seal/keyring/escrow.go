package keyring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/core/registry"
)

// The escrow is a copy of the keyring document sealed under a KMS key and
// kept in the bucket beside the backups (docs/keys.md, "If the keyring file
// is lost"). Losing a file: keyring and every copy of it otherwise loses
// every backup sealed under it, KMS or not: the file alone maps key ids to
// KMS keys and holds the local keys. With the escrow, whoever may call
// kms:Decrypt on the escrow's key rebuilds the keyring (arca keys recover
// --from-bucket).
//
// A tenant's own local keys are left out of it: they exist so that
// DestroyTenant erases the tenant (crypto-erasure), and a copy that an
// erasure cannot reach (an Object Lock bucket keeps every version) would
// undo that. Tenant keys held in KMS are in it (their URIs).
const escrowFormat = "arca-keyring-escrow/1"

// escrowEnvelope is the escrow as stored: the KMS key that wraps it in
// clear (recovery needs to know it), the document under Tink's KMS
// envelope AEAD (a fresh AES-256-GCM data key wrapped by KMS, so the
// document may be larger than KMS's 4 KiB).
type escrowEnvelope struct {
	Format     string `json:"format"`
	KMSURI     string `json:"kms_uri"`
	Ciphertext []byte `json:"ciphertext"`
}

// Escrow is the keyring's escrow document: every version but the tenants'
// local keys, sealed under the KMS key uri. It reports how many tenant
// keys it left out.
func (k *Keyring) Escrow(kms registry.KMSClient, uri string) (doc []byte, left int, err error) {
	var kept []Version
	for _, v := range k.versions {
		if v.Tenant != "" && v.KMSURI == "" && !v.destroyed() {
			left++
			continue
		}
		kept = append(kept, v)
	}
	plain, err := json.Marshal(document{Format: documentFormat, Versions: kept})
	if err != nil {
		return nil, 0, err
	}
	defer clear(plain)
	env, err := escrowAEAD(kms, uri)
	if err != nil {
		return nil, 0, err
	}
	ct, err := env.Encrypt(plain, []byte(escrowFormat+" "+uri))
	if err != nil {
		return nil, 0, fmt.Errorf("keyring escrow: seal under %s: %w", uri, err)
	}
	doc, err = json.MarshalIndent(escrowEnvelope{Format: escrowFormat, KMSURI: uri, Ciphertext: ct}, "", "  ")
	return doc, left, err
}

// OpenEscrow opens an escrow document with KMS and returns the keyring
// document it holds.
func OpenEscrow(raw []byte, kms registry.KMSClient) ([]byte, error) {
	var e escrowEnvelope
	if err := json.Unmarshal(raw, &e); err != nil || e.Format != escrowFormat || e.KMSURI == "" {
		return nil, fmt.Errorf("keyring escrow: not an %s document", escrowFormat)
	}
	env, err := escrowAEAD(kms, e.KMSURI)
	if err != nil {
		return nil, err
	}
	doc, err := env.Decrypt(e.Ciphertext, []byte(escrowFormat+" "+e.KMSURI))
	if err != nil {
		return nil, fmt.Errorf("keyring escrow: open under %s: %w", e.KMSURI, err)
	}
	if _, err := Unmarshal(doc); err != nil {
		clear(doc)
		return nil, fmt.Errorf("keyring escrow: %w", err)
	}
	return doc, nil
}

func escrowAEAD(kms registry.KMSClient, uri string) (*aead.KMSEnvelopeAEAD, error) {
	if kms == nil || !kms.Supported(uri) {
		return nil, fmt.Errorf("keyring escrow: no KMS client for %s", uri)
	}
	remote, err := kms.GetAEAD(uri)
	if err != nil {
		return nil, fmt.Errorf("keyring escrow: %w", err)
	}
	return aead.NewKMSEnvelopeAEAD2(aead.AES256GCMKeyTemplate(), remote), nil
}

// Escrowed is a Store that, after each Save, writes the keyring's escrow
// through Put: a keyring change is not done until its escrow is stored.
type Escrowed struct {
	Store
	KMS    registry.KMSClient
	KMSURI string
	Put    func(ctx context.Context, escrow []byte) error
}

// Save saves the document, then its escrow.
func (e Escrowed) Save(ctx context.Context, doc []byte, create bool) error {
	if err := e.Store.Save(ctx, doc, create); err != nil {
		return err
	}
	k, err := Unmarshal(doc)
	if err != nil {
		return err
	}
	esc, _, err := k.Escrow(e.KMS, e.KMSURI)
	if err != nil {
		return fmt.Errorf("keyring saved, its escrow not: %w", err)
	}
	if err := e.Put(ctx, esc); err != nil {
		return fmt.Errorf("keyring saved, its escrow not: %w", err)
	}
	return nil
}

// ErrNoEscrow: the bucket holds no keyring escrow.
var ErrNoEscrow = errors.New("no keyring escrow in the bucket")
