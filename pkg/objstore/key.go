package objstore

import (
	"fmt"
	"strings"
)

// ValidateKey checks the rules in the Store documentation. Stores call it
// first so that a key good on one store is good on all.
func ValidateKey(key string) error {
	if key == "" || len(key) > 1024 {
		return fmt.Errorf("key %q: length must be 1..1024", key)
	}
	if strings.ContainsRune(key, 0) || strings.Contains(key, "\\") {
		return fmt.Errorf("key %q: NUL and backslash are not allowed", key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("key %q: empty, \".\" and \"..\" segments are not allowed", key)
		}
	}
	return nil
}
