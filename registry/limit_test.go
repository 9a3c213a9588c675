package registry

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestRateLimitHolds proves the shared token bucket: N requests take at
// least (N − burst)/rate, however many are allowed in flight.
func TestRateLimitHolds(t *testing.T) {
	const (
		n     = 40
		burst = 5
		rps   = 200.0
	)
	f := newFakeRegistry(t)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("gem%d", i)
		f.versions(names[i], versionsJSON(t, fv{number: "1.0"}))
	}
	c := testClient(t, f, Options{Rate: rps, Burst: burst, Concurrency: 8})
	start := time.Now()
	for _, r := range c.Lookup(context.Background(), names) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	took := time.Since(start)
	floor := time.Duration(float64(n-burst) / rps * float64(time.Second))
	if took < floor {
		t.Errorf("%d requests took %v, less than the %v the rate allows", n, took, floor)
	}
	if got := f.total.Load(); got != n {
		t.Errorf("server saw %d requests, want %d", got, n)
	}
	t.Logf("%d requests at %v/s, burst %d: %v (floor %v)", n, rps, burst, took, floor)
}

// TestConcurrencyBound proves the server never sees more than the
// configured number of requests at once, even from several Lookups on one
// client, and that the bound is actually used.
func TestConcurrencyBound(t *testing.T) {
	const limit = 3
	f := newFakeRegistry(t)
	f.delay = 30 * time.Millisecond
	var names []string
	for i := range 24 {
		names = append(names, fmt.Sprintf("gem%d", i))
		f.versions(names[i], versionsJSON(t, fv{number: "1.0"}))
	}
	c := testClient(t, f, Options{Concurrency: limit})
	var wg sync.WaitGroup
	for _, part := range [][]string{names[:12], names[12:], names} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range c.Lookup(context.Background(), part) {
				if r.Err != nil {
					t.Error(r.Err)
				}
			}
		}()
	}
	wg.Wait()
	if m := f.maxInFlight.Load(); m != limit {
		t.Errorf("server saw at most %d requests at once, want exactly %d", m, limit)
	}
	if got := f.total.Load(); got != int64(len(names)) {
		t.Errorf("server saw %d requests, want %d (each gem once)", got, len(names))
	}
}
