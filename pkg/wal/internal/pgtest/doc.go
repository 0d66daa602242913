// Package pgtest runs private PostgreSQL clusters for the tests of the wal
// module: initdb and pg_ctl from teststack.PGBin, a random free port, a data
// directory in t.TempDir(), stopped with `pg_ctl stop -m immediate` when the
// test ends. When the tests run as root (CI), the server runs as the
// postgres user, since PostgreSQL refuses to run as root.
package pgtest
