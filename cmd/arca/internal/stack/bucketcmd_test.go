package stack_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
)

// What the operator asks of a store that cannot do it, or of a
// destination that does not exist, is a ConfigError (the CLI's exit 2),
// not a failure of the bucket.
func TestBucketCommandsRefuseWhatTheConfigurationCannotDo(t *testing.T) {
	cfg := fileConfig(t)
	_, err := stack.Keyring(t.Context(), cfg, true)
	require.NoError(t, err)
	var ce stack.ConfigError
	_, err = stack.InitBucket(t.Context(), cfg, bucketinit.Options{}, "")
	require.True(t, errors.As(err, &ce), "%v", err)
	require.EqualError(t, err, "arca bucket init needs store.kind s3")
	err = stack.LifecycleOf(cfg).Apply(t.Context(), cfg)
	require.True(t, errors.As(err, &ce), "%v", err)

	_, err = stack.Prune(t.Context(), cfg, true, "nowhere")
	require.True(t, errors.As(err, &ce), "%v", err)
	require.ErrorIs(t, err, stack.ErrNoSuchDestination)
	reps, err := stack.Prune(t.Context(), cfg, true, "")
	require.NoError(t, err)
	require.Len(t, reps.Runs, 1)
	require.True(t, reps.Runs[0].Report.DryRun)
	require.False(t, reps.PerDestination, "one destination: its report alone")
}

// arca lifecycle prints the rules as JSON or the S3 API's XML, and its
// notes apart (on stderr).
func TestLifecycleRulesPrintAsJSONOrXML(t *testing.T) {
	rules := stack.LifecycleOf(fileConfig(t))
	rules.Notes = []string{"one", "two"}
	var doc, notes bytes.Buffer
	require.NoError(t, rules.WriteDocument(&doc, &notes, false))
	want, err := rules.JSON()
	require.NoError(t, err)
	require.Equal(t, string(want)+"\n", doc.String())
	require.Equal(t, "note: one\nnote: two\n", notes.String())
	doc.Reset()
	require.NoError(t, rules.WriteDocument(&doc, io.Discard, true))
	require.True(t, strings.HasPrefix(doc.String(), "<?xml"), doc.String())
}
