// Package roundtrip holds the tests that take a tenant through the whole
// way: exported by the exporter from the fixture, sealed, verified and
// restored by pkg/restore, and compared table by table with what the
// database held at backup time. It has no code of its own.
package roundtrip
