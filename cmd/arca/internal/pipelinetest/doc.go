// Package pipelinetest holds the tests that run several stages together
// (exporter → encryptor → uploader → verifier) against a fixture database,
// an embedded JetStream and a bucket. They live in cmd/arca, the one module
// that wires services together, so that no service's tests import another
// service (the depguard rules of .golangci.yml hold for test files too).
package pipelinetest
