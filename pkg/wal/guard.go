package wal

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// The archive belongs to one cluster and follows the timelines that
// cluster had. A restored copy shares the system identifier but, once
// promoted, writes a timeline that forks from history the primary went on
// writing; a foreign cluster has another system identifier. Either one
// archiving into the same prefix corrupts the archive for every later
// recovery (recovery_target_timeline = 'latest' follows the fork), so Push
// refuses both:
//
//   - a segment whose system identifier differs from the archive's, which
//     the first segment pushed records in wal/identity.json;
//   - a timeline history whose parent timeline already has segments in the
//     archive after the switch point (a fork, not a failover: a standby
//     promoted at the end of what the primary archived leaves none), unless
//     Config.AcceptTimeline names it;
//   - any file of a timeline above 1 whose history is not in the archive.

// identityObject is the archive's identity, beside the timeline folders.
// Its name is not a WAL file name, so List skips it.
const identityObject = "identity.json"

// Identity is what the archive records of the cluster that feeds it.
type Identity struct {
	SystemIdentifier string    `json:"system_identifier"` // decimal, as pg_controldata prints it
	FirstSegment     string    `json:"first_segment"`
	CreatedAt        time.Time `json:"created_at"`
}

// ForeignClusterError: the segment comes from another cluster than the
// archive's.
type ForeignClusterError struct {
	Name             string
	Archive, Segment string // system identifiers
}

func (e *ForeignClusterError) Error() string {
	return fmt.Sprintf("%s comes from the cluster with system identifier %s, the archive belongs to %s: refusing it; give this cluster its own prefix",
		e.Name, e.Segment, e.Archive)
}

// TimelineError: the file belongs to a timeline the archived cluster never
// had.
type TimelineError struct {
	Name   string
	Reason string
}

func (e *TimelineError) Error() string {
	return fmt.Sprintf("%s: %s: refusing it (a restored or cloned cluster archiving into the production prefix?)", e.Name, e.Reason)
}

// guard refuses a file from another cluster or from a timeline the
// archive's cluster never had; see the comment above.
func guard(ctx context.Context, cfg Config, f File, plain []byte) error {
	if f.Kind == KindSegment || f.Kind == KindPartial {
		if err := checkIdentity(ctx, cfg, f, plain); err != nil {
			return err
		}
	}
	if f.Timeline <= 1 {
		return nil
	}
	if f.Kind == KindHistory {
		return checkFork(ctx, cfg, f, plain)
	}
	hist := historyFile(f.Timeline)
	_, err := cfg.Store.Stat(ctx, cfg.Key(hist))
	if errors.Is(err, objstore.ErrNotFound) {
		return &TimelineError{Name: f.Name, Reason: fmt.Sprintf("timeline %d has no history in the archive", f.Timeline)}
	}
	return err
}

func historyFile(tl uint32) File {
	return File{Name: fmt.Sprintf("%08X.history", tl), Kind: KindHistory, Timeline: tl}
}

// SystemIdentifier reads the system identifier from the long header of a
// segment's first page; ok is false when the bytes do not hold one of a
// segment of segSize bytes.
func SystemIdentifier(seg []byte, segSize int64) (id uint64, ok bool) {
	const xlpLongHeader = 0x0002
	if len(seg) < 40 || binary.LittleEndian.Uint16(seg[2:4])&xlpLongHeader == 0 {
		return 0, false
	}
	if int64(binary.LittleEndian.Uint32(seg[32:36])) != segSize {
		return 0, false
	}
	return binary.LittleEndian.Uint64(seg[24:32]), true
}

func (c Config) identityKey() string { return c.walPrefix() + identityObject }

