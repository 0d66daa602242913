// Package pgtest gives the tests of the wal module a WAL archive: a store,
// a keyring and the walcmd binary configured to use them, for a private
// cluster from teststack.InitPG to archive into and restore from.
package pgtest
