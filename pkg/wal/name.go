package wal

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultSegmentSize is PostgreSQL's default WAL segment size (initdb
// --wal-segsize=16).
const DefaultSegmentSize = 16 << 20

// FileKind says what an archived WAL file is.
type FileKind int

const (
	KindSegment FileKind = iota + 1 // 000000010000000000000003
	KindPartial                     // 000000010000000000000003.partial (end of an old timeline)
	KindBackup                      // 000000010000000000000003.00000028.backup (backup history)
	KindHistory                     // 00000002.history (timeline history)
	KindStream                      // 000000010000000000000003.00000000-00A3F000.stream (wal-receive: those bytes of it)
)

// File is a parsed WAL file name.
type File struct {
	Name     string
	Kind     FileKind
	Timeline uint32
	// LogID and Seg are the two halves of the segment part of the name; zero
	// for history files.
	LogID, Seg uint32
}

// ParseName parses the name of a file PostgreSQL archives. Anything else is
// an error, so a stray path never lands in the archive.
func ParseName(name string) (File, error) {
	bad := fmt.Errorf("parse WAL file name %q: not a segment, .partial, .backup or .history file", name)
	if strings.HasSuffix(name, ".history") {
		tl, ok := hex32(strings.TrimSuffix(name, ".history"))
		if !ok || len(name) != 16 {
			return File{}, bad
		}
		return File{Name: name, Kind: KindHistory, Timeline: tl}, nil
	}
	if len(name) < 24 {
		return File{}, bad
	}
	f := File{Name: name}
	var ok1, ok2, ok3 bool
	f.Timeline, ok1 = hex32(name[0:8])
	f.LogID, ok2 = hex32(name[8:16])
	f.Seg, ok3 = hex32(name[16:24])
	if !ok1 || !ok2 || !ok3 {
		return File{}, bad
	}
	switch rest := name[24:]; {
	case rest == "":
		f.Kind = KindSegment
	case rest == ".partial":
		f.Kind = KindPartial
	case len(rest) == 25 && strings.HasSuffix(rest, StreamSuffix) && rest[0] == '.' && rest[9] == '-':
		from, ok1 := hex32(rest[1:9])
		to, ok2 := hex32(rest[10:18])
		if !ok1 || !ok2 || from >= to {
			return File{}, bad
		}
		f.Kind = KindStream
	case len(rest) == 16 && strings.HasSuffix(rest, ".backup") && rest[0] == '.':
		if _, ok := hex32(rest[1:9]); !ok {
			return File{}, bad
		}
		f.Kind = KindBackup
	default:
		return File{}, bad
	}
	return f, nil
}

func hex32(s string) (uint32, bool) {
	if len(s) != 8 || strings.ToUpper(s) != s {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	return uint32(v), err == nil
}

// TimelineDir is the timeline folder of the file: its first 8 hex digits.
func (f File) TimelineDir() string { return fmt.Sprintf("%08X", f.Timeline) }

// SegNo is the segment's number counted from the start of the WAL, for
// segments of segSize bytes. Zero for history files.
func (f File) SegNo(segSize int64) uint64 {
	return uint64(f.LogID)*segmentsPerLogID(segSize) + uint64(f.Seg)
}

func segmentsPerLogID(segSize int64) uint64 {
	if segSize <= 0 {
		segSize = DefaultSegmentSize
	}
	return 0x100000000 / uint64(segSize)
}

// SegmentName is the name of segment segNo on timeline tl.
func SegmentName(tl uint32, segNo uint64, segSize int64) string {
	per := segmentsPerLogID(segSize)
	return fmt.Sprintf("%08X%08X%08X", tl, segNo/per, segNo%per)
}

// NextSegment is the name of the segment after f on the same timeline.
func NextSegment(f File, segSize int64) string {
	return SegmentName(f.Timeline, f.SegNo(segSize)+1, segSize)
}

// LSN is a WAL position.
type LSN uint64

// ParseLSN parses PostgreSQL's "X/Y" notation.
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(strings.TrimSpace(s), "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parse LSN %q: want X/Y in hex", s)
	}
	return LSN(h<<32 | l), nil
}

func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xFFFFFFFF) }

// SegmentOf is the name of the segment on timeline tl that holds l.
func SegmentOf(tl uint32, l LSN, segSize int64) string {
	if segSize <= 0 {
		segSize = DefaultSegmentSize
	}
	return SegmentName(tl, uint64(l)/uint64(segSize), segSize)
}
