package staging

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrFull is a put refused because staging has no room left: the NATS
// server's JetStream store limit (arca dev's cap, decision 43), the
// account's, or a bucket's own MaxBytes. Parts wait there for the next
// stage, so a full staging means a stage behind or stopped, or a cap too
// small for the backups in flight.
var ErrFull = errors.New("staging is full")

// JetStream's codes for a store out of room: the server's limit, the
// account's, and a stream's store failing on its MaxBytes.
const (
	codeInsufficientResources = 10023
	codeAccountResources      = 10002
	codeStoreFailed           = 10077
)

// full says which of a publish's errors is staging out of room, keeping
// the server's words after ours; others pass unchanged.
func full(err error) error {
	var api *jetstream.APIError
	if !errors.As(err, &api) {
		return err
	}
	switch {
	case api.ErrorCode == codeInsufficientResources, api.ErrorCode == codeAccountResources,
		api.ErrorCode == codeStoreFailed && strings.Contains(api.Description, "maximum bytes"):
		return fmt.Errorf("%w (the NATS server's JetStream store limit or the bucket's max bytes; a stage may be stopped): %w", ErrFull, err)
	}
	return err
}
