// Package pgdump finds and runs pg_dump for the exporter: the tenant
// schema's DDL under the export's snapshot, and the logical full dump.
//
// pg_dump refuses servers newer than itself, and Debian keeps each major
// version's binaries off the PATH in /usr/lib/postgresql/<major>/bin, so
// Find picks the binary by the server's major version: the configured
// pg_bin_dir, else the usual versioned directories, else the PATH, and
// checks its version before running it. Run never lets pg_dump prompt for a
// password (--no-password, no stdin), bounds the connection attempt, keeps
// the password off the command line, and reports pg_dump's own message on
// failure.
package pgdump
