package service_test

import (
	"crypto/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	encryptor "github.com/arcabackup/arca/services/encryptor/service"
)

// The encryptor claims a plaintext part before it reads it, so that an
// exporter whose attempt failed, deleting what it staged
// (staging.PartWriter.Discard), leaves a part an encryptor has taken: the
// exporter's delete of the revision it stored fails once the encryptor has
// been there, here one that then gives the part up (it does not match its
// announcement).
func TestTheEncryptorClaimsAPartBeforeItReadsIt(t *testing.T) {
	t.Parallel()
	r := setupRedelivery(t, func(kr *keyring.Keyring) encryptor.Keys { return kr }, nil)
	plain := make([]byte, 4096)
	_, _ = rand.Read(plain)
	m := r.part(t, plain)
	stored, err := r.st.Stat(t.Context(), m.StagingKey)
	require.NoError(t, err)
	m.SHA256 = "00" + m.SHA256[2:] // not the part staged: the encryptor gives it up
	r.publish(t, m, "encrypt:claim")

	dlq, err := r.n.JS.Stream(t.Context(), messages.StreamDLQ)
	require.NoError(t, err)
	teststack.Eventually(t, teststack.MinWait, func() bool {
		info, err := dlq.Info(t.Context())
		return err == nil && info.State.Msgs == 1
	}, "the encrypt job given up")
	require.ErrorIs(t, r.st.DeleteUnchanged(t.Context(), m.StagingKey, stored.Revision), staging.ErrChanged,
		"the part was claimed by the encryptor")
}
