package keyring

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/bits"
)

// scryptTableBudget is the most memory a key derivation's table may take
// (#17.3: at 64 MiB for N=65536, r=8 it was the peak of a restore).
const scryptTableBudget = 32 << 20

// scryptKey derives the same key as scrypt (RFC 7914) for the given
// parameters, with its table (128·r·N bytes) held within tableBudget: when it
// does not fit, only every k-th entry is kept (k the smallest power of two
// that fits) and the others are recomputed from the one kept before them
// when the second loop reads them. That is scrypt's own time–memory
// trade-off, open to an attacker as much as to us: the parameters, and so
// the cost of guessing a passphrase, are those of the file. The price is
// time: 1 + (k−1)/4 times the work (1.25 × at k = 2).
func scryptKey(password, salt []byte, n, r, p, keyLen, tableBudget int) ([]byte, error) {
	if n <= 1 || n&(n-1) != 0 {
		return nil, errors.New("scrypt: N must be a power of two greater than 1")
	}
	// Far above what a keyring file may ask (Load refuses N > 2^22, r > 32,
	// p > 16); integerify reads one 32-bit word, enough for N ≤ 2^30.
	if n > 1<<30 || r <= 0 || r > 1<<10 || p <= 0 || p > 1<<10 {
		return nil, errors.New("scrypt: parameters out of range")
	}
	every := 1
	for every < n && (n/every)*128*r > tableBudget {
		every *= 2
	}
	b, err := pbkdf2.Key(sha256.New, string(password), salt, 1, p*128*r)
	if err != nil {
		return nil, err
	}
	words := 32 * r
	x := make([]uint32, words)
	table := make([]uint32, (n/every)*words)
	scratch := make([]uint32, 3*words)
	for i := range p {
		block := b[i*128*r : (i+1)*128*r]
		for w := range x {
			x[w] = binary.LittleEndian.Uint32(block[4*w:])
		}
		roMix(x, table, scratch, n, r, every)
		for w, v := range x {
			binary.LittleEndian.PutUint32(block[4*w:], v)
		}
	}
	clear(table)
	clear(x)
	clear(scratch)
	defer clear(b)
	return pbkdf2.Key(sha256.New, string(password), b, 1, keyLen)
}

// roMix is scrypt's ROMix on x (32·r words) in place, keeping the table's
// entries i with i mod every = 0 only.
func roMix(x, table, scratch []uint32, n, r, every int) {
	words := 32 * r
	y, t, u := scratch[:words], scratch[words:2*words], scratch[2*words:]
	for i := range n {
		if i%every == 0 {
			copy(table[(i/every)*words:], x)
		}
		blockMix(x, y, r)
		x, y = y, x
	}
	last := (2*r - 1) * 16
	for range n {
		j := int(x[last]) & (n - 1)
		kept := table[(j/every)*words : (j/every+1)*words]
		v := kept
		if j%every != 0 {
			copy(t, kept)
			for range j % every {
				blockMix(t, u, r)
				t, u = u, t
			}
			v = t
		}
		for w := range x {
			x[w] ^= v[w]
		}
		blockMix(x, y, r)
		x, y = y, x
	}
	// After 2·n swaps, x is the caller's slice again: it holds the result.
}

// blockMix is scrypt's BlockMix with Salsa20/8: in and out are 2·r blocks
// of 16 words.
func blockMix(in, out []uint32, r int) {
	var b [16]uint32
	copy(b[:], in[(2*r-1)*16:])
	for i := range 2 * r {
		o := (i / 2) * 16
		if i%2 == 1 {
			o += r * 16
		}
		salsaXOR(&b, in[i*16:i*16+16], out[o:o+16])
	}
}

// salsaXOR sets b to the Salsa20/8 core (RFC 7914 §3) of b xor in, and
// copies it to out.
func salsaXOR(b *[16]uint32, in, out []uint32) {
	_, _ = in[15], out[15]
	w0, w1, w2, w3 := b[0]^in[0], b[1]^in[1], b[2]^in[2], b[3]^in[3]
	w4, w5, w6, w7 := b[4]^in[4], b[5]^in[5], b[6]^in[6], b[7]^in[7]
	w8, w9, w10, w11 := b[8]^in[8], b[9]^in[9], b[10]^in[10], b[11]^in[11]
	w12, w13, w14, w15 := b[12]^in[12], b[13]^in[13], b[14]^in[14], b[15]^in[15]
	x0, x1, x2, x3, x4, x5, x6, x7 := w0, w1, w2, w3, w4, w5, w6, w7
	x8, x9, x10, x11, x12, x13, x14, x15 := w8, w9, w10, w11, w12, w13, w14, w15
	for range 4 {
		// Columns.
		x0, x4, x8, x12 = quarter(x0, x4, x8, x12)
		x5, x9, x13, x1 = quarter(x5, x9, x13, x1)
		x10, x14, x2, x6 = quarter(x10, x14, x2, x6)
		x15, x3, x7, x11 = quarter(x15, x3, x7, x11)
		// Rows.
		x0, x1, x2, x3 = quarter(x0, x1, x2, x3)
		x5, x6, x7, x4 = quarter(x5, x6, x7, x4)
		x10, x11, x8, x9 = quarter(x10, x11, x8, x9)
		x15, x12, x13, x14 = quarter(x15, x12, x13, x14)
	}
	w0, w1, w2, w3 = w0+x0, w1+x1, w2+x2, w3+x3
	w4, w5, w6, w7 = w4+x4, w5+x5, w6+x6, w7+x7
	w8, w9, w10, w11 = w8+x8, w9+x9, w10+x10, w11+x11
	w12, w13, w14, w15 = w12+x12, w13+x13, w14+x14, w15+x15
	*b = [16]uint32{w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15}
	copy(out, b[:])
}

func quarter(a, b, c, d uint32) (uint32, uint32, uint32, uint32) {
	b ^= bits.RotateLeft32(a+d, 7)
	c ^= bits.RotateLeft32(b+a, 9)
	d ^= bits.RotateLeft32(c+b, 13)
	a ^= bits.RotateLeft32(d+c, 18)
	return a, b, c, d
}
