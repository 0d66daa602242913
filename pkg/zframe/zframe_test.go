package zframe

import (
	"bytes"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func TestEncoderWritesOneCheckedFrameEvenForEmptyInput(t *testing.T) {
	lvl, err := Level(3)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := NewEncoder(lvl)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range [][]byte{nil, bytes.Repeat([]byte("care note;"), 10000)} {
		var buf bytes.Buffer
		enc.Reset(&buf)
		if _, err := enc.Write(in); err != nil {
			t.Fatal(err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte(Magic)) {
			t.Fatalf("frame does not start with the zstd magic: % x", buf.Bytes()[:4])
		}
		var h zstd.Header
		if err := h.Decode(buf.Bytes()); err != nil {
			t.Fatal(err)
		}
		if !h.HasCheckSum {
			t.Fatal("frame without a content checksum")
		}
		dec, err := zstd.NewReader(nil)
		if err != nil {
			t.Fatal(err)
		}
		out, err := dec.DecodeAll(buf.Bytes(), nil)
		dec.Close()
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("round trip: %v", err)
		}
	}
}

func TestLevelRefusesOutOfRange(t *testing.T) {
	for _, l := range []int{0, 23, -1} {
		if _, err := Level(l); err == nil {
			t.Fatalf("level %d accepted", l)
		}
	}
}
