package api

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// clientKey is the limiter's key for a client address: the address, or its /64 for IPv6
// (one host's share of addresses).
func clientKey(ip string) string {
	a := net.ParseIP(ip)
	switch {
	case a == nil:
		return ip
	case a.To4() != nil:
		return a.To4().String()
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// buckets keeps one token bucket per key with bounded memory: a bucket that has refilled
// is the same as a new one, so those are dropped (swept at most once a minute, or once a
// second while full), and beyond max buckets new keys share one overflow bucket.
type buckets[K comparable] struct {
	mu       sync.Mutex
	rps      rate.Limit
	burst    int
	max      int
	m        map[K]*rate.Limiter
	overflow *rate.Limiter
	swept    time.Time
	now      func() time.Time
}

// newBuckets makes buckets of rps tokens a second and burst; 0 means 50 and 100.
func newBuckets[K comparable](rps rate.Limit, burst int) *buckets[K] {
	if rps <= 0 {
		rps = 50
	}
	if burst <= 0 {
		burst = 100
	}
	return &buckets[K]{rps: rps, burst: burst, max: maxBuckets, m: map[K]*rate.Limiter{},
		overflow: rate.NewLimiter(rps, burst), now: time.Now}
}

func (b *buckets[K]) get(k K, now time.Time) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if lim := b.m[k]; lim != nil {
		return lim
	}
	if now.Sub(b.swept) >= sweepEvery || (len(b.m) >= b.max && now.Sub(b.swept) >= time.Second) {
		b.swept = now
		for k, lim := range b.m {
			if lim.TokensAt(now) >= float64(b.burst) {
				delete(b.m, k)
			}
		}
	}
	if len(b.m) >= b.max {
		return b.overflow
	}
	lim := rate.NewLimiter(b.rps, b.burst)
	b.m[k] = lim
	return lim
}

// take takes a token for k, or says how long until one is free.
func (b *buckets[K]) take(k K) (time.Duration, bool) {
	now := b.now()
	r := b.get(k, now).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// wait says how long until k's bucket holds a token (0: it does), taking none.
func (b *buckets[K]) wait(k K) time.Duration {
	now := b.now()
	b.mu.Lock()
	lim := b.m[k]
	if lim == nil && len(b.m) >= b.max {
		lim = b.overflow
	}
	b.mu.Unlock()
	if lim == nil {
		return 0
	}
	if tokens := lim.TokensAt(now); tokens < 1 {
		return time.Duration((1 - tokens) / float64(b.rps) * float64(time.Second))
	}
	return 0
}
