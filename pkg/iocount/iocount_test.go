package iocount_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/iocount"
)

// shortWriter accepts at most max bytes a call, and says so with an error.
type shortWriter struct{ max int }

func (w shortWriter) Write(p []byte) (int, error) {
	if len(p) > w.max {
		return w.max, io.ErrShortWrite
	}
	return len(p), nil
}

// Only the bytes that really passed count: data a reader returns together
// with io.EOF, a writer's short write.
func TestCountsWhatPassed(t *testing.T) {
	t.Parallel()
	r := &iocount.Reader{R: iotest.DataErrReader(iotest.OneByteReader(strings.NewReader("abcdef")))}
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	require.Equal(t, "abcdef", string(got))
	require.Equal(t, int64(6), r.N)

	r = &iocount.Reader{R: iotest.ErrReader(errors.New("gone"))}
	_, err = r.Read(make([]byte, 8))
	require.Error(t, err)
	require.Zero(t, r.N)

	w := &iocount.Writer{W: shortWriter{max: 3}}
	n, err := w.Write([]byte("abcdef"))
	require.ErrorIs(t, err, io.ErrShortWrite)
	require.Equal(t, 3, n)
	require.Equal(t, int64(3), w.N)
	_, err = w.Write([]byte("ab"))
	require.NoError(t, err)
	require.Equal(t, int64(5), w.N)
}
