package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestGemFromRealFixtures(t *testing.T) {
	f := newFakeRegistry(t)
	f.versions("standard", fixture(t, "api/v1/versions/standard.json"))
	f.versions("dry-struct", fixture(t, "api/v1/versions/dry-struct.json"))
	c := testClient(t, f, Options{})
	ctx := context.Background()

	std, err := c.Gem(ctx, "standard")
	if err != nil {
		t.Fatal(err)
	}
	if std.Latest == nil || std.Latest.Number != "1.42.1" || std.Latest.Platform != "ruby" {
		t.Fatalf("standard latest = %+v, want 1.42.1 ruby", std.Latest)
	}
	if !std.MFARequired() {
		t.Error("standard: MFARequired() = false, want true (latest says \"true\")")
	}
	if len(std.Versions) != 137 {
		t.Errorf("standard: %d versions, want 137", len(std.Versions))
	}
	// The 37 newest carry the flag, older ones do not: an old lock is
	// unprotected though the gem is protected.
	old := std.Find("1.0.0", "ruby")
	if old == nil {
		t.Fatal("standard 1.0.0 not found")
	}
	if f := old.MFA(); f.Set || f.Required() {
		t.Errorf("standard 1.0.0 flag = %+v, want unset", f)
	}
	if std.ListedDownloads != 22340204 || std.Downloads != 22340204 || std.DownloadsExact {
		t.Errorf("standard downloads = %d/%d exact=%v, want listed 22340204, not exact", std.ListedDownloads, std.Downloads, std.DownloadsExact)
	}
	if std.Popular() {
		t.Error("standard: Popular() = true")
	}
	if std.Requests != 1 {
		t.Errorf("standard cost %d requests, want 1", std.Requests)
	}
	if got := std.SourceCodeURI(); got != "https://github.com/standardrb/standard" {
		t.Errorf("SourceCodeURI() = %q", got)
	}

	ds, err := c.Gem(ctx, "dry-struct")
	if err != nil {
		t.Fatal(err)
	}
	if ds.Latest == nil || ds.Latest.Number != "1.6.0" || ds.MFARequired() {
		t.Errorf("dry-struct: latest %+v MFARequired %v, want 1.6.0 and false", ds.Latest, ds.MFARequired())
	}
	if ds.Latest.CreatedAt.IsZero() || ds.Latest.Downloads == 0 {
		t.Errorf("dry-struct latest lacks created_at or downloads: %+v", ds.Latest)
	}
	if ua := f.headers()[0].Get("User-Agent"); !strings.HasPrefix(ua, "mfaudit/") {
		t.Errorf("User-Agent = %q, want mfaudit/...", ua)
	}
}

// TestFlagTruthiness serves each flag value as the latest release's metadata
// and checks the verdict follows Rails' boolean cast.
func TestFlagTruthiness(t *testing.T) {
	tests := []struct {
		name  string
		value any // nil: key absent
		set   bool
		want  bool
	}{
		{name: "absent", value: nil, want: false},
		{name: "empty", value: "", set: true, want: false},
		{name: "json null", value: jsonNull{}, set: true, want: false},
		{name: "0", value: "0", set: true, want: false},
		{name: "f", value: "f", set: true, want: false},
		{name: "F", value: "F", set: true, want: false},
		{name: "false", value: "false", set: true, want: false},
		{name: "FALSE", value: "FALSE", set: true, want: false},
		{name: "off", value: "off", set: true, want: false},
		{name: "OFF", value: "OFF", set: true, want: false},
		{name: "true", value: "true", set: true, want: true},
		{name: "1", value: "1", set: true, want: true},
		{name: "yes", value: "yes", set: true, want: true},
		{name: "t", value: "t", set: true, want: true},
		{name: "False", value: "False", set: true, want: true},
		{name: "no", value: "no", set: true, want: true},
		{name: "Off", value: "Off", set: true, want: true},
		{name: "space", value: " ", set: true, want: true},
		{name: "json true", value: true, set: true, want: true},
		{name: "json false", value: false, set: true, want: false},
	}
	f := newFakeRegistry(t)
	var names []string
	for i, tt := range tests {
		name := fmt.Sprintf("gem%d", i)
		names = append(names, name)
		meta := map[string]any{}
		if tt.value != nil {
			meta["rubygems_mfa_required"] = tt.value
		}
		f.versions(name, versionsJSON(t,
			fv{number: "2.0.0", downloads: 10, meta: meta},
			fv{number: "1.0.0", downloads: 10, meta: map[string]any{"rubygems_mfa_required": "true"}},
		))
	}
	c := testClient(t, f, Options{})
	res := c.Lookup(context.Background(), names)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := res[i]
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			flag := r.Gem.Latest.MFA()
			if flag.Set != tt.set {
				t.Errorf("Set = %v, want %v", flag.Set, tt.set)
			}
			if got := r.Gem.MFARequired(); got != tt.want {
				t.Errorf("MFARequired() = %v (raw %q), want %v", got, flag.Raw, tt.want)
			}
			if got := flag.Required(); got != tt.want {
				t.Errorf("Flag.Required() = %v, want %v", got, tt.want)
			}
		})
	}
}

