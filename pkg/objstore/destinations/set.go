package destinations

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Destination is one named store.
type Destination struct {
	Name  string
	Store objstore.Store
}

// Set is the destinations in the order reads try them, the primary first.
type Set []Destination

// Names are the destinations' names in order.
func (s Set) Names() []string {
	out := make([]string, len(s))
	for i, d := range s {
		out[i] = d.Name
	}
	return out
}

// Get is the destination called name.
func (s Set) Get(name string) (Destination, bool) {
	for _, d := range s {
		if d.Name == name {
			return d, true
		}
	}
	return Destination{}, false
}

// Primary is the first destination: the one writes outside the per-copy
// jobs go to.
func (s Set) Primary() Destination { return s[0] }

// Try runs fn against each destination in order until one succeeds and
// returns its name. Any error moves on to the next destination (missing,
// unreachable, a copy that does not authenticate or verify): a restore
// that one copy cannot serve may well be served by another. Only the
// context's end stops it. When every destination fails, the error names
// each one's reason.
//
// An error marked Final (bad input, which no other destination can make
// good) stops at once and comes back as it is; so does every error when
// there is one destination, which needs no naming.
func (s Set) Try(ctx context.Context, fn func(ctx context.Context, d Destination) error) (string, error) {
	var errs []error
	for _, d := range s {
		err := fn(ctx, d)
		if err == nil {
			return d.Name, nil
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		var final *finalError
		if errors.As(err, &final) {
			return "", final.err
		}
		if len(s) == 1 {
			return "", err
		}
		errs = append(errs, fmt.Errorf("destination %s: %w", d.Name, err))
	}
	if len(errs) == 0 {
		return "", errors.New("no destination configured")
	}
	return "", errors.Join(errs...)
}

// Final marks an error that no other destination can help with: Try
// returns it at once, unwrapped.
func Final(err error) error { return &finalError{err} }

type finalError struct{ err error }

func (e *finalError) Error() string { return e.err.Error() }
func (e *finalError) Unwrap() error { return e.err }

// Without is the set less the destination called name, in order.
func (s Set) Without(name string) Set {
	var out Set
	for _, d := range s {
		if d.Name != name {
			out = append(out, d)
		}
	}
	return out
}
