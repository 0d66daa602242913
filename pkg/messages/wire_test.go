package messages_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

// The part messages share their identifying fields through one embedded
// struct; what goes on the wire must stay byte for byte what the services
// already exchange (field names, order, omitempty), and decode back.
func TestPartMessagesWireFormat(t *testing.T) {
	t.Parallel()
	id := messages.ArtifactPart{Artifact: "b1.a1", Tenant: "acme", Kind: messages.KindTenant, BackupID: "b1", Part: 2, Last: true}
	cases := []struct {
		msg  messages.Message
		want string
	}{
		{
			messages.PartReady{V: 1, ArtifactPart: id, Size: 10, SHA256: hash, StagingKey: "b1/2.plain"},
			`{"v":1,"artifact":"b1.a1","tenant":"acme","kind":"tenant","backup_id":"b1","part":2,"last":true,"size":10,"sha256":"` + hash + `","staging_key":"b1/2.plain"}`,
		},
		{
			messages.PartReady{V: 2, ArtifactPart: id, Size: 10, SHA256: hash, StagingKey: "b1/2.zst", Encoding: messages.EncodingZstd, PlainSize: 100},
			`{"v":2,"artifact":"b1.a1","tenant":"acme","kind":"tenant","backup_id":"b1","part":2,"last":true,"size":10,"sha256":"` + hash + `","staging_key":"b1/2.zst","encoding":"zstd","plain_size":100}`,
		},
		{
			messages.PartSealed{V: 1, ArtifactPart: id, PlainSize: 100, Size: 5, SHA256: hash, KeyID: "k1", StagingKey: "b1/2.sealed"},
			`{"v":1,"artifact":"b1.a1","tenant":"acme","kind":"tenant","backup_id":"b1","part":2,"last":true,"plain_size":100,"size":5,"sha256":"` + hash + `","key_id":"k1","staging_key":"b1/2.sealed"}`,
		},
		{ // a full backup leaves the tenant out
			messages.PartSealed{V: 1, ArtifactPart: messages.ArtifactPart{Artifact: "f1.a1", Kind: messages.KindFull, BackupID: "f1"}, Size: 5, SHA256: hash, KeyID: "k1", StagingKey: "f1/0.sealed"},
			`{"v":1,"artifact":"f1.a1","kind":"full","backup_id":"f1","part":0,"last":false,"plain_size":0,"size":5,"sha256":"` + hash + `","key_id":"k1","staging_key":"f1/0.sealed"}`,
		},
	}
	for _, c := range cases {
		data, err := messages.Encode(c.msg)
		require.NoError(t, err, "%T", c.msg)
		require.JSONEq(t, c.want, string(data), "%T", c.msg)
		require.Equal(t, c.want, string(data), "%T: same fields in the same order", c.msg)
		got, err := decodeAs(c.msg, []byte(c.want))
		require.NoError(t, err, "%T", c.msg)
		require.Equal(t, c.msg, got)
	}
	require.Equal(t, messages.Ref{Tenant: "acme", BackupID: "b1", Kind: messages.KindTenant}, cases[2].msg.Ref())
}
