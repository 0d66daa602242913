package pagerduty

import (
	"fmt"
	"log/slog"
)

// RoutingKey is a PagerDuty integration key: a secret that never prints.
type RoutingKey string

const redacted = "[redacted]"

func (RoutingKey) String() string               { return redacted }
func (RoutingKey) GoString() string             { return redacted }
func (RoutingKey) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (RoutingKey) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (k RoutingKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }
func (k RoutingKey) reveal() string             { return string(k) }