// jsonNull marshals as JSON null (hstore values may be NULL).
type jsonNull struct{}

func (jsonNull) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

func TestLatestSelection(t *testing.T) {
	on := map[string]any{"rubygems_mfa_required": "true"}
	off := map[string]any{"rubygems_mfa_required": "false"}
	tests := []struct {
		name       string
		builds     []fv
		locked     [2]string // number, platform
		wantLatest string    // "number platform", or "" for nil
		wantMFA    bool      // gem-level verdict
		lockedMFA  bool      // the locked build's own flag
		lockedGone bool      // the locked build is not listed (yanked)
	}{
		{
			name:       "latest protected, locked older is not",
			builds:     []fv{{number: "2.1.0", meta: on}, {number: "2.0.0", meta: on}, {number: "1.9.0"}},
			locked:     [2]string{"1.9.0", "ruby"},
			wantLatest: "2.1.0 ruby", wantMFA: true, lockedMFA: false,
		},
		{
			name:       "locked published with flag, latest turned it off",
			builds:     []fv{{number: "3.0.0", meta: off}, {number: "2.5.0", meta: on}},
			locked:     [2]string{"2.5.0", "ruby"},
			wantLatest: "3.0.0 ruby", wantMFA: false, lockedMFA: true,
		},
		{
			name: "yanked latest: the previous release is the reference",
			// 2.0.0 (with the flag) was yanked, so the API no longer lists it.
			builds:     []fv{{number: "1.9.0"}, {number: "1.8.0", meta: on}},
			locked:     [2]string{"2.0.0", "ruby"},
			wantLatest: "1.9.0 ruby", wantMFA: false, lockedGone: true,
		},
		{
			name:       "prerelease only",
			builds:     []fv{{number: "1.0.0.rc2", prerelease: true, meta: on}, {number: "1.0.0.rc1", prerelease: true, meta: on}},
			locked:     [2]string{"1.0.0.rc2", "ruby"},
			wantLatest: "", wantMFA: false, lockedMFA: true,
		},
		{
			name:       "newer prerelease does not count",
			builds:     []fv{{number: "2.0.0.beta1", prerelease: true, meta: on}, {number: "1.5.0"}},
			locked:     [2]string{"1.5.0", "ruby"},
			wantLatest: "1.5.0 ruby", wantMFA: false,
		},
		{
			name: "platform-only builds",
			builds: []fv{
				{number: "0.9.0", platform: "x86_64-linux", meta: on},
				{number: "1.2.0", platform: "x86_64-linux", meta: on},
				{number: "1.2.0", platform: "arm64-darwin", meta: on},
			},
			locked:     [2]string{"1.2.0", "arm64-darwin"},
			wantLatest: "1.2.0 x86_64-linux", wantMFA: true, lockedMFA: true,
		},
		{
			// RubyGems.org judges by one build of the latest number, which
			// one is undefined: a build without the flag leaves it open.
			name: "ruby build preferred; builds that disagree do not protect",
			builds: []fv{
				{number: "1.16.0", platform: "x86_64-linux"},
				{number: "1.16.0", platform: "ruby", meta: on},
				{number: "1.16.0", platform: "java"},
				{number: "1.15.9", platform: "ruby"},
			},
			locked:     [2]string{"1.16.0", "x86_64-linux"},
			wantLatest: "1.16.0 ruby", wantMFA: false, lockedMFA: false,
		},
		{
			name: "every build of the latest number sets the flag",
			builds: []fv{
				{number: "1.16.0", platform: "x86_64-linux", meta: on},
				{number: "1.16.0", platform: "ruby", meta: on},
				{number: "1.15.9", platform: "ruby"},
			},
			locked:     [2]string{"1.15.9", "ruby"},
			wantLatest: "1.16.0 ruby", wantMFA: true, lockedMFA: false,
		},
		{
			name:       "ordering is by Gem::Version, not as listed or as text",
			builds:     []fv{{number: "1.9.0"}, {number: "1.10.0", meta: on}, {number: "1.2.0"}},
			locked:     [2]string{"1.9.0", "ruby"},
			wantLatest: "1.10.0 ruby", wantMFA: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeRegistry(t)
			f.versions("g", versionsJSON(t, tt.builds...))
			g, err := testClient(t, f, Options{}).Gem(context.Background(), "g")
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if g.Latest != nil {
				got = g.Latest.Number + " " + g.Latest.Platform
			}
			if got != tt.wantLatest {
				t.Errorf("Latest = %q, want %q", got, tt.wantLatest)
			}
			if g.MFARequired() != tt.wantMFA {
				t.Errorf("MFARequired() = %v, want %v", g.MFARequired(), tt.wantMFA)
			}
			lv := g.Find(tt.locked[0], tt.locked[1])
			if tt.lockedGone {
				if lv != nil {
					t.Errorf("Find(%v) = %+v, want nil for a yanked build", tt.locked, lv)
				}
				return
			}
			if lv == nil {
				t.Fatalf("Find(%v) = nil", tt.locked)
			}
			if lv.MFA().Required() != tt.lockedMFA {
				t.Errorf("locked build MFA = %v, want %v", lv.MFA().Required(), tt.lockedMFA)
			}
		})
	}
}

