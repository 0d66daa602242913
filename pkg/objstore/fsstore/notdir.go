package fsstore

import "syscall"

// errNotDir: a path segment of the key is a file, so the key cannot exist.
var errNotDir error = syscall.ENOTDIR
