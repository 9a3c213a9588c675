package registry

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeRegistry is a local stand-in for RubyGems.org's API. It answers like
// the real service (see testdata/ORIGIN.md): JSON with ETag, Last-Modified
// and Cache-Control for versions lists, plain-text 404s, 304 for a matching
// If-None-Match. Hooks let a test script failures.
type fakeRegistry struct {
	t   *testing.T
	srv *httptest.Server

	mu   sync.Mutex
	docs map[string]fakeDoc
	hits map[string]int
	seen []http.Header // request headers, in arrival order

	total       atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64

	// hook, when set, may answer a request itself (returning true).
	hook func(w http.ResponseWriter, r *http.Request, n int) bool
	// delay is added before every answer.
	delay time.Duration
}

type fakeDoc struct {
	body         []byte
	etag         string
	lastModified string
}

func newFakeRegistry(t *testing.T) *fakeRegistry {
	t.Helper()
	f := &fakeRegistry{t: t, docs: map[string]fakeDoc{}, hits: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeRegistry) serve(w http.ResponseWriter, r *http.Request) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxInFlight.Load()
		if n <= m || f.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	f.total.Add(1)
	f.mu.Lock()
	f.hits[r.URL.Path]++
	hit := f.hits[r.URL.Path]
	f.seen = append(f.seen, r.Header.Clone())
	d, ok := f.docs[r.URL.Path]
	hook, delay := f.hook, f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if hook != nil && hook(w, r, hit) {
		return
	}
	if !ok {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("This rubygem could not be found."))
		return
	}
	w.Header().Set("Cache-Control", "max-age=60, public")
	if d.etag != "" {
		w.Header().Set("ETag", d.etag)
		if r.Header.Get("If-None-Match") == d.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if d.lastModified != "" {
		w.Header().Set("Last-Modified", d.lastModified)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(d.body)
}

// versions serves a versions list for name, with an ETag like the real one.
func (f *fakeRegistry) versions(name string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs["/api/v1/versions/"+name+".json"] = fakeDoc{
		body:         body,
		etag:         `"3957dd5fc92c6473b12f84d21487aa77"`,
		lastModified: "Tue, 19 Nov 2024 00:56:54 GMT",
	}
}

// gemInfo serves GET /api/v1/gems/NAME.json, which has no ETag.
func (f *fakeRegistry) gemInfo(name string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs["/api/v1/gems/"+name+".json"] = fakeDoc{body: body}
}

// setHook replaces the hook while the server may be running.
func (f *fakeRegistry) setHook(h func(w http.ResponseWriter, r *http.Request, n int) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

func (f *fakeRegistry) hitsFor(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func (f *fakeRegistry) headers() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]http.Header(nil), f.seen...)
}

// fv describes one build in a synthetic versions list.
type fv struct {
	number, platform string
	prerelease       bool
	downloads        int64
	meta             map[string]any
}

// versionsJSON renders builds the way /api/v1/versions/NAME.json does.
func versionsJSON(t testing.TB, vs ...fv) []byte {
	t.Helper()
	type entry struct {
		Authors        string         `json:"authors"`
		CreatedAt      string         `json:"created_at"`
		DownloadsCount int64          `json:"downloads_count"`
		Metadata       map[string]any `json:"metadata"`
		Number         string         `json:"number"`
		Platform       string         `json:"platform"`
		Prerelease     bool           `json:"prerelease"`
		Sha            string         `json:"sha"`
	}
	out := make([]entry, 0, len(vs))
	for _, v := range vs {
		p := v.platform
		if p == "" {
			p = "ruby"
		}
		m := v.meta
		if m == nil {
			m = map[string]any{}
		}
		out = append(out, entry{
			Authors: "A. Author", CreatedAt: "2024-11-19T00:56:52.880Z",
			DownloadsCount: v.downloads, Metadata: m, Number: v.number,
			Platform: p, Prerelease: v.prerelease, Sha: strings.Repeat("0", 64),
		})
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gemInfoJSON(t *testing.T, name string, downloads int64) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"name": name, "downloads": downloads, "version": "1.0.0", "metadata": map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixture reads a file under testdata.
func fixture(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testClient returns a client for f with quick retries and no cache unless
// the options say otherwise.
func testClient(t *testing.T, f *fakeRegistry, opts Options) *Client {
	t.Helper()
	opts.BaseURL = f.srv.URL
	if opts.Backoff == 0 {
		opts.Backoff = time.Millisecond
	}
	if opts.Rate == 0 {
		opts.Rate = 1000
	}
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fakeClock is a settable clock for cache ages.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
