package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDedupAndCache(t *testing.T) {
	f := newFakeRegistry(t)
	f.versions("a", versionsJSON(t, fv{number: "1.0", meta: map[string]any{"rubygems_mfa_required": "true"}}))
	f.versions("b", versionsJSON(t, fv{number: "2.0"}))
	dir := t.TempDir()
	clock := &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	opts := Options{CacheDir: dir, CacheTTL: time.Hour, NotFoundTTL: 10 * time.Minute, Now: clock.Now}
	names := []string{"a", "b", "a", "gone", "b"}
	ctx := context.Background()

	// First run: one request per distinct name.
	c1 := testClient(t, f, opts)
	check := func(t *testing.T, res []Result) {
		t.Helper()
		if res[0].Err != nil || !res[0].Gem.MFARequired() || res[2].Gem.Latest.Number != "1.0" {
			t.Errorf("a: %+v", res[0])
		}
		if res[1].Err != nil || res[1].Gem.MFARequired() || res[4].Gem.Latest.Number != "2.0" {
			t.Errorf("b: %+v", res[1])
		}
		if !errors.Is(res[3].Err, ErrNotFound) {
			t.Errorf("gone: %v, want ErrNotFound", res[3].Err)
		}
	}
	check(t, c1.Lookup(ctx, names))
	if n := f.total.Load(); n != 3 {
		t.Fatalf("first run: %d requests, want 3", n)
	}

	// Second run, a new process within the TTL: no request at all.
	c2 := testClient(t, f, opts)
	res := c2.Lookup(ctx, names)
	check(t, res)
	if n := f.total.Load(); n != 3 {
		t.Errorf("second run within TTL: %d more requests, want 0", n-3)
	}
	if s := c2.Stats(); s.CacheHits != 3 || s.Requests != 0 {
		t.Errorf("second run stats %+v, want 3 cache hits, 0 requests", s)
	}
	if res[0].Gem.Requests != 0 {
		t.Errorf("cached answer claims %d requests", res[0].Gem.Requests)
	}

	// Past the 404 TTL only the missing gem is asked again.
	clock.Advance(11 * time.Minute)
	testClient(t, f, opts).Lookup(ctx, names)
	if got := f.hitsFor("/api/v1/versions/gone.json"); got != 2 {
		t.Errorf("gone asked %d times, want 2 (404 cached for NotFoundTTL)", got)
	}
	if n := f.total.Load(); n != 4 {
		t.Errorf("after the 404 TTL: %d requests in all, want 4", n)
	}

	// Past the TTL: conditional requests, answered 304, still correct.
	clock.Advance(time.Hour)
	before := len(f.headers())
	c4 := testClient(t, f, opts)
	check(t, c4.Lookup(ctx, names))
	hs := f.headers()[before:]
	if len(hs) != 3 {
		t.Fatalf("after the TTL: %d requests, want 3", len(hs))
	}
	conditional := 0
	for _, h := range hs {
		if h.Get("If-None-Match") == `"3957dd5fc92c6473b12f84d21487aa77"` && h.Get("If-Modified-Since") == "Tue, 19 Nov 2024 00:56:54 GMT" {
			conditional++
		}
	}
	if conditional != 2 {
		t.Errorf("%d conditional requests, want 2 (a and b; the 404 has no validators)", conditional)
	}
	if s := c4.Stats(); s.NotModified != 2 || s.CacheHits != 0 {
		t.Errorf("stats %+v, want 2 not-modified, 0 cache hits", s)
	}

	// A 304 renews the entry: the next run within the TTL asks nothing.
	total := f.total.Load()
	testClient(t, f, opts).Lookup(ctx, []string{"a", "b"})
	if n := f.total.Load(); n != total {
		t.Errorf("after a 304 renewal: %d more requests, want 0", n-total)
	}

	// A changed gem (new ETag) is fetched in full after the TTL.
	clock.Advance(2 * time.Hour)
	f.mu.Lock()
	f.docs["/api/v1/versions/b.json"] = fakeDoc{body: versionsJSON(t, fv{number: "3.0"}, fv{number: "2.0"}), etag: `"new"`}
	f.mu.Unlock()
	g, err := testClient(t, f, opts).Gem(ctx, "b")
	if err != nil || g.Latest.Number != "3.0" {
		t.Errorf("changed gem: %v %+v", err, g)
	}
}

