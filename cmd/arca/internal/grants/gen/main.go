// Command gen writes the files generated from cmd/arca/internal/grants.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
)

func main() {
	root := flag.String("root", ".", "repository root")
	flag.Parse()
	files := grants.Files()
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(*root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "grants:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "grants:", err)
			os.Exit(1)
		}
		fmt.Println("wrote", p)
	}
}
