// Package fulldump streams a logical dump of the whole source database,
// pg_dump --format=custom --compress=0, to a writer (the exporter cuts it
// into parts, the encryptor compresses them), and returns the cluster's
// globals (pg_dumpall --globals-only: roles, memberships, tablespaces),
// which the manifest carries sealed beside the dump.
// A missing binary, a pg_dump older than the server, or a failed connection
// or authentication is a prompt error with pg_dump's own message, never a
// hang: pg_dump never prompts for a password and its connection attempt is
// bounded.
package fulldump
