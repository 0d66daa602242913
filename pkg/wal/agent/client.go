package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"syscall"
)

// Push hands the WAL file at path to the agent listening in dir and waits
// for its answer. It returns nil only when the agent answered that the file
// is durable in the bucket. It returns an error wrapping ErrNoAgent when no
// agent listens there or the agent declined the file (the caller then
// archives it itself); any other error (the agent failed, or died before
// answering) means the file may not be archived: archive_command must exit
// non-zero.
func Push(ctx context.Context, dir, path string, acceptTimeline uint32) (Response, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Response{}, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", SocketPath(dir))
	if err != nil {
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
			return Response{}, fmt.Errorf("%w at %s", ErrNoAgent, SocketPath(dir))
		}
		return Response{}, fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	defer func() { _ = conn.Close() }()
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	req, _ := json.Marshal(Request{Path: abs, AcceptTimeline: acceptTimeline})
	if _, err := conn.Write(append(req, '\n')); err != nil {
		// Nothing was handed over if the request did not leave: still, the
		// agent may have read part of it, so this is a failure, not a
		// fallback.
		return Response{}, fmt.Errorf("wal-agent %s: send: %w", filepath.Base(path), err)
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return Response{}, fmt.Errorf("wal-agent %s: no answer (the agent stopped before the file was archived?): %w", filepath.Base(path), err)
	}
	var resp Response
	if err := json.Unmarshal(line, &resp); err != nil {
		return Response{}, fmt.Errorf("wal-agent %s: answer: %w", filepath.Base(path), err)
	}
	switch {
	case resp.Declined:
		return resp, fmt.Errorf("%w: declined %s: %s", ErrNoAgent, filepath.Base(path), resp.Error)
	case resp.Error != "":
		return resp, fmt.Errorf("wal-agent: %s", resp.Error)
	}
	return resp, nil
}
