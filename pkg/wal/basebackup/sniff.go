package basebackup

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// sniffed is what the tar stream told about the backup.
type sniffed struct {
	label    label
	version  string
	walRange walRange
}

type walRange struct {
	Timeline uint32 `json:"Timeline"`
	StartLSN string `json:"Start-LSN"`
	EndLSN   string `json:"End-LSN"`
}

// sniff reads the tar stream to its end, keeping backup_label, PG_VERSION and
// the WAL range of backup_manifest. Any malformed tar is an error.
func sniff(r io.Reader) (sniffed, error) {
	var s sniffed
	var haveLabel, haveManifest bool
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s, fmt.Errorf("read tar: %w", err)
		}
		switch strings.TrimPrefix(h.Name, "./") {
		case "backup_label":
			b, err := io.ReadAll(io.LimitReader(tr, 64<<10))
			if err != nil {
				return s, err
			}
			if s.label, err = parseLabel(b); err != nil {
				return s, err
			}
			haveLabel = true
		case "PG_VERSION":
			b, err := io.ReadAll(io.LimitReader(tr, 64))
			if err != nil {
				return s, err
			}
			s.version = strings.TrimSpace(string(b))
		case "backup_manifest":
			var m struct {
				WALRanges []walRange `json:"WAL-Ranges"`
			}
			if err := json.NewDecoder(tr).Decode(&m); err != nil {
				return s, fmt.Errorf("backup_manifest: %w", err)
			}
			if len(m.WALRanges) == 0 {
				return s, errors.New("backup_manifest: no WAL-Ranges")
			}
			s.walRange = m.WALRanges[len(m.WALRanges)-1]
			haveManifest = true
		}
	}
	if _, err := io.Copy(io.Discard, r); err != nil { // tar padding after the end blocks
		return s, err
	}
	switch {
	case !haveLabel:
		return s, errors.New("the tar stream holds no backup_label")
	case !haveManifest:
		return s, errors.New("the tar stream holds no backup_manifest (pg_basebackup --no-manifest?)")
	}
	return s, nil
}
