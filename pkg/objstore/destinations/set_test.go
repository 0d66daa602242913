package destinations_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/destinations"
)

// Without keeps the others in order; a name the set lacks changes nothing.
func TestSetWithoutKeepsTheOthersInOrder(t *testing.T) {
	t.Parallel()
	set := destinations.Set{{Name: "primary"}, {Name: "dr"}, {Name: "local"}}
	require.Equal(t, []string{"primary", "local"}, set.Without("dr").Names())
	require.Equal(t, []string{"dr", "local"}, set.Without("primary").Names())
	require.Equal(t, set.Names(), set.Without("nowhere").Names())
	require.Empty(t, destinations.Set{{Name: "primary"}}.Without("primary"))
}
