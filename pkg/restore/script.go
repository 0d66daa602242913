package restore

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// maxScript bounds a DDL file read into memory (the schema's DDL, not data).
const maxScript = 256 << 20

// scriptEntry is one object's DDL in a pg_dump script.
type scriptEntry struct {
	Type string // pg_dump's TOC type: TABLE, INDEX, FK CONSTRAINT...; "" for the preamble
	Name string
	SQL  string
}

// readScript reads a pg_dump plain script from an archive file, without
// psql meta-commands (\restrict and \unrestrict, which newer pg_dump emits
// and the server would reject).
func readScript(r io.Reader) (string, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxScript+1))
	if err != nil {
		return "", err
	}
	if len(body) > maxScript {
		return "", fmt.Errorf("script larger than %d bytes", maxScript)
	}
	var out strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), maxScript)
	for sc.Scan() {
		line := sc.Text()
		if isMetaCommand(line) {
			continue
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return out.String(), sc.Err()
}

func isMetaCommand(line string) bool {
	return strings.HasPrefix(line, `\restrict `) || strings.HasPrefix(line, `\unrestrict `)
}

// splitScript cuts a pg_dump script at its per-object comment headers
//
//	--
//	-- Name: residents residents_pkey; Type: CONSTRAINT; Schema: s; Owner: -
//	--
//
// so that entries can run one by one. What follows the "dump complete"
// comment (the exporter's setval calls) is an entry of its own.
func splitScript(sql string) []scriptEntry {
	const header, done = "\n--\n-- Name: ", "\n-- PostgreSQL database dump complete\n"
	tail := ""
	if i := strings.Index(sql, done); i >= 0 {
		sql, tail = sql[:i+1], sql[i+1:]
	}
	starts := []int{0}
	for off := 0; ; {
		i := strings.Index(sql[off:], header)
		if i < 0 {
			break
		}
		off += i + 1
		starts = append(starts, off)
	}
	starts = append(starts, len(sql))
	var out []scriptEntry
	for k := 0; k+1 < len(starts); k++ {
		if part := sql[starts[k]:starts[k+1]]; strings.TrimSpace(part) != "" {
			out = append(out, entryOf(part))
		}
	}
	if tail != "" {
		out = append(out, scriptEntry{Type: "SEQUENCE SET", SQL: tail})
	}
	return out
}

// entryOf parses the header of one entry, if it has one.
func entryOf(sql string) scriptEntry {
	e := scriptEntry{SQL: sql}
	const name = "--\n-- Name: "
	if !strings.HasPrefix(sql, name) {
		return e
	}
	line, _, _ := strings.Cut(sql[len(name):], "\n")
	n, rest, _ := strings.Cut(line, "; Type: ")
	typ, _, _ := strings.Cut(rest, "; Schema: ")
	e.Name, e.Type = n, typ
	return e
}
