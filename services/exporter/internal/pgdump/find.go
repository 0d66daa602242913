package pgdump

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/pgbin"
)

// ErrNotFound means no usable pg_dump was found.
var ErrNotFound = errors.New("pg_dump not found")

// ErrVersion means pg_dump is older than the server.
var ErrVersion = errors.New("pg_dump older than server")

// Binary is a pg_dump executable and its major version.
type Binary = pgbin.Binary

// Find returns a pg_dump able to dump a server of major version
// serverMajor. With binDir set only binDir is tried.
func Find(ctx context.Context, binDir string, serverMajor int) (Binary, error) {
	b, err := pgbin.Find(ctx, binDir, "pg_dump", serverMajor, func(b pgbin.Binary) error {
		if b.Major < serverMajor {
			return fmt.Errorf("version %d, server is %d: %w", b.Major, serverMajor, ErrVersion)
		}
		return nil
	})
	switch {
	case errors.Is(err, pgbin.ErrNotFound):
		return Binary{}, fmt.Errorf("find pg_dump for server %d (%w; set pg_bin_dir): %w", serverMajor, err, ErrNotFound)
	case err != nil:
		return Binary{}, fmt.Errorf("find pg_dump for server %d: %w", serverMajor, err)
	}
	return b, nil
}