func TestCorruptCacheEntriesAreRewritten(t *testing.T) {
	f := newFakeRegistry(t)
	f.versions("a", versionsJSON(t, fv{number: "1.0"}))
	dir := t.TempDir()
	opts := Options{CacheDir: dir}
	ctx := context.Background()
	if _, err := testClient(t, f, opts).Gem(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "versions", "a-*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one", files)
	}
	path := files[0]
	validEntry, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ent cacheEntry
	if err := json.Unmarshal(validEntry, &ent); err != nil {
		t.Fatal(err)
	}
	ent.Body = []byte(`[{"number":"1.0"`) // a valid envelope around a truncated body
	badBody, _ := json.Marshal(ent)

	tests := []struct {
		name    string
		content []byte
	}{
		{"garbage", []byte("\x00\x01not json")},
		{"truncated envelope", validEntry[:len(validEntry)/2]},
		{"empty file", nil},
		{"truncated body", badBody},
		{"wrong shape", []byte(`{"url":42}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			before := f.total.Load()
			g, err := testClient(t, f, opts).Gem(ctx, "a")
			if err != nil || g.Latest == nil || g.Latest.Number != "1.0" {
				t.Fatalf("Gem over a corrupt entry: %v %+v", err, g)
			}
			if n := f.total.Load() - before; n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			if h := f.headers()[len(f.headers())-1]; h.Get("If-None-Match") != "" {
				t.Errorf("validators from a corrupt entry were sent: %v", h)
			}
			// Rewritten: the next run is served from the cache.
			if _, err := testClient(t, f, opts).Gem(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			if n := f.total.Load() - before; n != 1 {
				t.Errorf("entry not rewritten: %d requests in all, want 1", n)
			}
		})
	}
}

func TestCacheSharedByConcurrentRuns(t *testing.T) {
	f := newFakeRegistry(t)
	var names []string
	for i := range 20 {
		name := fmt.Sprintf("gem%d", i)
		names = append(names, name)
		f.versions(name, versionsJSON(t, fv{number: fmt.Sprintf("1.%d", i)}))
	}
	dir := t.TempDir()
	clock := &fakeClock{now: time.Now()}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each run sees every entry expired, so all of them write.
			c := testClient(t, f, Options{CacheDir: dir, Now: clock.Now})
			for range 3 {
				clock.Advance(2 * DefaultCacheTTL)
				for _, r := range c.Lookup(ctx, names) {
					if r.Err != nil {
						t.Error(r.Err)
					}
				}
				c = testClient(t, f, Options{CacheDir: dir, Now: clock.Now})
			}
		}()
	}
	wg.Wait()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var e cacheEntry
		if err := json.Unmarshal(data, &e); err != nil {
			t.Errorf("%s: corrupt entry: %v", path, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every entry survived whole and is usable.
	c := testClient(t, f, Options{CacheDir: dir, Now: clock.Now}).src.(*httpSource)
	for i, name := range names {
		u := c.url(kindVersions, name)
		e := c.cache.load(cacheKey{kind: kindVersions, name: name, url: u.String(), shown: redactURL(u)})
		if e == nil {
			t.Errorf("%s: no usable cache entry", name)
			continue
		}
		vs, err := parseVersions(e.Body)
		if err != nil || len(vs) != 1 || vs[0].Number != fmt.Sprintf("1.%d", i) {
			t.Errorf("%s: cached body %v %+v", name, err, vs)
		}
	}
}

func TestCacheKeepsNoCredentials(t *testing.T) {
	tests := []struct {
		name     string
		userinfo string // put before the host of the base URL
		secret   string
	}{
		{name: "user and password", userinfo: "user:s3cret@", secret: "s3cret"},
		// Gemfury, Cloudsmith and Artifactory hand out URLs with the token
		// as the user name and no password.
		{name: "token as user name", userinfo: "t0ken5ecret@", secret: "t0ken5ecret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeRegistry(t)
			f.versions("a", versionsJSON(t, fv{number: "1.0"}))
			f.setHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.URL.Path == "/api/v1/versions/c.json" {
					w.WriteHeader(http.StatusForbidden)
					return true
				}
				return false
			})
			dir := t.TempDir()
			base := strings.Replace(f.srv.URL, "http://", "http://"+tt.userinfo, 1)
			c, err := New(Options{BaseURL: base, CacheDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Gem(context.Background(), "a"); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Gem(context.Background(), "b"); !errors.Is(err, ErrNotFound) {
				t.Errorf("b: %v, want ErrNotFound", err)
			}
			_, err = c.Gem(context.Background(), "c") // a 403 error names the URL
			if err == nil || strings.Contains(err.Error(), tt.secret) {
				t.Errorf("c: error %v, want one without %q", err, tt.secret)
			}
			entries := 0
			filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					entries++
					data, _ := os.ReadFile(path)
					if strings.Contains(string(data), tt.secret) || strings.Contains(path, tt.secret) {
						t.Errorf("%s holds the credential", path)
					}
				}
				return err
			})
			if entries != 2 {
				t.Errorf("%d cache entries, want 2 (a and the 404 of b)", entries)
			}
			if got := f.headers()[0].Get("Authorization"); got == "" {
				t.Error("credentials of the base URL were not sent")
			}
			// The cache still serves the next run.
			c2, err := New(Options{BaseURL: base, CacheDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c2.Gem(context.Background(), "a"); err != nil || c2.Stats().CacheHits != 1 {
				t.Errorf("second run: %v, %+v, want one cache hit", err, c2.Stats())
			}
			// A transport error names the URL too.
			f.srv.Close()
			c3, err := New(Options{BaseURL: base, Retries: -1})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c3.Gem(context.Background(), "d")
			if err == nil || strings.Contains(err.Error(), tt.secret) {
				t.Errorf("d: error %v, want one without %q", err, tt.secret)
			}
		})
	}
}

func TestCacheDirUnwritable(t *testing.T) {
	f := newFakeRegistry(t)
	f.versions("a", versionsJSON(t, fv{number: "1.0"}))
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c := testClient(t, f, Options{CacheDir: file}) // a file, not a directory
	if _, err := c.Gem(context.Background(), "a"); err != nil {
		t.Fatalf("an unusable cache must not fail the lookup: %v", err)
	}
	if s := c.Stats(); s.CacheErrors != 1 {
		t.Errorf("CacheErrors = %d, want 1", s.CacheErrors)
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg-cache")
	t.Setenv("HOME", "/tmp/home")
	dir, err := DefaultCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	base, _ := os.UserCacheDir()
	if dir != filepath.Join(base, "mfaudit") {
		t.Errorf("DefaultCacheDir() = %q, want under %q", dir, base)
	}
}
