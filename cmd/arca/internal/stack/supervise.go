package stack

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// Service is the shape every Arca service has (services/<name>/service):
// New builds it without touching the network, and Run starts it and serves
// until ctx ends, returning nil then, or an error as soon as it cannot go
// on (a failed start-up included).
type Service interface {
	Run(ctx context.Context) error
}

// Named is a service and the name its errors carry.
type Named struct {
	Name    string
	Service Service
}

// errStopped is a service's Run returning nil while the others still run:
// it stopped serving without being asked to.
var errStopped = errors.New("stopped before shutdown")

// Supervise runs the services in one errgroup until ctx ends or one of
// them fails. The first failure cancels the others; Supervise returns it
// once every service has returned, so nothing is left running. A service
// that returns nil before ctx ends counts as a failure. After ctx ends, a
// service's context.Canceled is a clean stop.
func Supervise(ctx context.Context, services ...Named) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, s := range services {
		g.Go(func() error {
			err := s.Service.Run(gctx)
			if gctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled)) {
				return nil
			}
			if err == nil {
				err = errStopped
			}
			return fmt.Errorf("%s: %w", s.Name, err)
		})
	}
	return g.Wait()
}
