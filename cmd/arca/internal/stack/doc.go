// Package stack opens what the configuration names: the bucket, the
// keyring, the JetStream connection (or an embedded server for arca dev),
// and starts the pipeline's stages. Every command and service goes through
// it, so they all agree on how a setting is read.
package stack
