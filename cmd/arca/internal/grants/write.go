package grants

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// WriteBucketPolicies writes the IAM documents of BucketInitPolicies for
// every service and the MFA-delete note to dir, and returns the paths
// written, sorted.
func WriteBucketPolicies(dir, bucket, prefix string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write policies: %w", err)
	}
	files := map[string][]byte{"MFA-DELETE.md": []byte(MFADeleteNote)}
	for name, p := range BucketInitPolicies(Services(), bucket, prefix) {
		files[name] = PolicyJSON(p)
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return out, fmt.Errorf("write policies: %w", err)
		}
		out = append(out, path)
	}
	return out, nil
}
