package agent

import (
	"errors"
	"path/filepath"
	"time"

	"github.com/arcabackup/arca/pkg/wal"
)

// SocketName is the agent's socket in its directory.
const SocketName = "wal-agent.sock"

// SocketPath is the socket of the agent that uses dir.
func SocketPath(dir string) string { return filepath.Join(dir, SocketName) }

// Request asks the agent to archive one file.
type Request struct {
	Path string `json:"path"` // absolute path of the WAL file (archive_command's %p)
	// AcceptTimeline is wal.Config.AcceptTimeline for this file.
	AcceptTimeline uint32 `json:"accept_timeline,omitempty"`
}

// Response is the agent's answer, written once the push is over.
type Response struct {
	Key      string  `json:"key,omitempty"`
	Plain    int64   `json:"plain,omitempty"`
	Sealed   int64   `json:"sealed,omitempty"`
	Existed  bool    `json:"existed,omitempty"`
	Early    bool    `json:"early,omitempty"` // pushed by look-ahead before it was asked for
	Seconds  float64 `json:"seconds"`
	Error    string  `json:"error,omitempty"`
	Declined bool    `json:"declined,omitempty"` // not archived: the client must push it itself
}

// Result is the wal.PushResult of an answer.
func (r Response) Result() wal.PushResult {
	return wal.PushResult{Key: r.Key, Plain: r.Plain, Sealed: r.Sealed, Existed: r.Existed,
		Duration: time.Duration(r.Seconds * float64(time.Second))}
}

// ErrNoAgent: no agent answers on the socket, or it declined the file. The
// caller archives the file itself.
var ErrNoAgent = errors.New("no WAL archive agent")