func TestPopularThreshold(t *testing.T) {
	on := map[string]any{"rubygems_mfa_required": "true"}
	tests := []struct {
		name         string
		listed       []int64
		meta         map[string]any
		exact        int64 // served by /api/v1/gems/NAME.json
		wantPopular  bool
		wantRequests int
		wantExact    bool
	}{
		{name: "listed exactly at threshold, total at threshold", listed: []int64{100_000_000, 80_000_000}, exact: 180_000_000, wantPopular: false, wantRequests: 2, wantExact: true},
		{name: "listed at threshold, total one over", listed: []int64{100_000_000, 80_000_000}, exact: 180_000_001, wantPopular: true, wantRequests: 2, wantExact: true},
		{name: "listed one over: no second request", listed: []int64{100_000_000, 80_000_001}, wantPopular: true, wantRequests: 1},
		{name: "listed half the threshold asks for the total", listed: []int64{90_000_000}, exact: 200_000_000, wantPopular: true, wantRequests: 2, wantExact: true},
		{name: "listed under half: no second request", listed: []int64{89_999_999}, wantPopular: false, wantRequests: 1},
		{name: "flag already protects: no second request", listed: []int64{170_000_000}, meta: on, wantPopular: false, wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeRegistry(t)
			var builds []fv
			for i, d := range tt.listed {
				builds = append(builds, fv{number: fmt.Sprintf("1.%d.0", len(tt.listed)-i), downloads: d, meta: tt.meta})
			}
			f.versions("big", versionsJSON(t, builds...))
			if tt.exact != 0 {
				f.gemInfo("big", gemInfoJSON(t, "big", tt.exact))
			}
			c := testClient(t, f, Options{})
			g, err := c.Gem(context.Background(), "big")
			if err != nil {
				t.Fatal(err)
			}
			if g.Popular() != tt.wantPopular {
				t.Errorf("Popular() = %v (listed %d, total %d), want %v", g.Popular(), g.ListedDownloads, g.Downloads, tt.wantPopular)
			}
			if g.Requests != tt.wantRequests || int(f.total.Load()) != tt.wantRequests {
				t.Errorf("requests: gem says %d, server saw %d, want %d", g.Requests, f.total.Load(), tt.wantRequests)
			}
			if g.DownloadsExact != tt.wantExact {
				t.Errorf("DownloadsExact = %v, want %v", g.DownloadsExact, tt.wantExact)
			}
			if tt.wantExact && g.Downloads != tt.exact {
				t.Errorf("Downloads = %d, want %d", g.Downloads, tt.exact)
			}
		})
	}
}

