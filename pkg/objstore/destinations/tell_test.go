package destinations_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/destinations"
)

func TestTryTellingSaysWhyEachDestinationCouldNotAndWhichDid(t *testing.T) {
	set := destinations.Set{{Name: "primary"}, {Name: "dr"}}
	var w strings.Builder
	used, err := set.TryTelling(t.Context(), &w, "restore tenant", func(_ context.Context, d destinations.Destination) error {
		if d.Name == "primary" {
			return errors.New("bucket down\nretried")
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, "dr", used)
	require.Equal(t, "restore tenant: destination primary could not serve it: bucket down; retried\n"+
		"restore tenant: from destination dr\n", w.String())
}

func TestTryTellingSaysNothingWithOneDestination(t *testing.T) {
	var w strings.Builder
	_, err := destinations.Set{{Name: "primary"}}.TryTelling(t.Context(), &w, "restore full",
		func(context.Context, destinations.Destination) error { return errors.New("down") })
	require.EqualError(t, err, "down")
	require.Empty(t, w.String())
}

func TestTellServedSaysSoOnlyWhenTheFirstDidNotServe(t *testing.T) {
	var w strings.Builder
	served := destinations.TellServed(&w)
	served("k1", "primary", nil)
	served("k2", "dr", []error{errors.New("primary: not found")})
	require.Equal(t, "read k2 from destination dr (primary: not found)\n", w.String())
}
