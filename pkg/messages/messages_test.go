package messages_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

const hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func validMessages() []messages.Message {
	now := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	part := 3
	return []messages.Message{
		messages.ExportRequested{V: 1, Run: "r1", Tenant: "t.1 *", Kind: messages.KindTenant, BackupID: "b1", RequestedAt: now},
		messages.PartReady{V: 1, ArtifactPart: messages.ArtifactPart{Artifact: "b1.a1", Kind: messages.KindTenant, BackupID: "b1", Part: 0}, Size: 10, SHA256: hash, StagingKey: "b1/0.plain"},
		messages.PartReady{V: 2, ArtifactPart: messages.ArtifactPart{Artifact: "b1.a1", Kind: messages.KindTenant, BackupID: "b1", Part: 0}, Size: 10, SHA256: hash, StagingKey: "b1/0.plain",
			Encoding: messages.EncodingZstd, PlainSize: 100},
		messages.PartSealed{V: 1, ArtifactPart: messages.ArtifactPart{Artifact: "b1.a1", Kind: messages.KindFull, BackupID: "b1", Part: 2, Last: true}, Size: 5, SHA256: hash, KeyID: "k1", StagingKey: "b1/2.sealed"},
		messages.VerifyRequested{V: 1, Kind: messages.KindTenant, BackupID: "b1", ManifestKey: "m"},
		messages.Event{V: 1, Stage: "export", Status: messages.StatusFailed, Part: &part, Duration: messages.Duration(1500 * time.Millisecond), Time: now},
		messages.DeadLetter{V: 1, Stage: "export", Subject: "jobs.export.x", Reason: "boom", Payload: []byte("{"), Time: now},
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, m := range validMessages() {
		data, err := messages.Encode(m)
		require.NoError(t, err, "%T", m)
		got, err := decodeAs(m, data)
		require.NoError(t, err, "%T", m)
		require.Equal(t, m, got)
	}
}

func decodeAs(like messages.Message, data []byte) (messages.Message, error) {
	switch like.(type) {
	case messages.ExportRequested:
		return messages.Decode[messages.ExportRequested](data)
	case messages.PartReady:
		return messages.Decode[messages.PartReady](data)
	case messages.PartSealed:
		return messages.Decode[messages.PartSealed](data)
	case messages.VerifyRequested:
		return messages.Decode[messages.VerifyRequested](data)
	case messages.Event:
		return messages.Decode[messages.Event](data)
	case messages.DeadLetter:
		return messages.Decode[messages.DeadLetter](data)
	}
	panic("unknown type")
}

func TestValidateNamesEveryBadField(t *testing.T) {
	t.Parallel()
	err := messages.PartReady{V: 1, ArtifactPart: messages.ArtifactPart{Kind: "zip", Part: -1}, SHA256: "abc"}.Validate()
	require.Error(t, err)
	for _, field := range []string{"kind", "backup_id", "artifact", "part", "sha256", "staging_key"} {
		require.Contains(t, err.Error(), "field "+field)
	}
}

func TestDecodeRefusesUnknownVersionAndGarbage(t *testing.T) {
	t.Parallel()
	_, err := messages.Decode[messages.VerifyRequested]([]byte(`{"v":2,"kind":"tenant","backup_id":"b","manifest_key":"m"}`))
	require.ErrorIs(t, err, messages.ErrUnsupportedVersion)
	_, err = messages.Decode[messages.VerifyRequested]([]byte(`{"kind":"tenant"}`))
	require.ErrorContains(t, err, "field v")
	_, err = messages.Decode[messages.VerifyRequested]([]byte(`not json`))
	require.Error(t, err)
	_, err = messages.Decode[messages.VerifyRequested]([]byte(`{"v":1,"kind":"tenant"}`))
	require.ErrorContains(t, err, "field backup_id")
}

func TestTokenIsASafeSubjectToken(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"a.b", "x y", "*", ">", "x'; DROP TABLE users; --", "ção🙂", ""} {
		tok := messages.Token(id)
		require.NotEmpty(t, tok)
		require.False(t, strings.ContainsAny(tok, ".*> \t"), "token %q of %q", tok, id)
		require.Equal(t, tok, messages.Token(id))
	}
	require.NotEqual(t, messages.Token("tenant_a"), messages.Token("tenant_a_1"))
	require.Len(t, strings.Split(messages.ExportSubject("a.b.c"), "."), 3)
}

func TestBackupIDIsDeterministicPerRunAndTenant(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	a := messages.BackupID(messages.KindTenant, "run1", "t1", at)
	require.Equal(t, a, messages.BackupID(messages.KindTenant, "run1", "t1", at))
	require.NotEqual(t, a, messages.BackupID(messages.KindTenant, "run1", "t2", at))
	require.NotEqual(t, a, messages.BackupID(messages.KindTenant, "run2", "t1", at))
	require.True(t, strings.HasPrefix(a, "20261128T040000Z-"))
}

func TestHeaderCarrierWritesLowerCase(t *testing.T) {
	t.Parallel()
	h := nats.Header{}
	c := messages.HeaderCarrier(h)
	c.Set("Traceparent", "00-abc-def-01")
	require.Equal(t, []string{"00-abc-def-01"}, h["traceparent"])
	require.Equal(t, "00-abc-def-01", c.Get("traceparent"))
	h2 := nats.Header{"TraceParent": {"v"}}
	require.Equal(t, "v", messages.HeaderCarrier(h2).Get("traceparent"))
	require.ElementsMatch(t, []string{"traceparent"}, c.Keys())
}

func FuzzDecode(f *testing.F) {
	for _, m := range validMessages() {
		data, _ := messages.Encode(m)
		f.Add(data)
	}
	f.Add([]byte(`{"v":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Every decoder must refuse or accept without panicking, and an
		// accepted message must be valid and re-encode.
		if m, err := messages.Decode[messages.PartSealed](data); err == nil {
			_, err := messages.Encode(m)
			require.NoError(t, err)
		}
		if m, err := messages.Decode[messages.ExportRequested](data); err == nil {
			_, err := messages.Encode(m)
			require.NoError(t, err)
		}
		if m, err := messages.Decode[messages.Event](data); err == nil {
			_, err := messages.Encode(m)
			require.NoError(t, err)
		}
		_ = messages.PeekRef(data)
	})
}

// A compressed part needs PartReady version 2, which a version-1 reader
// refuses (rather than take the frame for plaintext); other messages stay
// at version 1.
func TestPartReadyVersion2CarriesTheEncoding(t *testing.T) {
	t.Parallel()
	hash := strings.Repeat("a", 64)
	m := messages.PartReady{V: 1, ArtifactPart: messages.ArtifactPart{Artifact: "b1.a1", Kind: messages.KindTenant, BackupID: "b1"}, Size: 10, SHA256: hash,
		StagingKey: "b1/0.plain", Encoding: messages.EncodingZstd, PlainSize: 100}
	require.ErrorContains(t, m.Validate(), "field encoding: needs version 2")
	m.V, m.Encoding = 2, "gzip"
	require.ErrorContains(t, m.Validate(), "field encoding")
	_, err := messages.Decode[messages.PartReady]([]byte(`{"v":3,"kind":"tenant","backup_id":"b","artifact":"a","sha256":"` + hash + `","staging_key":"k"}`))
	require.ErrorIs(t, err, messages.ErrUnsupportedVersion)
	_, err = messages.Decode[messages.VerifyRequested]([]byte(`{"v":2,"kind":"tenant","backup_id":"b","manifest_key":"m"}`))
	require.ErrorIs(t, err, messages.ErrUnsupportedVersion)
}
