package registry

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// BenchmarkLookup500 looks 500 gems up against a local server that answers
// after 50 ms and enforces its own limit of 100 requests a second (burst 5,
// answering 429 beyond it, as RubyGems.org's edge does). With the client
// set to 100/s the floor is 5 s; the run must finish within 10 % of it
// without a single 429. Run it with
//
//	go test -run='^$' -bench=Lookup500 -benchtime=1x ./registry/
func BenchmarkLookup500(b *testing.B) {
	const (
		gems    = 500
		rps     = 100
		latency = 50 * time.Millisecond
	)
	body := versionsJSON(b, fv{number: "1.0.0", downloads: 1000, meta: map[string]any{"rubygems_mfa_required": "true"}})
	names := make([]string, gems)
	for i := range names {
		names[i] = fmt.Sprintf("gem-%03d", i)
	}
	floor := time.Duration(gems) * time.Second / rps
	for range b.N {
		serverLimit := rate.NewLimiter(rps, 5)
		var tooMany, served atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !serverLimit.Allow() {
				tooMany.Add(1)
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			timer := time.NewTimer(latency)
			defer timer.Stop()
			select {
			case <-timer.C:
			case <-r.Context().Done():
				return
			}
			served.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}))
		c, err := New(Options{BaseURL: srv.URL, Rate: rps})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res := c.Lookup(context.Background(), names)
		took := time.Since(start)
		for _, r := range res {
			if r.Err != nil {
				b.Fatalf("%s: %v", r.Name, r.Err)
			}
		}
		s := c.Stats()
		b.ReportMetric(took.Seconds(), "s/500gems")
		b.ReportMetric(float64(tooMany.Load()), "429s")
		b.ReportMetric(float64(s.Requests), "requests")
		if tooMany.Load() != 0 || s.RateLimited != 0 {
			b.Errorf("server answered 429 %d times", tooMany.Load())
		}
		if served.Load() != gems {
			b.Errorf("server served %d requests, want %d", served.Load(), gems)
		}
		if took > floor+floor/10 {
			b.Errorf("took %v, more than 10%% over the %v floor", took, floor)
		}
		srv.Close()
		b.Logf("500 gems in %v (floor %v, %+.1f%%), %d requests, %d 429s", took.Round(time.Millisecond), floor,
			100*(took.Seconds()-floor.Seconds())/floor.Seconds(), s.Requests, tooMany.Load())
	}
}
