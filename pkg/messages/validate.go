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

func (p *problems) versionUpTo(v, max int) {
	if v < 1 || v > max {
		p.add("v", "version %d is not between 1 and %d", v, max)
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

func (p problems) err() error { return errors.Join(p...) }
