package registry

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, value string
		want        time.Duration
	}{
		{"absent", "", 0},
		{"seconds", "7", 7 * time.Second},
		{"zero", "0", 0},
		{"negative", "-3", 0},
		{"http date", "Sun, 29 Nov 2026 12:00:30 GMT", 30 * time.Second},
		{"past date", "Sun, 29 Nov 2026 11:00:00 GMT", 0},
		{"junk", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			if got := retryAfter(h, now); got != tt.want {
				t.Errorf("retryAfter(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	f := newFakeRegistry(t)
	f.versions("g", versionsJSON(t, fv{number: "1.0"}))
	f.setHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	start := time.Now()
	if _, err := testClient(t, f, Options{}).Gem(context.Background(), "g"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("retried after %v, want at least the 1s of Retry-After", took)
	}
}

func TestRetryAfterTooLongFails(t *testing.T) {
	f := newFakeRegistry(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	})
	_, err := testClient(t, f, Options{}).Gem(context.Background(), "g")
	if err == nil || !strings.Contains(err.Error(), "retry after 1h0m0s") {
		t.Errorf("err = %v, want it to name the hour the server asked for", err)
	}
	if n := f.total.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestBackoffBounds(t *testing.T) {
	cl, err := New(Options{Backoff: 100 * time.Millisecond, MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c := cl.src.(*httpSource)
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{4, 500 * time.Millisecond, time.Second}, // capped
		{40, 500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := c.backoff(tt.attempt)
			if d < tt.min || d > tt.max {
				t.Errorf("backoff(%d) = %v, want within [%v, %v]", tt.attempt, d, tt.min, tt.max)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d) has no jitter", tt.attempt)
		}
	}
}

func TestSlowDownAndRecover(t *testing.T) {
	cl, err := New(Options{Rate: 10})
	if err != nil {
		t.Fatal(err)
	}
	c := cl.src.(*httpSource)
	c.slowDown()
	if r := cl.Stats().Rate; r != 5 {
		t.Fatalf("rate after a 429 = %v, want 5", r)
	}
	c.slowDown() // within the same second: one wave of 429s halves once
	if r := cl.Stats().Rate; r != 5 {
		t.Errorf("rate after a second 429 in the same second = %v, want 5", r)
	}
	c.speedUp() // too soon
	if r := cl.Stats().Rate; r != 5 {
		t.Errorf("rate recovered at once: %v", r)
	}
	for want := 6.0; want <= 10; want++ {
		c.rateChanged = c.rateChanged.Add(-time.Second)
		c.speedUp()
		if r := cl.Stats().Rate; r < want-1e-9 || r > want+1e-9 {
			t.Errorf("rate = %v, want %v", r, want)
		}
	}
	c.rateChanged = c.rateChanged.Add(-time.Second)
	c.speedUp()
	if r := cl.Stats().Rate; r != 10 {
		t.Errorf("rate went past the configured 10: %v", r)
	}
	for range 10 {
		c.rateChanged = c.rateChanged.Add(-time.Second)
		c.slowDown()
	}
	if r := cl.Stats().Rate; r != 0.5 {
		t.Errorf("rate after many 429s = %v, want the 0.5 floor", r)
	}
}

func TestBodyTooLarge(t *testing.T) {
	f := newFakeRegistry(t)
	f.versions("big", versionsJSON(t, fv{number: "1.0"}, fv{number: "0.9"}))
	_, err := testClient(t, f, Options{MaxBodyBytes: 64}).Gem(context.Background(), "big")
	if err == nil || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("err = %v, want a too-large error", err)
	}
	if n := f.total.Load(); n != 1 {
		t.Errorf("%d requests, want 1 (not retried)", n)
	}
}

func TestFileBaseExactDownloads(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string, data []byte) {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("api/v1/versions/big.json", versionsJSON(t, fv{number: "1.0", downloads: 150_000_000}))
	write("api/v1/gems/big.json", gemInfoJSON(t, "big", 180_000_001))
	write("api/v1/versions/half.json", versionsJSON(t, fv{number: "1.0", downloads: 150_000_000}))
	c, err := New(Options{BaseURL: "file://" + filepath.ToSlash(dir)})
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.Gem(context.Background(), "big")
	if err != nil {
		t.Fatal(err)
	}
	if !g.Popular() || !g.DownloadsExact {
		t.Errorf("big: Popular %v exact %v", g.Popular(), g.DownloadsExact)
	}
	// Without the gem document the policy cannot be settled: say so rather
	// than guess.
	if _, err := c.Gem(context.Background(), "half"); !errors.Is(err, ErrNoTotal) || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "total downloads") {
		t.Errorf("half: err = %v", err)
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	f := newFakeRegistry(t)
	c := testClient(t, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range c.Lookup(ctx, []string{"a", "b", "a"}) {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: %v", r.Name, r.Err)
		}
	}
	if n := f.total.Load(); n != 0 {
		t.Errorf("%d requests after cancellation", n)
	}
}