func TestPopularFromRealGemInfo(t *testing.T) {
	// json: 922,743,728 downloads and no flag; pretend the listed builds
	// sum to just under the threshold so the exact total is needed.
	f := newFakeRegistry(t)
	f.versions("json", versionsJSON(t, fv{number: "2.9.0", downloads: 150_000_000}))
	f.gemInfo("json", fixture(t, "api/v1/gems/json.json"))
	g, err := testClient(t, f, Options{}).Gem(context.Background(), "json")
	if err != nil {
		t.Fatal(err)
	}
	if !g.Popular() || !g.DownloadsExact || g.Downloads != 922743728 {
		t.Errorf("json: Popular %v exact %v downloads %d, want true true 922743728", g.Popular(), g.DownloadsExact, g.Downloads)
	}
}

func TestNotFound(t *testing.T) {
	f := newFakeRegistry(t)
	c := testClient(t, f, Options{})
	_, err := c.Gem(context.Background(), "no-such-gem")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), `"no-such-gem"`) {
		t.Errorf("error %q does not name the gem", err)
	}
	if n := f.total.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1 (a 404 is not retried)", n)
	}
	f.versions("empty", []byte("[]"))
	if _, err := c.Gem(context.Background(), "empty"); !errors.Is(err, ErrNotFound) {
		t.Errorf("empty versions list: err = %v, want ErrNotFound", err)
	}
}

func TestInvalidNameNeverRequested(t *testing.T) {
	f := newFakeRegistry(t)
	c := testClient(t, f, Options{})
	for _, name := range []string{"", "..", "../etc/passwd", "a/b", "rack%2F", "a b", "\x1b[31mx"} {
		if _, err := c.Gem(context.Background(), name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Gem(%q) err = %v, want ErrInvalidName", name, err)
		}
	}
	if n := f.total.Load(); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

func TestRetry(t *testing.T) {
	body := versionsJSON(t, fv{number: "1.0.0", downloads: 5})
	tests := []struct {
		name     string
		fail     func(w http.ResponseWriter)
		failures int
		wantErr  bool
		wantReqs int64
		check    func(t *testing.T, s Stats)
	}{
		{
			name:     "429 without Retry-After, then success",
			fail:     func(w http.ResponseWriter) { w.WriteHeader(http.StatusTooManyRequests) },
			failures: 1, wantReqs: 2,
			check: func(t *testing.T, s Stats) {
				if s.RateLimited != 1 || s.Retries != 1 {
					t.Errorf("stats %+v, want 1 rate-limited answer and 1 retry", s)
				}
				if s.Rate >= 1000 {
					t.Errorf("rate %v after a 429, want it lowered below 1000", s.Rate)
				}
			},
		},
		{
			name: "429 with Retry-After, then success",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			failures: 2, wantReqs: 3,
		},
		{
			name:     "503 then success",
			fail:     func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) },
			failures: 2, wantReqs: 3,
			check: func(t *testing.T, s Stats) {
				if s.ServerErrors != 2 || s.Retries != 2 {
					t.Errorf("stats %+v, want 2 server errors and 2 retries", s)
				}
			},
		},
		{
			name:     "500 forever gives up after the retries",
			fail:     func(w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) },
			failures: 100, wantErr: true, wantReqs: 4, // Retries: 3
		},
		{
			name:     "429 forever gets twice the retries, then gives up",
			fail:     func(w http.ResponseWriter) { w.WriteHeader(http.StatusTooManyRequests) },
			failures: 100, wantErr: true, wantReqs: 7, // Retries: 3
		},
		{
			name: "403 fails at once",
			fail: func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusForbidden)
				w.Write([]byte("Forbidden \x1b[2J"))
			},
			failures: 100, wantErr: true, wantReqs: 1,
		},
		{
			name: "dropped connection, then success",
			fail: func(w http.ResponseWriter) {
				hj, _ := w.(http.Hijacker)
				conn, _, _ := hj.Hijack()
				conn.Close()
			},
			failures: 1, wantReqs: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeRegistry(t)
			f.versions("g", body)
			f.setHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n <= tt.failures {
					tt.fail(w)
					return true
				}
				return false
			})
			c := testClient(t, f, Options{Retries: 3})
			g, err := c.Gem(context.Background(), "g")
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				if strings.ContainsRune(err.Error(), '\x1b') {
					t.Errorf("error carries a raw escape: %q", err)
				}
			} else if err != nil || g.Latest == nil {
				t.Fatalf("Gem: %v", err)
			}
			if n := f.total.Load(); n != tt.wantReqs {
				t.Errorf("server saw %d requests, want %d", n, tt.wantReqs)
			}
			if tt.check != nil {
				tt.check(t, c.Stats())
			}
		})
	}
}

