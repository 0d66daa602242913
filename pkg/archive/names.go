package archive

import (
	"fmt"
	"strconv"
	"strings"
)

// Logical file names used in a tenant archive.
const (
	SchemaFile     = "schema.sql"
	PostSchemaFile = "schema-post.sql"
	// SharedSchemaFile and SharedPostSchemaFile hold the DDL of the shared
	// schemas the tenant's rows live in (tables, types, functions; keys,
	// indexes, triggers), so that a restore into an empty database yields
	// a usable one.
	SharedSchemaFile     = "shared-schema.sql"
	SharedPostSchemaFile = "shared-schema-post.sql"
)

// chunkDigits is the width of a chunk's sequence suffix, and maxChunks the
// most chunks a file can have.
const (
	chunkDigits = 6
	maxChunks   = 999999
)

// DataFileName names table n's CSV file: data/NNN_<schema>.<table>.csv, with
// schema and table escaped so that no name can form a path or be ambiguous.
func DataFileName(n int, schema, table string) string {
	return fmt.Sprintf("data/%03d_%s.%s.csv", n, escapeName(schema), escapeName(table))
}

// escapeName keeps [A-Za-z0-9_-] and writes every other byte as %XX.
func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// chunkName is the tar entry name of chunk seq (1-based) of a file.
func chunkName(file string, seq int) string {
	return fmt.Sprintf("%s.%0*d", file, chunkDigits, seq)
}

// splitChunkName parses a chunk entry name into its file and sequence.
func splitChunkName(entry string) (string, int, bool) {
	i := strings.LastIndexByte(entry, '.')
	if i <= 0 || len(entry)-i-1 != chunkDigits {
		return "", 0, false
	}
	seq, err := strconv.Atoi(entry[i+1:])
	if err != nil || seq < 1 {
		return "", 0, false
	}
	return entry[:i], seq, true
}
