package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeBuild is one build a fake registry lists.
type fakeBuild struct {
	Number     string
	Platform   string
	Prerelease bool
	Metadata   map[string]string
	Downloads  int64
}

// fakeGem is what a fake registry knows about one gem.
type fakeGem struct {
	Builds []fakeBuild
	// Total is the downloads total of GET /api/v1/gems/NAME.json; 0 means
	// the sum of the builds.
	Total int64
	// Status, when set, is the HTTP status every request for the gem gets.
	Status int
	// Links are the gem document's link fields (homepage_uri, ...).
	Links map[string]string
}

// fakeRegistry serves RubyGems.org's two JSON endpoints from memory on
// 127.0.0.1 and counts the requests per path.
type fakeRegistry struct {
	t    testing.TB
	srv  *httptest.Server
	gems map[string]*fakeGem

	mu          sync.Mutex
	hits        map[string]int
	notModified int

	// onRequest, when set before the first request, runs on every request.
	onRequest func()
	// owners serves GET /api/v1/owners/HANDLE/gems.json bodies.
	owners map[string][]byte
}

func newFakeRegistry(t testing.TB, gems map[string]*fakeGem) *fakeRegistry {
	t.Helper()
	fr := &fakeRegistry{t: t, gems: gems, hits: map[string]int{}}
	fr.srv = httptest.NewServer(http.HandlerFunc(fr.serve))
	t.Cleanup(fr.srv.Close)
	return fr
}

func (fr *fakeRegistry) URL() string { return fr.srv.URL }

func (fr *fakeRegistry) serve(w http.ResponseWriter, r *http.Request) {
	fr.mu.Lock()
	fr.hits[r.URL.Path]++
	fr.mu.Unlock()
	if fr.onRequest != nil {
		fr.onRequest()
	}
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var kind, name string
	if h, ok := strings.CutPrefix(r.URL.Path, "/api/v1/owners/"); ok && strings.HasSuffix(h, "/gems.json") {
		body, found := fr.owners[strings.TrimSuffix(h, "/gems.json")]
		if !found {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, "This user could not be found.")
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
		return
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/v1/versions/") && strings.HasSuffix(r.URL.Path, ".json"):
		kind, name = "versions", strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/versions/"), ".json")
	case strings.HasPrefix(r.URL.Path, "/api/v1/gems/") && strings.HasSuffix(r.URL.Path, ".json"):
		kind, name = "gems", strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/gems/"), ".json")
	default:
		fr.t.Errorf("fake registry: unexpected request %s", r.URL)
		http.NotFound(w, r)
		return
	}
	g, ok := fr.gems[name]
	if !ok {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "This rubygem could not be found.")
		return
	}
	if g.Status != 0 {
		http.Error(w, http.StatusText(g.Status), g.Status)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	var body bytes.Buffer
	defer func() {
		// An ETag as RubyGems.org sends, and 304 to a request that has it.
		sum := sha256.Sum256(body.Bytes())
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			fr.mu.Lock()
			fr.notModified++
			fr.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(body.Bytes())
	}()
	enc := json.NewEncoder(&body)
	if kind == "versions" {
		list := make([]map[string]any, 0, len(g.Builds))
		for _, b := range g.Builds {
			md := b.Metadata
			if md == nil {
				md = map[string]string{}
			}
			list = append(list, map[string]any{
				"number": b.Number, "platform": b.Platform, "prerelease": b.Prerelease,
				"metadata": md, "downloads_count": b.Downloads,
				"created_at": "2024-01-01T00:00:00.000Z", "authors": "Someone",
			})
		}
		_ = enc.Encode(list)
		return
	}
	total := g.Total
	if total == 0 {
		for _, b := range g.Builds {
			total += b.Downloads
		}
	}
	doc := map[string]any{"name": name, "downloads": total, "metadata": map[string]string{}}
	for k, v := range g.Links {
		doc[k] = v
	}
	_ = enc.Encode(doc)
}

// requests returns how often path was asked for.
func (fr *fakeRegistry) requests(path string) int {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	return fr.hits[path]
}

// paths returns every path asked for, with its count.
func (fr *fakeRegistry) paths() map[string]int {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	out := make(map[string]int, len(fr.hits))
	for k, v := range fr.hits {
		out[k] = v
	}
	return out
}
