// Package keyring holds the key-encryption keys (KEKs) that wrap the data keys
// of sealed parts.
//
// A Keyring is a list of key versions. Versions are grouped by scope: the
// default scope (tenant "") and one scope per tenant that has a key of its own.
// Each scope has one primary version, which seals new parts; every other
// version that is not destroyed still opens what it sealed. Rotate adds a new
// primary and keeps the old versions, so nothing stored is re-encrypted.
// DestroyTenant erases a tenant's key material (crypto-erasure): that tenant's
// parts no longer open, while a tombstone keeps the key id so errors say
// "destroyed" rather than "unknown".
//
// A version's KEK is either local (32 random bytes, AES-256-GCM through Tink)
// or a KMS key (a Tink KMS key URI such as aws-kms://arn:...), reached through
// a registry.KMSClient given WithKMS.
//
// The keyring document (JSON) lives in a Store: File keeps it in a local file
// encrypted under a passphrase (scrypt + AES-256-GCM) and refuses files that
// group or others may read or write; the secretsmanager subpackage keeps it in
// AWS Secrets Manager.
//
// Flow: arca keys init|rotate|list|erase-tenant → Init/Load → Rotate/List/
// DestroyTenant → Save, then the change is announced as a new keyring epoch
// carrying the keyring's Fingerprint (docs/keys.md). Long-running services
// hold a Live keyring: told each announced epoch, it reloads from its Store,
// refuses (ErrStale) while behind, and lets a stage publish only under the
// epoch it worked in (Pin). The encryptor calls Primary(tenant) for each
// part; openers pass the keyring to seal.NewReader as a seal.KeyLookup.
package keyring
