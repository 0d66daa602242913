// Package roundtrip holds the tests that take a tenant through the whole
// way: exported by the exporter from the fixture, sealed, verified and
// restored by pkg/restore, and compared table by table with what the
// database held at backup time. It has no code of its own.
//
// They live here, not beside pkg/restore, because they export through the
// exporter's internal packages (export, fulldump, source) and its
// restorer stage: under pkg/ they would make the shared module require a
// service's module, and a service's internal packages cannot be imported
// from outside it.
package roundtrip
