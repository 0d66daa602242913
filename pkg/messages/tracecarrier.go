package messages

import (
	"strings"

	"github.com/nats-io/nats.go"
)

// HeaderCarrier adapts nats.Header to OpenTelemetry's TextMapCarrier
// (Get, Set, Keys) without importing OpenTelemetry. nats.Header is
// case-sensitive, unlike HTTP headers, so keys are written lower-case
// ("traceparent", as W3C Trace Context spells it) and read
// case-insensitively, so a peer that wrote "Traceparent" is still understood.
type HeaderCarrier nats.Header

// Get returns the first value of key, matched case-insensitively.
func (c HeaderCarrier) Get(key string) string {
	if v, ok := c[strings.ToLower(key)]; ok && len(v) > 0 {
		return v[0]
	}
	for k, v := range c {
		if strings.EqualFold(k, key) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// Set stores value under the lower-cased key.
func (c HeaderCarrier) Set(key, value string) { c[strings.ToLower(key)] = []string{value} }

// Keys lists the header keys.
func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}
