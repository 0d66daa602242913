package cli

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/shlex"
)

// Every `arca ...` command that the README, the runbooks and the other docs
// tell an operator to type must parse: the command exists, its flags exist,
// and it takes that many arguments.
func TestEveryArcaCommandInTheDocsParses(t *testing.T) {
	docs := []string{"../../../../README.md"}
	for _, dir := range []string{"../../../../docs", "../../../../docs/runbooks", "../../../../deploy"} {
		md, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		docs = append(docs, md...)
	}
	inline := regexp.MustCompile("`(arca [^`]+)`")
	var checked int
	for _, doc := range docs {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, m := range inline.FindAllStringSubmatch(string(text), -1) {
			lines = append(lines, m[1])
		}
		for _, l := range strings.Split(string(text), "\n") {
			l = strings.TrimPrefix(strings.TrimSpace(l), "$ ")
			if strings.HasPrefix(l, "arca ") {
				lines = append(lines, l)
			}
		}
		for _, line := range lines {
			if strings.Contains(line, "|") && !strings.Contains(line, "'") {
				continue // a synopsis of alternatives, such as the README's table
			}
			checked++
			if err := parses(line); err != nil {
				t.Errorf("%s: %q: %v", filepath.Base(doc), line, err)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d commands found in the docs: the extraction is broken", checked)
	}
}

// placeholders stand for what an operator fills in.
var placeholders = strings.NewReplacer(
	"<tenant>", "casa-01", "<backup-id>", "b1", "<backup>", "b1", "<id>", "casa-01", "<run>", "r1", "RUN", "r1",
	"BACKUP-ID", "b1", "--sample N", "--sample 2", "ID", "casa-01", "TIME", "2026-11-29T14:02:31Z", "...", "",
)

func parses(line string) error {
	line = placeholders.Replace(line)
	if i := strings.Index(line, "#"); i >= 0 {
		line = line[:i]
	}
	// Optional parts of a synopsis ([--tenant ID]) are checked as if given.
	line = strings.NewReplacer("[", "", "]", "").Replace(line)
	words, err := shlex.Split(line)
	if err != nil {
		return err
	}
	a := &app{out: io.Discard, errOut: io.Discard}
	root := a.rootCmd()
	cmd, rest, err := root.Find(words[1:])
	if err != nil {
		return err
	}
	if cmd == root {
		return errUnknown(words)
	}
	flags := cmd.Flags()
	flags.AddFlagSet(root.PersistentFlags())
	if err := flags.Parse(rest); err != nil {
		return err
	}
	if len(words) == len(strings.Fields(cmd.CommandPath())) {
		return nil // the command named in prose, not a line to type
	}
	if cmd.Args != nil {
		return cmd.Args(cmd, flags.Args())
	}
	return nil
}

type errUnknown []string

func (e errUnknown) Error() string { return "no such command: " + strings.Join(e, " ") }
