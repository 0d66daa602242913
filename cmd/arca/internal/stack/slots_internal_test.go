package stack

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
)

// pipeline.io_slots above pipeline.slots gives the encryptor, the uploader
// and the verifier more jobs at once, the encryptor and the uploader
// within the bytes of pipeline.slots parts; by default every stage has
// pipeline.slots and no byte bound.
func TestIOSlotsAreTheIOStagesOwnWithinTheSlotsBytes(t *testing.T) {
	d := Deps{Cfg: config.Config{Pipeline: config.Pipeline{Slots: 4, PartSize: 16 << 20}}}
	for _, s := range []string{"exporter", "encryptor", "uploader", "verifier"} {
		require.Equal(t, 4, d.worker(s).Slots, s)
	}
	require.Zero(t, d.partBytes())

	d.Cfg.Pipeline.IOSlots = 16
	require.Equal(t, 4, d.worker("exporter").Slots)
	for _, s := range []string{"encryptor", "uploader", "verifier"} {
		require.Equal(t, 16, d.worker(s).Slots, s)
	}
	require.Equal(t, int64(4*(16<<20)*5/4), d.partBytes())
}
