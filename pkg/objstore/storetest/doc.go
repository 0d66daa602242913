// Package storetest is the conformance suite every objstore.Store passes:
// the same behaviour on the filesystem and on S3, so code tested against one
// runs on the other. Run it from a store's tests:
//
//	storetest.Run(t, func(t *testing.T) objstore.Store { ... }, storetest.Features{...})
//
// Features say what a store (or the server behind it) supports; a test of a
// missing feature is skipped with a message naming the feature, never
// silently. Each test gets a fresh, empty store from newStore.
package storetest
