package service

import (
	"encoding/json"
	"fmt"
	"io"
)

// MarshalJSON is {"backups", "refused"}: the manifests read and how many
// were refused (arca catalog rebuild --json).
func (r Rebuilt) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]int{"backups": r.Backups, "refused": len(r.Refused)})
}

// WriteText says how many backups the catalog holds again.
func (r Rebuilt) WriteText(w io.Writer) {
	fmt.Fprintf(w, "catalog rebuilt: %d backups from the bucket\n", r.Backups)
}
