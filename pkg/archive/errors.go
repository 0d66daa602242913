package archive

import "errors"

// ErrCorrupt is wrapped by every error that means the archive does not match
// its manifest or is not a valid archive: a verifier raises a critical event
// and a restore refuses.
var ErrCorrupt = errors.New("archive corrupt")