func TestTruncatedJSON(t *testing.T) {
	f := newFakeRegistry(t)
	full := fixture(t, "api/v1/versions/standard.json")
	f.versions("standard", full[:len(full)/2])
	_, err := testClient(t, f, Options{}).Gem(context.Background(), "standard")
	if err == nil || !strings.Contains(err.Error(), "truncated JSON") {
		t.Fatalf("err = %v, want a truncated JSON error", err)
	}
	if !strings.Contains(err.Error(), `"standard"`) {
		t.Errorf("error %q does not name the gem", err)
	}
}

// TestTruncatedBodyRetried: a 200 cut short by a proxy is retried like a
// 5xx, and the gem is answered once a whole body comes.
func TestTruncatedBodyRetried(t *testing.T) {
	f := newFakeRegistry(t)
	full := fixture(t, "api/v1/versions/standard.json")
	f.versions("standard", full)
	f.setHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n > 2 {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(full[:len(full)/3]) // a 200, cut short
		return true
	})
	c := testClient(t, f, Options{})
	g, err := c.Gem(context.Background(), "standard")
	if err != nil {
		t.Fatal(err)
	}
	if g.Latest == nil || g.Latest.Number != "1.42.1" || g.Requests != 3 {
		t.Errorf("latest %v after %d requests, want 1.42.1 after 3", g.Latest, g.Requests)
	}
	if st := c.Stats(); st.BadBodies != 2 || st.Retries != 2 {
		t.Errorf("stats %+v, want 2 bad bodies retried", st)
	}
}

func TestHungResponseTimesOut(t *testing.T) {
	f := newFakeRegistry(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		<-r.Context().Done() // never answer
		return true
	})
	c := testClient(t, f, Options{Timeout: 100 * time.Millisecond, Retries: 1})
	start := time.Now()
	_, err := c.Gem(context.Background(), "slow")
	took := time.Since(start)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if n := f.total.Load(); n != 2 {
		t.Errorf("server saw %d requests, want 2 (one retry)", n)
	}
	if took > 3*time.Second {
		t.Errorf("took %v, want about 2 × 100ms", took)
	}
}

func TestHungBodyTimesOut(t *testing.T) {
	f := newFakeRegistry(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte(`[{"number":`))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		return true
	})
	c := testClient(t, f, Options{Timeout: 100 * time.Millisecond, Retries: -1})
	if _, err := c.Gem(context.Background(), "slow"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestCancellation(t *testing.T) {
	f := newFakeRegistry(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		<-r.Context().Done()
		return true
	})
	c := testClient(t, f, Options{Concurrency: 2, Rate: 5})
	ctx, cancel := context.WithCancel(context.Background())
	names := make([]string, 20)
	for i := range names {
		names[i] = fmt.Sprintf("gem%d", i)
	}
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res := c.Lookup(ctx, names)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Lookup returned %v after cancellation", took)
	}
	for _, r := range res {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", r.Name, r.Err)
		}
	}
	if n := f.total.Load(); n > 2 {
		t.Errorf("server saw %d requests; want at most 2 before the cancel", n)
	}
	// A cancelled lookup is not remembered: a fresh context asks again.
	f.setHook(nil)
	f.versions("gem0", versionsJSON(t, fv{number: "1.0"}))
	if _, err := c.Gem(context.Background(), "gem0"); err != nil {
		t.Errorf("after cancellation: %v", err)
	}
}