// checkIdentity records the archive's system identifier with its first
// segment and compares every later segment's with it.
func checkIdentity(ctx context.Context, cfg Config, f File, plain []byte) error {
	id, ok := SystemIdentifier(plain, cfg.segSize())
	if !ok {
		return nil // not a segment we can read a header from (a test's bytes)
	}
	got := strconv.FormatUint(id, 10)
	have, err := ReadIdentity(ctx, cfg)
	if errors.Is(err, objstore.ErrNotFound) {
		doc, _ := json.MarshalIndent(Identity{SystemIdentifier: got, FirstSegment: f.Name, CreatedAt: time.Now().UTC()}, "", "  ")
		if _, err := cfg.Store.Put(ctx, cfg.identityKey(), bytes.NewReader(doc), int64(len(doc))); err != nil {
			return fmt.Errorf("record archive identity: %w", err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if have.SystemIdentifier != got {
		return &ForeignClusterError{Name: f.Name, Archive: have.SystemIdentifier, Segment: got}
	}
	return nil
}

// ReadIdentity reads the archive's identity; objstore.ErrNotFound when no
// segment was pushed since it was introduced.
func ReadIdentity(ctx context.Context, cfg Config) (Identity, error) {
	var id Identity
	rc, err := cfg.Store.Get(ctx, cfg.identityKey(), objstore.Range{})
	if err != nil {
		return id, err
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	if err := json.NewDecoder(rc).Decode(&id); err != nil {
		return id, fmt.Errorf("archive identity %s: %w", cfg.identityKey(), err)
	}
	return id, nil
}

// Switch is where a timeline left its parent: the last line of its
// history file.
type Switch struct {
	Timeline, Parent uint32
	At               LSN
}

// ParseHistory reads a timeline history file's last entry: the parent
// timeline and the LSN where tl switched from it.
func ParseHistory(tl uint32, content []byte) (Switch, error) {
	var last string
	for _, line := range strings.Split(string(content), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			last = line
		}
	}
	fields := strings.Fields(last)
	if len(fields) < 2 {
		return Switch{}, fmt.Errorf("history of timeline %d: no switch point", tl)
	}
	parent, err := strconv.ParseUint(fields[0], 10, 32)
	if err != nil {
		return Switch{}, fmt.Errorf("history of timeline %d: parent %q: %w", tl, fields[0], err)
	}
	at, err := ParseLSN(fields[1])
	if err != nil {
		return Switch{}, fmt.Errorf("history of timeline %d: %w", tl, err)
	}
	return Switch{Timeline: tl, Parent: uint32(parent), At: at}, nil
}

// segNoOf is the number of the segment holding lsn.
func segNoOf(lsn LSN, segSize int64) uint64 { return uint64(lsn) / uint64(segSize) }

// checkFork refuses the history of a timeline that forks from its parent
// before the end of what the parent archived.
func checkFork(ctx context.Context, cfg Config, f File, plain []byte) error {
	sw, err := ParseHistory(f.Timeline, plain)
	if err != nil {
		return err
	}
	if cfg.AcceptTimeline == f.Timeline {
		return nil
	}
	seg := cfg.segSize()
	after, err := parentSegmentsAfter(ctx, cfg, sw)
	if err != nil {
		return err
	}
	if len(after) > 0 {
		return &TimelineError{Name: f.Name, Reason: fmt.Sprintf(
			"timeline %d leaves timeline %d at %s (segment %s), but the archive holds %d later segments of timeline %d (up to %s): a fork, not a failover; a failover that lost those writes is accepted with --accept-timeline %d",
			sw.Timeline, sw.Parent, sw.At, SegmentName(sw.Parent, segNoOf(sw.At, seg), seg), len(after), sw.Parent, after[len(after)-1].Name, sw.Timeline)}
	}
	return nil
}

// parentSegmentsAfter lists the parent timeline's archived segments after
// the one holding the switch point.
func parentSegmentsAfter(ctx context.Context, cfg Config, sw Switch) ([]Archived, error) {
	seg := cfg.segSize()
	prefix := cfg.Layout.WAL(historyFile(sw.Parent).TimelineDir(), "") + "/"
	var out []Archived
	for info, err := range cfg.Store.List(ctx, prefix) {
		if err != nil {
			return nil, fmt.Errorf("list WAL archive %s: %w", prefix, err)
		}
		pf, err := ParseName(info.Key[strings.LastIndexByte(info.Key, '/')+1:])
		if err != nil || pf.Kind != KindSegment || pf.Timeline != sw.Parent {
			continue
		}
		if pf.SegNo(seg) > segNoOf(sw.At, seg) {
			out = append(out, Archived{File: pf, Key: info.Key, Size: info.Size, LastModified: info.LastModified})
		}
	}
	return out, nil
}

// readHistory opens an archived history file.
func readHistory(ctx context.Context, cfg Config, f Archived) (Switch, error) {
	rc, err := cfg.Store.Get(ctx, f.Key, objstore.Range{})
	if err != nil {
		return Switch{}, err
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	var plain bytes.Buffer
	if _, err := seal.Open(ctx, &plain, rc, ArtifactID(f.File), cfg.Keys); err != nil {
		return Switch{}, fmt.Errorf("open %s: %w", f.Key, err)
	}
	return ParseHistory(f.Timeline, plain.Bytes())
}
