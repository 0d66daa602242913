package teststack

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

func TestClusterSurvivesLosingStreamLeader(t *testing.T) {
	c := NewCluster(t)
	_, js := Connect(t, c.ClientURL())
	ctx := t.Context()
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"}, Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, "s.1", []byte("x")); err != nil {
		t.Fatal(err)
	}
	leader := c.StreamLeader("S")
	if leader < 0 {
		t.Fatal("no stream leader")
	}
	c.Kill(leader)
	Eventually(t, 2*time.Minute, func() bool { return c.StreamLeader("S") >= 0 }, "new stream leader")
	info, err := js.Stream(ctx, "S")
	if err != nil {
		t.Fatal(err)
	}
	if n := info.CachedInfo().State.Msgs; n != 1 {
		t.Fatalf("messages after failover: %d", n)
	}
}
