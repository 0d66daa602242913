package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// Bucket is what reading backups needs of the object store.
type Bucket interface {
	Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error)
	List(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error]
}

// Repository reads the committed backups of one bucket: it finds
// manifests by their keys and authenticates every manifest and
// verification it returns. It is the one place that reads them, for the
// CLI, the verifier, the catalog rebuild and retention.
type Repository struct {
	Store  Bucket
	Layout Layout
	Keys   seal.KeyLookup
}

// Entry is one backup found in the bucket: its authenticated manifest and,
// if the verifier has been there, its authenticated verification.
type Entry struct {
	Key          string
	Manifest     Manifest
	Verification *Verification
	// VerificationErr is set when verified.json exists but was refused
	// (a *MetadataError) or could not be read; Verification is then nil.
	VerificationErr error
}

// Listing is what a walk over the bucket found.
type Listing struct {
	Backups []Entry // newest backup id first
	// Refused are the manifests that were refused (each a *MetadataError
	// naming its key) or could not be read; they were skipped.
	Refused []error
}

// Folders are the prefixes every backup lives under: tenants/, full/, base/.
func (l Layout) Folders() []string {
	return []string{l.KindPrefix("tenants"), l.KindPrefix("full"), l.KindPrefix("base")}
}

// Manifest reads and authenticates the manifest at key. A missing one
// wraps objstore.ErrNotFound; a refused one is a *MetadataError.
func (r Repository) Manifest(ctx context.Context, key string) (Manifest, error) {
	doc, err := r.read(ctx, key)
	if err != nil {
		return Manifest{}, fmt.Errorf("read manifest %s: %w", key, err)
	}
	return r.Layout.OpenManifest(ctx, key, doc, r.Keys)
}

// Verification reads and authenticates the verified.json beside the
// manifest at manifestKey; found is false when there is none.
func (r Repository) Verification(ctx context.Context, manifestKey string) (v Verification, found bool, err error) {
	key := VerificationKey(manifestKey)
	doc, err := r.read(ctx, key)
	if errors.Is(err, objstore.ErrNotFound) {
		return Verification{}, false, nil
	}
	if err != nil {
		return Verification{}, false, fmt.Errorf("read verification %s: %w", key, err)
	}
	v, err = r.Layout.OpenVerification(ctx, key, doc, r.Keys)
	return v, err == nil, err
}

// List reads every manifest under the prefixes (Layout.Folders when none),
// and the verification beside each. A manifest that is refused or cannot
// be read is reported in Refused and skipped: one bad manifest never hides
// the others. The error is for a listing that failed.
func (r Repository) List(ctx context.Context, prefixes ...string) (Listing, error) {
	if len(prefixes) == 0 {
		prefixes = r.Layout.Folders()
	}
	var out Listing
	for _, prefix := range prefixes {
		keys, err := r.manifestKeys(ctx, prefix)
		if err != nil {
			return out, err
		}
		for _, key := range keys {
			m, err := r.Manifest(ctx, key)
			if errors.Is(err, objstore.ErrNotFound) {
				continue // deleted since the listing
			}
			if err != nil {
				out.Refused = append(out.Refused, err)
				continue
			}
			e := Entry{Key: key, Manifest: m}
			if v, found, err := r.Verification(ctx, key); err != nil {
				e.VerificationErr = err
			} else if found {
				e.Verification = &v
			}
			out.Backups = append(out.Backups, e)
		}
	}
	slices.SortStableFunc(out.Backups, func(a, b Entry) int { return strings.Compare(b.Manifest.BackupID, a.Manifest.BackupID) })
	return out, nil
}

// Find returns the key of the manifest of the backup with this id, of any
// kind, from the keys alone: nothing is opened. It searches the prefixes
// (Layout.Folders when none) and wraps objstore.ErrNotFound when there is
// none.
func (r Repository) Find(ctx context.Context, backupID string, prefixes ...string) (string, error) {
	if len(prefixes) == 0 {
		prefixes = r.Layout.Folders()
	}
	for _, prefix := range prefixes {
		keys, err := r.manifestKeys(ctx, prefix)
		if err != nil {
			return "", err
		}
		for _, key := range keys {
			if ref, err := r.Layout.Ref(key); err == nil && ref.BackupID == backupID {
				return key, nil
			}
		}
	}
	return "", fmt.Errorf("backup %s: %w", backupID, objstore.ErrNotFound)
}

// ManifestKeys lists the keys of the manifests under the prefixes
// (Layout.Folders when none) without reading them: for a caller that needs
// only what the keys say (Layout.Ref), such as shell completion.
func (r Repository) ManifestKeys(ctx context.Context, prefixes ...string) ([]string, error) {
	if len(prefixes) == 0 {
		prefixes = r.Layout.Folders()
	}
	var out []string
	for _, prefix := range prefixes {
		keys, err := r.manifestKeys(ctx, prefix)
		if err != nil {
			return out, err
		}
		out = append(out, keys...)
	}
	return out, nil
}

// manifestKeys lists the manifest keys under prefix.
func (r Repository) manifestKeys(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	for info, err := range r.Store.List(ctx, prefix) {
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, err)
		}
		if IsManifest(info.Key) {
			keys = append(keys, info.Key)
		}
	}
	return keys, nil
}

func (r Repository) read(ctx context.Context, key string) ([]byte, error) {
	rc, err := r.Store.Get(ctx, key, objstore.Range{})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	doc, err := io.ReadAll(io.LimitReader(rc, maxMetadataSize+1))
	if err != nil {
		return nil, err
	}
	if len(doc) > maxMetadataSize {
		return nil, fmt.Errorf("larger than %d bytes", maxMetadataSize)
	}
	return doc, nil
}
