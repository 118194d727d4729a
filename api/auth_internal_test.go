package api

import (
	"testing"
	"time"
)

// TestBucketsBounded checks the limiters' memory bound: refilled buckets are swept (at most
// once a minute, or once a second when full), a drained one is kept until it refills, and
// beyond max buckets new keys share the overflow bucket.
func TestBucketsBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBuckets[string](10, 20)
	b.now = func() time.Time { return now }
	b.max = 3
	b.swept = now
	for _, k := range []string{"a", "b", "c"} {
		if _, ok := b.take(k); !ok {
			t.Fatalf("first request of %s refused", k)
		}
	}
	for i := 0; i < 19; i++ { // "a" spends its burst of 20
		b.take("a")
	}
	if _, ok := b.take("a"); ok {
		t.Fatal("a: the 21st request within the burst was allowed")
	}
	if d := b.wait("a"); d != 100*time.Millisecond {
		t.Errorf("a: wait %v with its burst spent at 10/s, want 100ms", d)
	}
	// Full: a fourth key shares the overflow bucket until a sweep frees room.
	if b.get("d", now) != b.overflow {
		t.Error("d: got its own bucket beyond max, want the overflow bucket")
	}
	if d := b.wait("e"); d != 0 {
		t.Errorf("e: wait on the full overflow bucket %v, want 0", d)
	}
	// 1.5 s later b and c have refilled (they spent one token), a (15 of 20) has not.
	now = now.Add(1500 * time.Millisecond)
	if b.get("d", now) == b.overflow {
		t.Error("d: still the overflow bucket after refilled buckets could be swept")
	}
	if len(b.m) != 2 || b.m["a"] == nil || b.m["d"] == nil {
		t.Errorf("after the sweep: buckets %v, want a (still draining) and d", keys(b.m))
	}
	// No sweep within the minute while there is room; after it, a (refilled) goes too.
	now = now.Add(30 * time.Second)
	b.get("e", now)
	if len(b.m) != 3 {
		t.Errorf("within the minute: %d buckets, want 3 (no sweep)", len(b.m))
	}
	now = now.Add(time.Minute)
	b.get("f", now)
	if len(b.m) != 1 || b.m["f"] == nil {
		t.Errorf("a minute later: buckets %v, want only f", keys(b.m))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestClientKey(t *testing.T) {
	for _, c := range []struct{ ip, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2::5", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"", ""},
	} {
		if got := clientKey(c.ip); got != c.want {
			t.Errorf("clientKey(%q): got %q, want %q", c.ip, got, c.want)
		}
	}
}

func TestKeyPrefixOf(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"rwk_0123abcd_c2VjcmV0", "rwk_0123abcd"},
		{"rwk_0123ABCD_c2VjcmV0", ""},
		{"rwk_0123abcz_c2VjcmV0", ""},
		{"rwk_0123abcd_", ""},
		{"rwk_0123abcd", ""},
		{"Basic dXNlcjpwYXNz", ""},
		{"", ""},
	} {
		if got := keyPrefixOf(c.in); got != c.want {
			t.Errorf("keyPrefixOf(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}