func TestLookupOrderAndDedup(t *testing.T) {
	f := newFakeRegistry(t)
	f.versions("a", versionsJSON(t, fv{number: "1.0"}))
	f.versions("b", versionsJSON(t, fv{number: "2.0"}))
	var done []string
	c := testClient(t, f, Options{OnDone: func(name string, err error) { done = append(done, name) }, Concurrency: 1})
	names := []string{"b", "missing", "a", "b", "a", "bad/name"}
	res := c.Lookup(context.Background(), names)
	for i, r := range res {
		if r.Name != names[i] {
			t.Errorf("result %d is %q, want %q", i, r.Name, names[i])
		}
	}
	if res[0].Gem == nil || res[0].Gem.Latest.Number != "2.0" || res[3].Gem != res[0].Gem {
		t.Errorf("b results differ or wrong: %+v %+v", res[0], res[3])
	}
	if res[2].Gem == nil || res[2].Gem.Latest.Number != "1.0" || res[4].Gem != res[2].Gem {
		t.Errorf("a results differ or wrong: %+v %+v", res[2], res[4])
	}
	if !errors.Is(res[1].Err, ErrNotFound) || res[1].Gem != nil {
		t.Errorf("missing: %+v", res[1])
	}
	if !errors.Is(res[5].Err, ErrInvalidName) {
		t.Errorf("bad/name: %+v", res[5])
	}
	if n := f.total.Load(); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
	if len(done) != 4 {
		t.Errorf("OnDone called for %v, want once per distinct name", done)
	}
	// A later Lookup on the same client (the next lockfile of a fleet scan)
	// asks for nothing again.
	c.Lookup(context.Background(), []string{"a", "b", "missing"})
	if n := f.total.Load(); n != 3 {
		t.Errorf("after a second Lookup the server saw %d requests, want still 3", n)
	}
}

func TestFileBase(t *testing.T) {
	c, err := New(Options{BaseURL: "file://testdata"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	g, err := c.Gem(ctx, "standard")
	if err != nil {
		t.Fatal(err)
	}
	if g.Latest == nil || g.Latest.Number != "1.42.1" || !g.MFARequired() {
		t.Errorf("standard from file: latest %+v", g.Latest)
	}
	if _, err := c.Gem(ctx, "absent"); !errors.Is(err, ErrNotFound) {
		t.Errorf("absent: err = %v, want ErrNotFound", err)
	}
	if s := c.Stats(); s.Requests != 0 {
		t.Errorf("file base sent %d HTTP requests", s.Requests)
	}
}

func TestNewRejectsBadBase(t *testing.T) {
	for _, base := range []string{"ftp://example.com", "https://", "rubygems.org", "https://x.org/?q=1", "file://"} {
		if _, err := New(Options{BaseURL: base}); err == nil {
			t.Errorf("New(%q) accepted", base)
		}
	}
	if _, err := New(Options{BaseURL: "https://user:secret@mirror.example/prefix/"}); err != nil {
		t.Errorf("mirror with prefix: %v", err)
	}
	_, err := New(Options{BaseURL: "ftp://user:secret@mirror.example/"})
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error %v leaks the password", err)
	}
}

func TestBasePrefixAndSanitizedText(t *testing.T) {
	f := newFakeRegistry(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path != "/mirror/api/v1/versions/evil.json" {
			http.NotFound(w, r)
			return true
		}
		w.Write(versionsJSON(t, fv{number: "1.0.0", meta: map[string]any{
			"source_code_uri":       "https://github.com/x/y\x1b]8;;https://evil\x07",
			"rubygems_mfa_required": "true\x1b[0m",
		}}))
		return true
	})
	c, err := New(Options{BaseURL: f.srv.URL + "/mirror/"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.Gem(context.Background(), "evil")
	if err != nil {
		t.Fatal(err)
	}
	if got := g.SourceCodeURI(); strings.ContainsRune(got, '\x1b') || !strings.HasPrefix(got, "https://github.com/x/y^[]8") {
		t.Errorf("SourceCodeURI() = %q, want sanitized", got)
	}
	if raw := g.Latest.MFA().Raw; raw != "true^[[0m" || !g.MFARequired() {
		t.Errorf("flag raw %q required %v", raw, g.MFARequired())
	}
}

func TestNewFileBaseMustBeASnapshot(t *testing.T) {
	root := t.TempDir()
	snapshot := filepath.Join(root, "snap")
	if err := os.MkdirAll(filepath.Join(snapshot, "api", "v1", "versions"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dir     string
		wantErr string // "" for success
	}{
		{name: "snapshot", dir: snapshot},
		{name: "missing directory", dir: filepath.Join(root, "typo"), wantErr: "no such file or directory"},
		{name: "a file", dir: file, wantErr: "not a directory"},
		{name: "no versions directory", dir: root, wantErr: "api/v1/versions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every gem would otherwise be reported "not found": a typo
			// in the flag must not pass for an empty registry.
			_, err := New(Options{BaseURL: "file://" + filepath.ToSlash(tt.dir)})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New: error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
