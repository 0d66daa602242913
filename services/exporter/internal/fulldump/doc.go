// Package fulldump streams a logical dump of the whole source database,
// pg_dump --format=custom, to a writer (the exporter cuts it into parts).
// A missing binary, a pg_dump older than the server, or a failed connection
// or authentication is a prompt error with pg_dump's own message, never a
// hang: pg_dump never prompts for a password and its connection attempt is
// bounded.
package fulldump
