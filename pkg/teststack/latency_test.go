package teststack_test

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
)

func TestLatencyProxyDelaysEveryRoundTripToPostgreSQL(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	cfg, err := pgx.ParseConfig(db.URL)
	require.NoError(t, err)
	const delay = 20 * time.Millisecond
	p := teststack.NewLatencyProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), delay)
	host, port, err := net.SplitHostPort(p.Addr)
	require.NoError(t, err)
	n, err := strconv.Atoi(port)
	require.NoError(t, err)
	cfg.Host, cfg.Port = host, uint16(n)
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	defer conn.Close(ctx)

	var got string
	start := time.Now()
	const trips = 5
	for range trips {
		require.NoError(t, conn.QueryRow(ctx, "SELECT repeat('x', 100000)").Scan(&got))
	}
	require.Len(t, got, 100000)
	require.GreaterOrEqual(t, p.Sent(), int64(trips), "each query crossed the proxy")
	// Each query is at least one round trip: 2×delay. A lower bound only:
	// a loaded machine makes it slower, never faster.
	require.GreaterOrEqual(t, time.Since(start), trips*2*delay)
}
