package seal_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
)

// What Open says of input that is not sealed parts is Malformed; of sealed
// parts damaged, cut short or not held together, Unauthentic; an error of
// neither kind (the input could not be read) is neither.
func TestOpenErrorsAreMalformedOrUnauthentic(t *testing.T) {
	t.Parallel()
	x := setupTampered(t)
	artifact := concat(x.sealed)

	_, err := x.open("art-t", []byte("PGDMP this is a plain dump, not sealed parts"))
	require.True(t, seal.Malformed(err), "%v", err)

	damaged := append([]byte(nil), artifact...)
	damaged[len(x.sealed[0])+len(x.sealed[1])/2] ^= 1
	_, err = x.open("art-t", damaged)
	require.True(t, seal.Unauthentic(err), "%v", err)
	require.False(t, seal.Malformed(err), "%v", err)

	_, err = x.open("art-t", artifact[:len(artifact)-len(x.sealed[2])])
	require.True(t, seal.Unauthentic(err), "truncated: %v", err)
	_, err = x.open("art-t", append(append([]byte(nil), artifact...), 'x'))
	require.True(t, seal.Unauthentic(err), "trailing data: %v", err)
	_, err = x.open("art-other", artifact)
	require.True(t, seal.Unauthentic(err), "another artifact's parts: %v", err)

	require.False(t, seal.Malformed(context.Canceled))
	require.False(t, seal.Unauthentic(context.Canceled))
}
