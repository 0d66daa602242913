package cli

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

// The one line arca prints for a failure never carries a password, whatever
// library quoted the URL: url.Parse quotes it whole, pgx quotes a DSN.
func TestOneLineRedactsEveryQuotedURL(t *testing.T) {
	_, perr := url.Parse("postgres://arca:s3cret@db:54x2/app") //nolint:staticcheck // SA1007: the invalid URL is the point
	_, gerr := pgx.ParseConfig("postgres://arca:s3cret@db:54x2/app")
	_, kverr := pgx.ParseConfig("host=db user=arca password=s3cret port=notaport")
	for _, err := range []error{
		fmt.Errorf("catalog: %w", perr),
		fmt.Errorf("source: url: %w", gerr),
		fmt.Errorf("source: url: %w", kverr),
		fmt.Errorf("connect nats nats://u:s3cret@n1:4222,nats://u:s3cret@n2:4222: %w", perr),
	} {
		line := messages.OneLine(err)
		require.NotContains(t, line, "s3cret", err.Error())
	}
}
