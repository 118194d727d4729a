package store

import (
	"hash/maphash"
	"slices"
)

// keyPrints remembers a 64-bit fingerprint of every (source, external_id) a batch stages,
// so Commit knows whether the file can repeat a key: when no two fingerprints are equal it
// repeats none, and the insert need not sort the file by key to keep first occurrences.
// Equal fingerprints only say "maybe" (a hash collision), which costs that sort and
// nothing else. The prints live in 256 slices by their top byte, so no single slice
// has to grow to the whole file: 8 bytes a row, 80 MB for ten million rows.
type keyPrints struct {
	seed    maphash.Seed
	buckets [256][]uint64
}

func newKeyPrints() *keyPrints { return &keyPrints{seed: maphash.MakeSeed()} }

func (k *keyPrints) add(source, externalID string) {
	var h maphash.Hash
	h.SetSeed(k.seed)
	h.WriteString(source)
	h.WriteByte(0)
	h.WriteString(externalID)
	v := h.Sum64()
	k.buckets[v>>56] = append(k.buckets[v>>56], v)
}

// maybeRepeated reports whether two of the keys added may be equal.
func (k *keyPrints) maybeRepeated() bool {
	for _, b := range k.buckets {
		slices.Sort(b)
		for i := 1; i < len(b); i++ {
			if b[i] == b[i-1] {
				return true
			}
		}
	}
	return false
}
