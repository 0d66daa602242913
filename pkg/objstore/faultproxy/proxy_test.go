package faultproxy

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"errors"
	"net/http/httptest"

	"github.com/stretchr/testify/require"
)

func TestProxyInjectsScriptedFaultsThenForwards(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "upstream "+r.Host)
	}))
	defer upstream.Close()
	p, err := Start(Config{Target: upstream.URL, Delay: 30 * time.Millisecond,
		Decide: Script(nil, SlowDown, TooMany, InternalError, Reset, Delay)})
	require.NoError(t, err)
	defer func() { _ = p.Close() }()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

	for _, want := range []struct {
		status int
		code   string
	}{{503, "<Code>SlowDown</Code>"}, {429, "<Code>SlowDown</Code>"}, {500, "<Code>InternalError</Code>"}} {
		resp, err := client.Get(p.URL + "/bucket/key")
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		require.Equal(t, want.status, resp.StatusCode)
		require.Contains(t, string(body), want.code)
	}

	_, err = client.Get(p.URL + "/bucket/key")
	require.Error(t, err)
	require.True(t, errors.Is(err, syscall.ECONNRESET) || strings.Contains(err.Error(), "EOF"), "reset: %v", err)

	start := time.Now()
	resp, err := client.Get(p.URL + "/bucket/key")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond, "delayed")
	require.Equal(t, "upstream "+strings.TrimPrefix(p.URL, "http://"), string(body), "forwarded with the client's Host")

	require.Equal(t, map[Fault]int{SlowDown: 1, TooMany: 1, InternalError: 1, Reset: 1, Delay: 1}, p.Injected())
}

func TestRandomIsRepeatable(t *testing.T) {
	probs := map[Fault]float64{SlowDown: 0.2, Reset: 0.1}
	a, b := Random(7, probs), Random(7, probs)
	n := map[Fault]int{}
	for range 1000 {
		fa, fb := a(nil), b(nil)
		require.Equal(t, fa, fb)
		n[fa]++
	}
	require.InDelta(t, 200, n[SlowDown], 60)
	require.InDelta(t, 100, n[Reset], 45)
}

func TestWhileInjectsOnlyWhileOn(t *testing.T) {
	var down atomic.Bool
	d := While(&down, Reset)
	require.Equal(t, None, d(nil))
	down.Store(true)
	require.Equal(t, Reset, d(nil))
	down.Store(false)
	require.Equal(t, None, d(nil))
}
