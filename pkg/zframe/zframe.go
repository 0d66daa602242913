// Package zframe writes zstd frames as Arca's sealed format wants them
// (docs/format.md §1.4). It holds no key: the exporter compresses parts with
// it and pkg/seal seals the frames, so the exporter never imports pkg/seal.
package zframe

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// Magic starts every zstd frame (RFC 8878 §3.1.1).
const Magic = "\x28\xb5\x2f\xfd"

// MaxWindow is the window a writer asks for: on CSV, 2 MiB compresses as
// well as 8 MiB and the encoder holds 5 MiB instead of 17 MiB.
const MaxWindow = 2 << 20

// NewEncoder returns a zstd encoder that writes one frame per Reset–Close,
// with a content checksum and a 2 MiB window, and a frame even for empty
// input. extra options come last (a smaller window, less memory).
func NewEncoder(level zstd.EncoderLevel, extra ...zstd.EOption) (*zstd.Encoder, error) {
	opts := []zstd.EOption{
		zstd.WithEncoderLevel(level),
		zstd.WithEncoderConcurrency(1),
		zstd.WithZeroFrames(true),
		zstd.WithEncoderCRC(true),
		zstd.WithWindowSize(MaxWindow),
	}
	return zstd.NewWriter(nil, append(opts, extra...)...)
}

// Level maps a zstd command-line level (1–22) to the nearest level the
// encoder implements: 1–2 fastest, 3–5 default, 6–9 better, 10+ best.
func Level(level int) (zstd.EncoderLevel, error) {
	if level < 1 || level > 22 {
		return 0, fmt.Errorf("zstd level %d is not between 1 and 22", level)
	}
	return zstd.EncoderLevelFromZstd(level), nil
}
