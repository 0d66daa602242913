// Package pgbin finds PostgreSQL programs (pg_dump, pg_ctl, postgres...) of a
// given major version: in a configured directory alone, or in the places
// the usual packages install them, pg_config's and the PATH's. Each
// candidate is asked its version, so that the caller decides which majors
// it can use: pg_dump may be newer than the server, pg_ctl must match the
// data directory exactly.
package pgbin
