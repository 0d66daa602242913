package messages

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Version is the schema version of every message this build writes. A
// reader accepts versions up to Version; a newer one is refused (and, in a
// worker, dead-lettered) rather than half understood.
const Version = 1

// Message is implemented by every message type.
type Message interface {
	// Validate reports every problem with the message, naming the fields.
	Validate() error
	// Ref names the tenant, backup and kind the message is about, for
	// events and dead letters.
	Ref() Ref
}

// Ref identifies what a message is about.
type Ref struct {
	Tenant   string `json:"tenant,omitempty"`
	BackupID string `json:"backup_id,omitempty"`
	Kind     Kind   `json:"kind,omitempty"`
}

// versioned is implemented by a message type whose newest version is above
// Version (PartReady).
type versioned interface{ maxVersion() int }

// ErrUnsupportedVersion is returned for a message written by a newer Arca.
var ErrUnsupportedVersion = errors.New("unsupported message version")

// Encode validates m and marshals it as JSON.
func Encode(m Message) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("encode %T: %w", m, err)
	}
	return json.Marshal(m)
}

// Decode unmarshals data into a T, refusing unknown versions and fields and
// invalid content. The error says which.
func Decode[T Message](data []byte) (T, error) {
	var m T
	var head struct {
		V *int `json:"v"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return m, fmt.Errorf("decode %T: %w", m, err)
	}
	newest := Version
	if v, ok := any(m).(versioned); ok {
		newest = v.maxVersion()
	}
	switch {
	case head.V == nil:
		return m, fmt.Errorf("decode %T: field v (version) is missing", m)
	case *head.V < 1 || *head.V > newest:
		return m, fmt.Errorf("decode %T: version %d: %w", m, *head.V, ErrUnsupportedVersion)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("decode %T: %w", m, err)
	}
	if err := m.Validate(); err != nil {
		return m, fmt.Errorf("decode %T: %w", m, err)
	}
	return m, nil
}

// PeekRef extracts the tenant, backup and kind of any message, leniently, so
// that even an invalid message can be dead-lettered with what is known of it.
func PeekRef(data []byte) Ref {
	var r Ref
	_ = json.Unmarshal(data, &r)
	return r
}
