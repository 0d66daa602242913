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
		q := bytes.IndexByte(p, '"')
		if c.quoted {
			if q < 0 {
				return
			}
			c.quoted = false
			p = p[q+1:]
			continue
		}
		if q < 0 {
			c.records += int64(bytes.Count(p, []byte{'\n'}))
			return
		}
		c.records += int64(bytes.Count(p[:q], []byte{'\n'}))
		c.quoted = true
		p = p[q+1:]
	}
}

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
