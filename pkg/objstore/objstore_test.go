package objstore_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
)

func TestPartSizeNeverNeedsMoreThanMaxParts(t *testing.T) {
	for _, est := range []int64{-1, 0, 1, 50 * objstore.GiB, 78 * objstore.GiB, 200 * objstore.GiB, 2 * objstore.TiB, objstore.MaxObjectSize} {
		p, err := objstore.PartSize(est)
		require.NoError(t, err)
		require.GreaterOrEqual(t, p, objstore.DefaultPartSize)
		require.LessOrEqual(t, p, objstore.MaxPartSize)
		require.Zero(t, p%objstore.MiB)
		if est > 0 {
			require.LessOrEqual(t, 2*est, p*objstore.MaxParts, "estimate %d: a factor 2 of headroom", est)
		}
	}
	_, err := objstore.PartSize(objstore.MaxObjectSize + 1)
	require.Error(t, err)
	require.Equal(t, 156*objstore.GiB+256*objstore.MiB, objstore.MaxArtifactSize(objstore.DefaultPartSize))
	require.Equal(t, objstore.MaxObjectSize, objstore.MaxArtifactSize(objstore.MaxPartSize))
}

func TestParseS3Checksum(t *testing.T) {
	sum := make([]byte, 32)
	sum[0] = 7
	b := base64.StdEncoding.EncodeToString(sum)
	got, parts, err := objstore.ParseS3Checksum(b)
	require.NoError(t, err)
	require.Equal(t, sum, got)
	require.Zero(t, parts)
	got, parts, err = objstore.ParseS3Checksum(b + "-12")
	require.NoError(t, err)
	require.Equal(t, sum, got)
	require.Equal(t, 12, parts)
	for _, bad := range []string{"", "xx", b + "-0", b + "-x", base64.StdEncoding.EncodeToString(sum[:20])} {
		_, _, err := objstore.ParseS3Checksum(bad)
		require.Error(t, err, bad)
	}
}

func TestValidateKey(t *testing.T) {
	require.NoError(t, objstore.ValidateKey("prod/tenants/a b/x.arca"))
	for _, k := range []string{"", "/a", "a/", "a//b", "a/./b", "../a", "a\\b", "a\x00"} {
		require.Error(t, objstore.ValidateKey(k), "%q", k)
	}
}

func TestLockedErrorIsErrLocked(t *testing.T) {
	until := time.Date(2033, 1, 1, 0, 0, 0, 0, time.UTC)
	var err error = &objstore.LockedError{Key: "k", Lock: objstore.Lock{Mode: objstore.LockCompliance, RetainUntil: until}}
	require.ErrorIs(t, err, objstore.ErrLocked)
	require.False(t, errors.Is(err, objstore.ErrNotFound))
	require.Contains(t, err.Error(), "COMPLIANCE retention until 2033-01-01")
	require.True(t, objstore.Lock{Mode: objstore.LockGovernance, RetainUntil: until}.Active(time.Now()))
	require.False(t, objstore.Lock{Mode: objstore.LockGovernance, RetainUntil: until}.Active(until))
	require.True(t, objstore.Lock{LegalHold: true}.Active(until))
}
