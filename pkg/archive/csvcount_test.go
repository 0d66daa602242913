package archive

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCSVCounter(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"":                           0,
		"h\n":                        1,
		"h\n1\n2":                    3,
		"h\n\"a\nb\",\"\"\"\n\"\n":   2,
		"h\n\"\"\"\"\n\"x\ny\"\n":    3,
		"h\n\"quoted, \"\"q\"\"\"\n": 2,
	} {
		// Every split point must give the same count.
		for i := 0; i <= len(in); i++ {
			var c csvCounter
			c.Write([]byte(in[:i]))
			c.Write([]byte(in[i:]))
			require.Equal(t, want, c.Records(), "%q split at %d", in, i)
		}
	}
}
