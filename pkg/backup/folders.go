package backup

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Folder is one backup's folder and every object in it, in key order,
// whether or not it holds a manifest: what retention deletes, and how it
// finds the folders an interrupted backup left without one.
type Folder struct {
	Dir     string
	Kind    string // tenant, full, base
	Objects []objstore.ObjectInfo
}

// HasManifest reports whether the folder holds a manifest: whether it is
// a committed backup.
func (f Folder) HasManifest() bool {
	return slices.ContainsFunc(f.Objects, func(o objstore.ObjectInfo) bool { return IsManifest(o.Key) })
}

// Size is the bytes of all the folder's objects.
func (f Folder) Size() int64 {
	var n int64
	for _, o := range f.Objects {
		n += o.Size
	}
	return n
}

// LastModified is the time of the folder's newest object.
func (f Folder) LastModified() time.Time {
	var t time.Time
	for _, o := range f.Objects {
		if o.LastModified.After(t) {
			t = o.LastModified
		}
	}
	return t
}

// Folders lists every backup folder under the prefixes (Layout.Folders
// when none), in key order within each prefix. Keys that are not a
// backup's object in the layout (Layout.Ref) are not Arca's and are left
// out.
func (r Repository) Folders(ctx context.Context, prefixes ...string) ([]Folder, error) {
	if len(prefixes) == 0 {
		prefixes = r.Layout.Folders()
	}
	var all []Folder
	for _, prefix := range prefixes {
		var out []Folder
		for o, err := range r.Store.List(ctx, prefix) {
			if err != nil {
				return nil, fmt.Errorf("list %s: %w", prefix, err)
			}
			ref, err := r.Layout.Ref(o.Key)
			if err != nil {
				continue
			}
			dir := path.Dir(o.Key)
			i, found := slices.BinarySearchFunc(out, dir, func(f Folder, d string) int { return cmp.Compare(f.Dir, d) })
			if !found {
				out = slices.Insert(out, i, Folder{Dir: dir, Kind: ref.Kind})
			}
			out[i].Objects = append(out[i].Objects, o)
		}
		all = append(all, out...)
	}
	return all, nil
}
