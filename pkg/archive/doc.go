// Package archive reads and writes Arca's tenant archive: a plain (uncompressed)
// tar stream holding one tenant's export. The encryptor compresses and seals
// it; this package never does.
//
// # Layout
//
// Every logical file is stored as one or more consecutive tar entries called
// chunks, named "<file>.000001", "<file>.000002", ... Each chunk is at most the
// writer's chunk size (8 MiB by default). Chunking is what lets the writer
// stream a table of unknown length: a tar header must state the entry size
// before its content, so the writer buffers one chunk, never a whole table,
// in memory or on disk. An empty file is one empty chunk. The logical files:
//
//	schema.sql.NNNNNN            pre-data DDL of the tenant's own schema (types,
//	                             functions, tables, sequences); absent for
//	                             column-model tenants
//	data/NNN_<schema>.<table>.csv.NNNNNN
//	                             one table's rows, CSV with a header row, in
//	                             restore order (NNN); names are %XX-escaped
//	                             outside [A-Za-z0-9_-]
//	schema-post.sql.NNNNNN       post-data DDL (indexes, constraints,
//	                             triggers) and the sequences' setval calls
//	manifest.json                always the LAST entry, never chunked
//
// The manifest comes last because file sizes, SHA-256 digests and row counts
// are known only once every file has been written. The uploader also stores
// it next to the object, so a restore that wants it first reads that copy and
// passes it to NewReader with WithManifest: each file is then checked the
// moment it ends, and a reader of table data sees an error instead of io.EOF
// if the file does not match.
//
// # Verification
//
// Reader recomputes each file's size, SHA-256 and chunk count and, for CSV
// files, the number of data rows (records minus the header, with quoted
// embedded newlines handled), and compares them with the manifest. Any
// mismatch is reported as an error wrapping ErrCorrupt.
package archive
