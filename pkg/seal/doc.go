// Package seal turns plaintext parts of a backup artifact into sealed parts and
// opens a sealed artifact back into its plaintext.
//
// What flows through it:
//
//	plaintext part ──zstd frame──► payload ──Tink AES-256-GCM-HKDF streaming AEAD──► chunks ─┐
//	random 32-byte data key ──wrapped by the keyring's key-encryption key──► header ───────────┴─► sealed part
//
// Sealing (Seal, Sealer.Seal) reads one part, compresses it into one
// independent zstd frame (so the decrypted parts of an artifact concatenate into
// one valid zstd stream), and encrypts it in 1 MiB segments under a fresh data
// key that only this part uses. The data key is wrapped by a key-encryption key
// (KEK) and stored in the part's header, so every part is self-contained: the
// encryptor replicas that seal parts of one artifact share nothing. The
// associated data binds the artifact id, the part index, the last-part flag and
// every header byte, so truncating the artifact, cutting a part, reordering
// parts or splicing a part from another artifact fails authentication.
//
// An artifact is the concatenation of its sealed parts. Opening (NewReader,
// Open) reads it as a stream with only the expected artifact id and a key
// lookup (the keyring), releases plaintext one authenticated segment at a time,
// and ends with an error unless the part marked last arrived intact. The lower
// level PartReader walks the parts one by one for callers that check them
// individually (the verifier).
//
// A streamed open releases authenticated segments before it has seen the end of
// the artifact. Damage further on is reported as an error when it is reached;
// a caller writing the plaintext somewhere must treat the output as valid only
// when Read returned io.EOF (write to a temporary file and rename on success).
//
// Failures that concern a part are *AuthError values naming the artifact and the
// part (and the key id when the header was readable); a key missing from the
// keyring is additionally an *UnknownKeyError naming the key id. No error ever
// carries key material.
//
// The byte-level format is documented in docs/format.md. Keyrings live in the
// keyring subpackage.
package seal
