package teststack

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/embednats"
)

// A store written in clear is encrypted in place the first time the server
// starts with a key (an arca dev state directory from before encryption),
// and its messages still read back.
func TestPlaintextStoreIsEncryptedWhenAKeyIsAdded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	marker := []byte("RESIDENT-" + randomHex(8))
	n := NewNATSWith(t, NATSOptions{Options: &embednats.Options{Dir: dir}})
	ctx := t.Context()
	_, err := n.JS.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.JS.Publish(ctx, "s", marker); err != nil {
		t.Fatal(err)
	}
	n.Conn.Close()
	n.Server.Stop()
	if !dirHolds(t, dir, marker) {
		t.Fatal("a plaintext store holds the message in clear")
	}

	key, err := embednats.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	enc := &embednats.Options{Dir: dir, Encryption: &embednats.Encryption{Key: key}}
	n = NewNATSWith(t, NATSOptions{Options: enc})
	msg, err := n.JS.Stream(ctx, "S")
	if err != nil {
		t.Fatal(err)
	}
	got, err := msg.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Data, marker) {
		t.Fatalf("message after conversion: %q", got.Data)
	}
	n.Conn.Close()
	n.Server.Stop()
	if dirHolds(t, dir, marker) {
		t.Fatal("the store still holds the message in clear after starting with a key")
	}
}

func dirHolds(t *testing.T, dir string, s []byte) bool {
	t.Helper()
	found := false
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		found = found || bytes.Contains(b, s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// A 3-node cluster encrypts everything it writes, the replicated streams'
// raft logs included: a message published to an R3 stream and then purged
// is in no file of any node.
func TestClusterStoresAreEncryptedRaftLogsIncluded(t *testing.T) {
	t.Parallel()
	c := NewCluster(t)
	_, js := Connect(t, c.ClientURL())
	ctx := t.Context()
	marker := []byte("RESIDENT-" + randomHex(8))
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"}, Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if _, err := js.Publish(ctx, "s.1", marker); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range c.Servers {
		c.Kill(i)
	}
	for i, dir := range c.dirs {
		if dirHolds(t, dir, marker) {
			t.Fatalf("node %d's store holds the message in clear", i)
		}
	}
}
