package store

import (
	"fmt"
	"testing"
)

func TestKeyPrints(t *testing.T) {
	k := newKeyPrints()
	for i := range 100000 {
		k.add("agency", fmt.Sprint(i))
		k.add(fmt.Sprint(i), "agency") // the same strings under the other field
	}
	if k.maybeRepeated() {
		t.Fatal("200,000 distinct keys reported as maybe repeated")
	}
	k.add("agency", "99999")
	if !k.maybeRepeated() {
		t.Fatal("a repeated key was not noticed")
	}
}
