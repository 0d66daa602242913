package wal

import (
	"sync"

	"github.com/arcabackup/arca/pkg/seal"
)

// LazyKeys loads the keys on first use. archive_command and restore_command
// run once per file, a keyring file costs about as much scrypt as fetching a
// segment, and many calls need no key at all: a segment already archived, or
// recovery probing for a file that does not exist.
func LazyKeys(load func() (Keys, error)) Keys { return &lazyKeys{load: load} }

type lazyKeys struct {
	load func() (Keys, error)
	once sync.Once
	k    Keys
	err  error
}

func (l *lazyKeys) get() (Keys, error) {
	l.once.Do(func() { l.k, l.err = l.load() })
	return l.k, l.err
}

func (l *lazyKeys) Primary(tenant string) (seal.KEK, error) {
	k, err := l.get()
	if err != nil {
		return seal.KEK{}, err
	}
	return k.Primary(tenant)
}

func (l *lazyKeys) Key(id string) (seal.KEK, error) {
	k, err := l.get()
	if err != nil {
		return seal.KEK{}, err
	}
	return k.Key(id)
}
