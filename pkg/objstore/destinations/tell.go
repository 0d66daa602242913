package destinations

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/messages"
)

// TryTelling is Try, telling w, when there is more than one destination,
// why each that could not serve it could not, and which one did; what
// names the operation ("restore tenant").
func (s Set) TryTelling(ctx context.Context, w io.Writer, what string, fn func(ctx context.Context, d Destination) error) (string, error) {
	used, err := s.Try(ctx, func(ctx context.Context, d Destination) error {
		err := fn(ctx, d)
		if err != nil && ctx.Err() == nil && len(s) > 1 {
			fmt.Fprintf(w, "%s: destination %s could not serve it: %s\n", what, d.Name, messages.OneLine(err))
		}
		return err
	})
	if err == nil && len(s) > 1 {
		fmt.Fprintf(w, "%s: from destination %s\n", what, used)
	}
	return used, err
}

// TellServed is a Reader's served (NewReader) that tells w which
// destination served a read when the first did not, and why.
func TellServed(w io.Writer) func(key, destination string, skipped []error) {
	return func(key, d string, skipped []error) {
		if len(skipped) > 0 {
			fmt.Fprintf(w, "read %s from destination %s (%s)\n", key, d, messages.OneLine(errors.Join(skipped...)))
		}
	}
}
