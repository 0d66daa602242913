package s3store_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/faultproxy"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
)

// Head describes a tagged object in one request (HeadObject), where Stat
// sends two (and GetObjectTagging): the same size and checksum, no tags.
func TestHeadIsStatWithoutTagsInOneRequest(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	p, err := faultproxy.Start(faultproxy.Config{Target: gw.Endpoint, Decide: func(*http.Request) faultproxy.Fault {
		n.Add(1)
		return faultproxy.None
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	s := newSetup(t, false, func(cfg *s3store.Config) { cfg.Endpoint = p.URL }).store
	tags := map[string]string{"Kind": "tenant"}
	_, err = s.Put(t.Context(), "k", strings.NewReader("body"), 4, objstore.WithTags(tags))
	require.NoError(t, err)

	n.Store(0)
	st, err := s.Stat(t.Context(), "k")
	require.NoError(t, err)
	require.Equal(t, int32(2), n.Load())
	require.Equal(t, tags, st.Tags)

	n.Store(0)
	h, err := objstore.Head(t.Context(), s, "k")
	require.NoError(t, err)
	require.Equal(t, int32(1), n.Load())
	require.Nil(t, h.Tags)
	st.Tags = nil
	require.Equal(t, st, h)

	_, err = objstore.Head(t.Context(), s, "missing")
	require.ErrorIs(t, err, objstore.ErrNotFound)
}
