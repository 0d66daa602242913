package service_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/staging"
)

// stageParts puts parts into staging as an exporter would and publishes
// their encrypt jobs, with fill setting each message's version fields.
func (b *epochBundle) stageParts(t *testing.T, tenant string, parts [][]byte, fill func(*messages.PartReady, int)) messages.PartReady {
	t.Helper()
	at := time.Now().UTC()
	backupID := messages.BackupID(messages.KindTenant, "r1", tenant, at)
	art := messages.ArtifactID(backupID, 1)
	var m messages.PartReady
	for i, p := range parts {
		info, err := b.st.Put(t.Context(), staging.PlainKey(art, i), bytes.NewReader(p), nil)
		require.NoError(t, err)
		m = messages.PartReady{V: messages.Version, ArtifactPart: messages.ArtifactPart{Artifact: art, Tenant: tenant, Kind: messages.KindTenant, BackupID: backupID, Part: i, Last: i == len(parts)-1}, Size: info.Size, SHA256: info.SHA256, StagingKey: staging.PlainKey(art, i)}
		fill(&m, i)
		require.NoError(t, jobs.NewPublisher(b.n.JS).Publish(t.Context(), messages.EncryptSubject(art, i), m, messages.PartReadyMsgID(art, i)))
	}
	return m
}

// collect waits for n sealed parts and returns them in order with the
// artifact they make.
func (b *epochBundle) collect(t *testing.T, n int) ([]messages.PartSealed, []byte) {
	t.Helper()
	got := make([]messages.PartSealed, n)
	for range n {
		p := b.next(t)
		got[p.Part] = p
	}
	var artifact bytes.Buffer
	for _, p := range got {
		rc, _, err := b.st.Get(t.Context(), p.StagingKey)
		require.NoError(t, err)
		_, err = io.Copy(&artifact, rc)
		require.NoError(t, err)
		_ = rc.Close()
	}
	return got, artifact.Bytes()
}

func rows(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%d,resident %d,room %d\n", i, i%977, i%61)
	}
	return b.Bytes()[:n]
}

// Plaintext parts of an older exporter (PartReady version 1) are still
// sealed the old way: compressed, or raw when the compressed part would be
// below the multipart minimum; the artifact opens, each part by its flag.
func TestPlaintextPartsOfAnOlderExporterStillSeal(t *testing.T) {
	t.Parallel()
	b := setupEpoch(t, nil)
	parts := [][]byte{rows(6 << 20), rows(100 << 10)}
	m := b.stageParts(t, "acme", parts, func(*messages.PartReady, int) {})
	sealed, artifact := b.collect(t, len(parts))
	for i, p := range sealed {
		require.Equal(t, int64(len(parts[i])), p.PlainSize)
	}
	require.GreaterOrEqual(t, sealed[0].Size, int64(encryptor5MiB), "the non-last part stays at or above the minimum")

	kr, err := b.src.load(t.Context())
	require.NoError(t, err)
	pr := seal.NewPartReader(bytes.NewReader(artifact), m.Artifact, kr)
	var flags []bool
	for {
		info, err := pr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		flags = append(flags, info.Compressed)
	}
	require.Equal(t, []bool{false, true}, flags, "6 MiB of rows compress below 5 MiB: sealed raw; the last part compressed")
	got, err := io.ReadAll(seal.NewReader(bytes.NewReader(artifact), m.Artifact, kr))
	require.NoError(t, err)
	require.True(t, bytes.Equal(bytes.Join(parts, nil), got))
}

const encryptor5MiB = 5 << 20

// A part announced as a zstd frame that is not one is dead-lettered at once:
// sealing it as compressed would store something no reader opens.
func TestPartAnnouncedCompressedThatIsNotAFrameIsDeadLettered(t *testing.T) {
	t.Parallel()
	b := setupEpoch(t, nil)
	m := b.stageParts(t, "acme", [][]byte{rows(1000)}, func(m *messages.PartReady, _ int) {
		m.V, m.Encoding, m.PlainSize = messages.PartReadyVersion, messages.EncodingZstd, 1000
	})
	b.deadLetteredAtOnce(t, m, seal.ErrNotFrame)
}

// deadLetteredAtOnce waits for m's part to be dead-lettered on its first
// attempt for cause, with nothing sealed.
func (b *epochBundle) deadLetteredAtOnce(t *testing.T, m messages.PartReady, cause error) {
	t.Helper()
	ev := nextEvent(t, events(t, b.n.JS, m, messages.StatusDeadLettered))
	require.Equal(t, 1, ev.Attempt)
	require.Contains(t, ev.Error, cause.Error())
	_, err := b.st.Stat(t.Context(), staging.SealedKey(m.Artifact, 0))
	require.ErrorIs(t, err, staging.ErrNotFound)
}
