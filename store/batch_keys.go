package store

import (
	"hash/maphash"
	"slices"
)

// keyPrints remembers a 64-bit fingerprint of every (source, external_id) a batch stages,
// so Commit knows whether the file can repeat a key: when no two fingerprints are equal it
// repeats none, and the insert need not sort the file by key to keep first occurrences.
// Equal fingerprints only say "maybe" (a hash collision), which costs that sort and
// nothing else. The prints are kept in 256 buckets by their top byte, each a list of
// fixed-size blocks, so memory is 8 bytes a row (80 MB for ten million rows) with no
// slice ever doubling, and only one bucket is gathered for sorting at a time.
type keyPrints struct {
	seed    maphash.Seed
	buckets [256][][]uint64
}

// keyBlock is how many prints one block holds.
const keyBlock = 4096

func newKeyPrints() *keyPrints { return &keyPrints{seed: maphash.MakeSeed()} }

func (k *keyPrints) add(source, externalID string) {
	var h maphash.Hash
	h.SetSeed(k.seed)
	h.WriteString(source)
	h.WriteByte(0)
	h.WriteString(externalID)
	v := h.Sum64()
	b := &k.buckets[v>>56]
	if n := len(*b); n == 0 || len((*b)[n-1]) == keyBlock {
		*b = append(*b, make([]uint64, 0, keyBlock))
	}
	last := &(*b)[len(*b)-1]
	*last = append(*last, v)
}

// maybeRepeated reports whether two of the keys added may be equal.
func (k *keyPrints) maybeRepeated() bool {
	var all []uint64
	for _, blocks := range k.buckets {
		all = all[:0]
		for _, b := range blocks {
			all = append(all, b...)
		}
		slices.Sort(all)
		for i := 1; i < len(all); i++ {
			if all[i] == all[i-1] {
				return true
			}
		}
	}
	return false
}
