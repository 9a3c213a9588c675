package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/report"
)

// writeFleet writes n lockfiles made from the corpus, as a fleet overlaps:
// lockfile k is corpus file k mod 26 (so most gems recur across the
// fleet), plus one gem of its own. It returns the lockfiles parsed.
func writeFleet(tb testing.TB, dir string, n int) []*lockfile.Lockfile {
	tb.Helper()
	corpus, err := filepath.Glob(filepath.Join("..", "..", "testdata", "lockfiles", "*.lock*"))
	if err != nil || len(corpus) < 20 {
		tb.Fatalf("corpus: %v", err)
	}
	var sources [][]byte
	for _, p := range corpus {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := lockfile.Parse(bytes.NewReader(data), p); err == nil && bytes.Contains(data, []byte("  remote: https://rubygems.org/\n  specs:\n")) {
			sources = append(sources, data)
		}
	}
	var lfs []*lockfile.Lockfile
	for k := range n {
		src := sources[k%len(sources)]
		own := fmt.Sprintf("    fleet-app-%d (1.0.%d)\n", k, k)
		data := bytes.Replace(src, []byte("  remote: https://rubygems.org/\n  specs:\n"), []byte("  remote: https://rubygems.org/\n  specs:\n"+own), 1)
		p := filepath.Join(dir, fmt.Sprintf("repo-%04d", k), "Gemfile.lock")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			tb.Fatal(err)
		}
		lf, err := lockfile.ParseFile(p)
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		lfs = append(lfs, lf)
	}
	return lfs
}

// politeRegistry wraps a fake registry in what RubyGems.org does to a busy
// client: every answer takes latency, and beyond limit requests a second
// it answers 429 (without Retry-After, as RubyGems.org does).
func politeRegistry(tb testing.TB, fr *fakeRegistry, latency time.Duration, limit float64) (*httptest.Server, *atomic.Int64) {
	bucket := rate.NewLimiter(rate.Limit(limit), int(limit/10)+1)
	var throttled atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(latency)
		if !bucket.Allow() {
			throttled.Add(1)
			http.Error(w, "Rate limit exceeded", http.StatusTooManyRequests)
			return
		}
		fr.serve(w, r)
	}))
	tb.Cleanup(srv.Close)
	return srv, &throttled
}

// BenchmarkAuditFleet200 audits 200 lockfiles made from the corpus
// (--recursive) against a registry with 50 ms latency that allows 100
// requests a second, with the client set to 100 a second: the versions
// lists asked for must equal the distinct gems (the other requests are the
// exact totals of gems near the popular-gem threshold), and the wall time
// is reported against the rate limit's floor (requests / 100 s). A second run with the same
// cache must make no request; its time is reported too.
//
//	go test -run '^$' -bench AuditFleet200 -benchtime 1x ./cmd/mfaudit/
func BenchmarkAuditFleet200(b *testing.B) {
	dir := b.TempDir()
	lfs := writeFleet(b, filepath.Join(dir, "fleet"), 200)
	distinct := len(report.LookupNames(lfs, report.EvaluateOptions{}))
	fr := truthRegistry(b, lfs)
	srv, throttled := politeRegistry(b, fr, 50*time.Millisecond, 100)
	cache := filepath.Join(dir, "cache")
	args := []string{"audit", "--recursive", "--format", "json", "--output", filepath.Join(dir, "report.json"),
		"--registry-url", srv.URL, "--rate", "100", "--concurrency", "8", "--cache-dir", cache, filepath.Join(dir, "fleet")}
	for b.Loop() {
		os.RemoveAll(cache)
		before, beforeV := total(fr), versionsAsked(fr)
		start := time.Now()
		if code := runQuiet(args); code != exitFindings {
			b.Fatalf("exit %d", code)
		}
		cold := time.Since(start)
		// One versions list per distinct gem; the gem documents are the
		// exact totals of gems near the popular-gem threshold.
		if got := versionsAsked(fr) - beforeV; got != distinct {
			b.Fatalf("%d versions lists asked for %d distinct gems", got, distinct)
		}
		requests := total(fr) - before
		floor := time.Duration(float64(requests-1) / 100 * float64(time.Second))
		start = time.Now()
		mid := total(fr)
		if code := runQuiet(args); code != exitFindings {
			b.Fatalf("warm: exit %d", code)
		}
		warm := time.Since(start)
		if got := total(fr) - mid; got != 0 {
			b.Fatalf("the warm run made %d requests", got)
		}
		b.ReportMetric(float64(distinct), "gems")
		b.ReportMetric(float64(requests), "requests")
		b.ReportMetric(cold.Seconds(), "cold-s")
		b.ReportMetric(floor.Seconds(), "floor-s")
		b.ReportMetric(100*(cold.Seconds()/floor.Seconds()-1), "over-floor-%")
		b.ReportMetric(warm.Seconds(), "warm-s")
		b.ReportMetric(float64(throttled.Load()), "429s")
	}
}

// BenchmarkAuditFleetMemory audits 200 and 2,000 lockfiles (--recursive,
// --format json to a file) against a registry without latency, and reports
// the peak heap: it must grow with the distinct gems, not with lockfiles
// times gems. For the peak RSS of the whole process:
//
//	go test -c -o /tmp/mfaudit.test ./cmd/mfaudit/
//	/usr/bin/time -v /tmp/mfaudit.test -test.run '^$' -test.bench 'AuditFleetMemory/2000' -test.benchtime 1x
func BenchmarkAuditFleetMemory(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			lfs := writeFleet(b, filepath.Join(dir, "fleet"), n)
			specs := 0
			for _, lf := range lfs {
				specs += len(lf.Specs)
			}
			fr := truthRegistry(b, lfs)
			lfs = nil
			args := []string{"audit", "--recursive", "--no-cache", "--format", "json", "--output", filepath.Join(dir, "report.json"),
				"--registry-url", fr.URL(), "--rate", "1000000", "--concurrency", "16", filepath.Join(dir, "fleet")}
			for b.Loop() {
				runtime.GC()
				heap, live := sampleHeap(func() {
					if code := runQuiet(args); code != exitFindings {
						b.Fatalf("exit %d", code)
					}
				})
				b.ReportMetric(float64(specs), "findings")
				b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
			}
		})
	}
}

// sampleHeap runs f and returns the most heap in use seen meanwhile
// (garbage included) and the largest live heap a collection found.
func sampleHeap(f func()) (heap, live uint64) {
	var peak, peakLive atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peakLive.Load() {
				peakLive.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak.Load(), peakLive.Load()
}

// versionsAsked counts the versions lists asked for.
func versionsAsked(fr *fakeRegistry) int {
	n := 0
	for p, c := range fr.paths() {
		if strings.HasPrefix(p, "/api/v1/versions/") {
			n += c
		}
	}
	return n
}

func total(fr *fakeRegistry) int {
	n := 0
	for _, c := range fr.paths() {
		n += c
	}
	return n
}

// runQuiet runs the command line with its output discarded.
func runQuiet(args []string) int {
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		getenv: func(string) string { return "" }, now: time.Now}
	return run(context.Background(), append(args, "--quiet"), e)
}
