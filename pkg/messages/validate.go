package messages

import (
	"errors"
	"fmt"
	"regexp"
)

// problems collects every field error of one message, so a sender learns all
// of them at once.
type problems []error

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, fmt.Errorf("field %s: %s", field, fmt.Sprintf(format, args...)))
}

func (p *problems) required(field, value string) {
	if value == "" {
		p.add(field, "is required")
	}
}

func (p *problems) version(v int) { p.versionUpTo(v, Version) }

func (p *problems) versionUpTo(v, highest int) {
	if v < 1 || v > highest {
		p.add("v", "version %d is not between 1 and %d", v, highest)
	}
}

func (p *problems) kind(k Kind) {
	if !k.Valid() {
		p.add("kind", "%q is not one of tenant, full, base, wal", string(k))
	}
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (p *problems) sha256(field, value string) {
	if !sha256Hex.MatchString(value) {
		p.add(field, "is not a lower-case hex SHA-256")
	}
}

func (p *problems) nonNegative(field string, n int64) {
	if n < 0 {
		p.add(field, "is negative (%d)", n)
	}
}

// backup checks what every job about one backup names: its kind and id.
func (p *problems) backup(k Kind, backupID string) {
	p.kind(k)
	p.required("backup_id", backupID)
}

// stagedPart checks what a part waiting in staging carries at each stage
// (PartReady before sealing, PartSealed after), so both stages refuse the
// same malformed part the same way.
func (p *problems) stagedPart(k Kind, backupID, artifact string, part int, size int64, sha, stagingKey string) {
	p.backup(k, backupID)
	p.required("artifact", artifact)
	p.nonNegative("part", int64(part))
	p.nonNegative("size", size)
	p.sha256("sha256", sha)
	p.required("staging_key", stagingKey)
}

func (p problems) err() error { return errors.Join(p...) }
