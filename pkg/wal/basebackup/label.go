package basebackup

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// label is what backup_label says.
type label struct {
	StartLSN, Checkpoint, StartWAL, StartTime, Label string
	Timeline                                         uint32
}

// parseLabel reads backup_label:
//
//	START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
//	CHECKPOINT LOCATION: 0/2000060
//	START TIME: 2026-11-28 23:34:07 UTC
//	LABEL: pg_basebackup base backup
//	START TIMELINE: 1
func parseLabel(b []byte) (label, error) {
	var l label
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			continue
		}
		switch k {
		case "START WAL LOCATION":
			lsn, file, _ := strings.Cut(v, " (file ")
			l.StartLSN, l.StartWAL = lsn, strings.TrimSuffix(file, ")")
		case "CHECKPOINT LOCATION":
			l.Checkpoint = v
		case "START TIME":
			l.StartTime = v
		case "LABEL":
			l.Label = v
		case "START TIMELINE":
			tl, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return l, fmt.Errorf("backup_label: START TIMELINE %q", v)
			}
			l.Timeline = uint32(tl)
		}
	}
	if l.StartLSN == "" || l.StartWAL == "" || l.Timeline == 0 {
		return l, fmt.Errorf("backup_label: no START WAL LOCATION or START TIMELINE in %q", b)
	}
	return l, nil
}
