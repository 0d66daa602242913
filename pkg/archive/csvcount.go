package archive

import "bytes"

// csvCounter counts CSV records in a byte stream: newlines outside double
// quotes, plus a final record without a trailing newline. A doubled quote
// ("") inside a quoted field toggles the state twice, so it needs no special
// case.
type csvCounter struct {
	quoted  bool
	records int64
	last    byte
	seen    bool
}

func (c *csvCounter) Write(p []byte) {
	if len(p) == 0 {
		return
	}
	c.seen = true
	c.last = p[len(p)-1]
	for len(p) > 0 {
		if !c.quoted {
			q := bytes.IndexByte(p, '"')
			if q < 0 {
				c.records += int64(bytes.Count(p, newline))
				return
			}
			c.records += int64(bytes.Count(p[:q], newline))
			c.quoted = true
			p = p[q+1:]
		}
		// Inside quotes: every quote toggles the state (a doubled one
		// twice), so the next newline is outside them when the quotes
		// before it are odd. One search and one count per newline, not a
		// search per quote (a JSON column holds dozens of them).
		k := bytes.IndexByte(p, '\n')
		if k < 0 {
			if bytes.Count(p, quote)%2 == 1 {
				c.quoted = false
			}
			return
		}
		if bytes.Count(p[:k], quote)%2 == 1 {
			c.quoted = false
			c.records++
		}
		p = p[k+1:]
	}
}

var (
	quote   = []byte{'"'}
	newline = []byte{'\n'}
)

// Records returns the number of records seen.
func (c *csvCounter) Records() int64 {
	if c.seen && c.last != '\n' {
		return c.records + 1
	}
	return c.records
}

// dataRows returns the records minus the header row.
func (c *csvCounter) dataRows() int64 {
	if n := c.Records(); n > 0 {
		return n - 1
	}
	return 0
}
