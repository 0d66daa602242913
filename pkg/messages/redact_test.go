package messages_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

func TestRedactURLHidesPasswordsAndTokens(t *testing.T) {
	for in, want := range map[string]string{
		"nats://exporter:s3cret@nats-1:4222":                          "nats://exporter:xxxxx@nats-1:4222",
		"nats://u:s3cret@n1:4222,nats://u:s3cret@n2:4222":             "nats://u:xxxxx@n1:4222,nats://u:xxxxx@n2:4222",
		"nats://s3cret@n1:4222":                                       "nats://xxxxx@n1:4222",
		"nats://127.0.0.1:4222":                                       "nats://127.0.0.1:4222",
		"postgres://arca:s3cret@db:5432/app?sslmode=disable":          "postgres://arca:xxxxx@db:5432/app?sslmode=disable",
		"postgres://arca@db/app":                                      "postgres://arca@db/app",
		"host=db user=arca password=s3cret dbname=app":                "host=db user=arca password=xxxxx dbname=app",
		"host=db password='s3 cret' dbname=app":                       "host=db password=xxxxx dbname=app",
		"postgres://db/app?user=arca&password=s3cret&sslmode=disable": "postgres://db/app?user=arca&password=xxxxx&sslmode=disable",
		"http://key:s3cret@versitygw:7070":                            "http://key:xxxxx@versitygw:7070",
	} {
		got := messages.RedactURL(in)
		require.Equal(t, want, got, in)
		require.NotContains(t, got, "s3cret")
	}
}

// url.Parse quotes the whole URL in its error; a password with a raw / or
// @ makes it fail. The message is still redacted.
func TestRedactSecretsCoversErrorsThatQuoteAURL(t *testing.T) {
	_, err := url.Parse("nats://u:pa/ss@w@n1:42x2") //nolint:staticcheck // SA1007: the invalid URL is the point
	require.Error(t, err)
	require.Contains(t, err.Error(), "pa/ss@w")
	got := messages.RedactSecrets("connect nats: " + err.Error())
	require.NotContains(t, got, "pa/ss")
	require.NotContains(t, got, "ss@w")
	require.Contains(t, got, "nats://u:xxxxx@")

	got = messages.RedactSecrets(`failed to connect to ` + "`user=arca database=app password=s3cret`" + `: dial error`)
	require.NotContains(t, got, "s3cret")
}

func TestRedactAttrScrubsLogLines(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: messages.RedactAttr}))
	log.Error("connect nats://u:s3cret@h:4222 failed", "err", errors.New(`parse "postgres://a:s3cret@db/x": bad`),
		"url", "nats://tok3n@h:4222")
	require.NotContains(t, buf.String(), "s3cret")
	require.NotContains(t, buf.String(), "tok3n")
	require.Contains(t, buf.String(), "xxxxx")
}
