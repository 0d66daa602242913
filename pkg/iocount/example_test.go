package iocount_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/arcabackup/arca/pkg/iocount"
)

// Count what a copy read and wrote.
func Example() {
	in := &iocount.Reader{R: strings.NewReader("twelve bytes")}
	var sb strings.Builder
	out := &iocount.Writer{W: &sb}
	if _, err := io.Copy(out, in); err != nil {
		panic(err)
	}
	fmt.Println(in.N, out.N, sb.String())
	// Output: 12 12 twelve bytes
}
