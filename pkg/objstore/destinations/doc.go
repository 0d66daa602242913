// Package destinations is the set of stores a backup is copied to (3-2-1:
// S3 in one region, another bucket, a directory elsewhere) and the
// read side over them.
//
// What flows through it: the uploader writes each artifact to every
// destination of its kind, each copy its own job; the verifier proves each
// copy where it is; restore reads through [Set.Try] or [Reader], which try
// the destinations in order and move on when one does not have the object,
// is unreachable, or holds a copy that fails authentication, and say which
// destination served.
package destinations
