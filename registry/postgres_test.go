package registry_test

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mfaudit/mfaudit/registry"
	"github.com/mfaudit/mfaudit/registry/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func i64(n int64) *int64 { return &n }

// dumpGems is hand-made dump data for the cases the HTTP path never sees:
// yanked versions, platforms, totals the listed builds do not add up to.
func dumpGems() []pgtest.Gem {
	mfa := map[string]string{"rubygems_mfa_required": "true"}
	return []pgtest.Gem{
		{
			// The newest version is yanked: the one before is the latest.
			Name: "yanked-newest", Total: i64(5000),
			Versions: []pgtest.Version{
				{Number: "2.0.0", Yanked: true, Metadata: mfa, Downloads: 10},
				{Number: "1.9.0", Downloads: 100},
				{Number: "1.0.0", Metadata: mfa, Downloads: 50},
			},
		},
		{
			// Both builds of the latest release carry the flag; an older
			// java build does not matter.
			Name: "platforms", Total: i64(1000),
			Versions: []pgtest.Version{
				{Number: "3.0.0", Metadata: mfa, Downloads: 1},
				{Number: "3.0.0", Platform: "x86_64-linux", Metadata: mfa, Downloads: 1, Attested: true},
				{Number: "2.0.0", Platform: "java", Downloads: 1},
			},
		},
		{
			// One build of the latest release lacks the flag.
			Name: "platforms-disagree", Total: i64(3),
			Versions: []pgtest.Version{
				{Number: "1.1.0", Metadata: mfa},
				{Number: "1.1.0", Platform: "java"},
			},
		},
		{
			// A prerelease newer than the latest release, with the flag.
			Name: "prerelease-newer", Total: i64(7),
			Versions: []pgtest.Version{
				{Number: "2.0.0.beta1", Prerelease: true, Metadata: mfa},
				{Number: "1.0.0"},
			},
		},
		{
			// The exact total is over the popular-gem threshold though
			// the listed builds add up to far less.
			Name: "popular-exact", Total: i64(250_000_000),
			Versions: []pgtest.Version{{Number: "1.0.0", Downloads: 1_000}},
		},
		{
			// Every version yanked: the gem has no listed build.
			Name: "all-yanked", Total: i64(9),
			Versions: []pgtest.Version{{Number: "1.0.0", Yanked: true}},
		},
		{
			// Metadata the way hstore can hold it.
			Name: "odd-metadata",
			Versions: []pgtest.Version{{Number: "0.1.0", Metadata: map[string]string{
				"rubygems_mfa_required": "False", "quote\"d": `back\slash`, "arrow": "a=>b", "unicode": "日本語",
				"homepage_uri": "https://example.org/odd", "bell": "ring\x07",
			}}},
		},
		{
			// Links from the linkset: the metadata sets none.
			Name: "linkset-only", Total: i64(1),
			Versions: []pgtest.Version{{Number: "1.0.0"}},
			Links:    &pgtest.Linkset{Home: "https://example.org/home", Code: "https://github.com/example/linkset-only", Bugs: "https://github.com/example/linkset-only/issues"},
		},
		{
			// The metadata sets a link: the linkset is ignored but for
			// the homepage fallback.
			Name: "metadata-links", Total: i64(1),
			Versions: []pgtest.Version{{Number: "1.0.0", Metadata: map[string]string{"changelog_uri": "https://example.org/changes"}}},
			Links:    &pgtest.Linkset{Home: "https://example.org/home", Code: "https://github.com/example/ignored"},
		},
	}
}

// pgClient returns a client of a fresh dump database holding gems.
func pgClient(t *testing.T, gems []pgtest.Gem, opts registry.Options) (*registry.Client, string) {
	t.Helper()
	srv := pgtest.Start(t)
	url := srv.NewDumpDB(t)
	if err := pgtest.Load(context.Background(), url, gems); err != nil {
		t.Fatal(err)
	}
	opts.BaseURL = url
	c, err := registry.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, url
}

func TestPostgresGems(t *testing.T) {
	c, _ := pgClient(t, dumpGems(), registry.Options{})
	ctx := context.Background()
	tests := []struct {
		name      string
		latest    string
		builds    int
		mfa       bool
		popular   bool
		downloads int64
		err       error
	}{
		{name: "yanked-newest", latest: "1.9.0", builds: 2, downloads: 5000},
		{name: "platforms", latest: "3.0.0", builds: 3, mfa: true, downloads: 1000},
		{name: "platforms-disagree", latest: "1.1.0", builds: 2, downloads: 3},
		{name: "prerelease-newer", latest: "1.0.0", builds: 2, downloads: 7},
		{name: "popular-exact", latest: "1.0.0", builds: 1, popular: true, downloads: 250_000_000},
		{name: "all-yanked", err: registry.ErrNotFound},
		{name: "no-such-gem", err: registry.ErrNotFound},
		{name: "odd-metadata", latest: "0.1.0", builds: 1, mfa: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := c.Gem(ctx, tt.name)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g.Latest == nil || g.Latest.Number != tt.latest {
				t.Errorf("latest %+v, want %s", g.Latest, tt.latest)
			}
			if len(g.Versions) != tt.builds {
				t.Errorf("%d builds listed, want %d (yanked ones absent)", len(g.Versions), tt.builds)
			}
			if g.MFARequired() != tt.mfa || g.Popular() != tt.popular {
				t.Errorf("mfa %v popular %v, want %v %v", g.MFARequired(), g.Popular(), tt.mfa, tt.popular)
			}
			if tt.downloads != 0 && (!g.DownloadsExact || g.Downloads != tt.downloads) {
				t.Errorf("downloads %d exact %v, want exactly %d", g.Downloads, g.DownloadsExact, tt.downloads)
			}
		})
	}
	g, err := c.Gem(ctx, "odd-metadata")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"rubygems_mfa_required": "False", "quote\"d": `back\slash`, "arrow": "a=>b", "unicode": "日本語",
		"homepage_uri": "https://example.org/odd", "bell": registry.Sanitize("ring\x07"),
	}
	if !reflect.DeepEqual(g.Versions[0].Metadata, want) {
		t.Errorf("metadata %q, want %q (hstore read back, control characters stripped)", g.Versions[0].Metadata, want)
	}
	if g, _ := c.Gem(ctx, "prerelease-newer"); g == nil || !g.Versions[0].Prerelease || g.Versions[0].Number != "2.0.0.beta1" {
		t.Errorf("builds are not listed newest first with their prerelease flag: %+v", g)
	}
}

// TestPostgresBatches: a lookup of many gems costs a few queries, not one
// per gem, and every gem is answered.
func TestPostgresBatches(t *testing.T) {
	var gems []pgtest.Gem
	var names []string
	for i := range 2500 {
		n := fmt.Sprintf("gem-%04d", i)
		gems = append(gems, pgtest.Gem{Name: n, Total: i64(int64(i)), Versions: []pgtest.Version{{Number: "1.0.0", Downloads: int64(i)}}})
		names = append(names, n)
	}
	names = append(names, "missing-gem", "gem-0001", "bad/name")
	done := 0
	c, _ := pgClient(t, gems, registry.Options{OnDone: func(string, error) { done++ }})
	before := c.Stats().Queries
	res := c.Lookup(context.Background(), names)
	queries := c.Stats().Queries - before
	if queries != 3 { // 2,501 valid distinct names in batches of 1,000
		t.Errorf("%d queries for %d names, want 3", queries, len(names))
	}
	for i, r := range res[:2500] {
		if r.Err != nil || r.Gem == nil || r.Gem.Downloads != int64(i) {
			t.Fatalf("%s: %+v", r.Name, r)
		}
	}
	if !errors.Is(res[2500].Err, registry.ErrNotFound) || res[2501].Gem == nil || !errors.Is(res[2502].Err, registry.ErrInvalidName) {
		t.Errorf("missing, duplicate, invalid: %v / %v / %v", res[2500].Err, res[2501].Gem, res[2502].Err)
	}
	if done != 2502 {
		t.Errorf("OnDone called %d times, want once per distinct name (2502)", done)
	}
	// Asked again: answered from memory.
	c.Lookup(context.Background(), names[:10])
	if q := c.Stats().Queries - before; q != queries {
		t.Errorf("a second lookup sent %d more queries", q-queries)
	}
}

// TestPostgresMatchesAPI: gem data loaded from the API's own answers
// (recorded ones included) reads back from PostgreSQL as the file://
// source reads it from those answers.
func TestPostgresMatchesAPI(t *testing.T) {
	dir := filepath.Join("..", "testdata", "registry")
	gems, err := pgtest.FromAPIDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	pg, _ := pgClient(t, gems, registry.Options{})
	files, err := registry.New(registry.Options{BaseURL: "file://" + dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if len(gems) < 6 {
		t.Fatalf("only %d gems read from %s", len(gems), dir)
	}
	for _, pgG := range gems {
		t.Run(pgG.Name, func(t *testing.T) {
			a, errA := files.Gem(ctx, pgG.Name)
			b, errB := pg.Gem(ctx, pgG.Name)
			if (errA == nil) != (errB == nil) {
				t.Fatalf("file: %v; postgres: %v", errA, errB)
			}
			if errA != nil {
				return
			}
			if a.Latest == nil || b.Latest == nil || a.Latest.Number != b.Latest.Number || a.MFARequired() != b.MFARequired() || a.Popular() != b.Popular() {
				t.Errorf("latest %v/%v mfa %v/%v popular %v/%v", a.Latest, b.Latest, a.MFARequired(), b.MFARequired(), a.Popular(), b.Popular())
			}
			if !sameBuilds(a, b) {
				t.Errorf("builds differ:\nfile     %v\npostgres %v", builds(a), builds(b))
			}
			if a.ListedDownloads != b.ListedDownloads {
				t.Errorf("listed downloads %d / %d", a.ListedDownloads, b.ListedDownloads)
			}
		})
	}
}

func builds(g *registry.Gem) []string {
	var out []string
	for _, v := range g.Versions {
		keys := make([]string, 0, len(v.Metadata))
		for k, val := range v.Metadata {
			keys = append(keys, k+"="+val)
		}
		sort.Strings(keys)
		out = append(out, fmt.Sprintf("%s-%s pre=%v dl=%d %v", v.Number, v.Platform, v.Prerelease, v.Downloads, keys))
	}
	sort.Strings(out)
	return out
}

func sameBuilds(a, b *registry.Gem) bool { return reflect.DeepEqual(builds(a), builds(b)) }

func TestPostgresLinks(t *testing.T) {
	c, _ := pgClient(t, dumpGems(), registry.Options{})
	ctx := context.Background()
	l, err := c.Links(ctx, "linkset-only")
	if err != nil {
		t.Fatal(err)
	}
	if l.Homepage != "https://example.org/home" || l.SourceCode != "https://github.com/example/linkset-only" || l.BugTracker != "https://github.com/example/linkset-only/issues" {
		t.Errorf("links from the linkset: %+v", l)
	}
	if l.Documentation != "https://www.rubydoc.info/gems/linkset-only/1.0.0" {
		t.Errorf("documentation fallback %q", l.Documentation)
	}
	l, err = c.Links(ctx, "metadata-links")
	if err != nil {
		t.Fatal(err)
	}
	if l.SourceCode != "" || l.Changelog != "https://example.org/changes" || l.Homepage != "https://example.org/home" {
		t.Errorf("metadata links win but the homepage falls back: %+v", l)
	}
	if _, err := c.Links(ctx, "no-such-gem"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("links of a missing gem: %v", err)
	}
}

func TestPostgresEachGem(t *testing.T) {
	c, _ := pgClient(t, dumpGems(), registry.Options{})
	var names []string
	attested := map[string]bool{}
	err := c.EachGem(context.Background(), func(g *registry.Gem, ex registry.GemExtras) error {
		names = append(names, g.Name)
		if !ex.AttestationsKnown {
			t.Errorf("%s: attestations unknown", g.Name)
		}
		attested[g.Name] = ex.Attested
		if g.Name == "all-yanked" && len(g.Versions) != 0 {
			t.Errorf("all-yanked lists %d builds", len(g.Versions))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(dumpGems()) {
		t.Errorf("walked %d gems %v, want %d", len(names), names, len(dumpGems()))
	}
	// platforms: only one of the two builds of 3.0.0 is attested.
	for n, a := range attested {
		if a {
			t.Errorf("%s attested, want none (no latest release has every build attested)", n)
		}
	}
	stop := errors.New("stop")
	n := 0
	err = c.EachGem(context.Background(), func(*registry.Gem, registry.GemExtras) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("an error from fn: %v after %d calls", err, n)
	}
	files, _ := registry.New(registry.Options{BaseURL: "file://" + filepath.Join("..", "testdata", "registry")})
	if err := files.EachGem(context.Background(), func(*registry.Gem, registry.GemExtras) error { return nil }); !errors.Is(err, registry.ErrNoCensus) {
		t.Errorf("EachGem on file://: %v, want ErrNoCensus", err)
	}
}

func TestPostgresOwnerAndProvenance(t *testing.T) {
	when := time.Date(2026, 11, 30, 21, 21, 0, 0, time.UTC)
	gems := dumpGems()
	gems[0].Versions[1].CreatedAt = when
	c, url := pgClient(t, gems, registry.Options{})
	if _, err := c.OwnerGems(context.Background(), "bbatsov"); !errors.Is(err, registry.ErrNoOwnerData) {
		t.Errorf("owner gems from the dump: %v, want ErrNoOwnerData", err)
	}
	p := c.Provenance()
	if p == nil || p.Kind != registry.ProvenancePostgres || !p.Time.Equal(when) || !strings.HasPrefix(p.Location, "postgres://") {
		t.Fatalf("provenance %+v (url %s)", p, url)
	}
}

// TestPostgresRecord: a database source hands mfaudit mirror the
// documents the API would serve, and a file:// client reads them back to
// the same gem.
func TestPostgresRecord(t *testing.T) {
	dir := t.TempDir()
	record := func(kind, name string, body []byte) error {
		p := filepath.Join(dir, "api", "v1", kind, name+".json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, body, 0o644)
	}
	c, _ := pgClient(t, dumpGems(), registry.Options{Record: record})
	names := []string{"yanked-newest", "platforms", "popular-exact", "odd-metadata", "linkset-only"}
	res := c.Lookup(context.Background(), names)
	files, err := registry.New(registry.Options{BaseURL: "file://" + dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		back, err := files.Gem(context.Background(), r.Name)
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		if !sameBuilds(r.Gem, back) || back.MFARequired() != r.Gem.MFARequired() || back.Popular() != r.Gem.Popular() {
			t.Errorf("%s: read back differently:\n%v\n%v", r.Name, builds(r.Gem), builds(back))
		}
	}
	l, err := files.Links(context.Background(), "linkset-only")
	if err != nil || l.SourceCode != "https://github.com/example/linkset-only" {
		t.Errorf("recorded links %+v, %v", l, err)
	}
}

// TestPostgresBadInput: every database that cannot answer is a clear
// error naming what is wrong, and a password never shows.
func TestPostgresBadInput(t *testing.T) {
	srv := pgtest.Start(t)
	ctx := context.Background()
	open := func(url string) error {
		c, err := registry.New(registry.Options{BaseURL: url, Timeout: 5 * time.Second})
		if err == nil {
			c.Close()
		}
		return err
	}
	empty := srv.NewDB(t)
	noMetadata := srv.NewDumpDB(t)
	pgtest.Exec(t, noMetadata, "ALTER TABLE versions DROP COLUMN metadata, DROP COLUMN position")
	textMetadata := srv.NewDumpDB(t)
	pgtest.Exec(t, textMetadata, "ALTER TABLE versions ALTER COLUMN metadata DROP DEFAULT, ALTER COLUMN metadata TYPE text USING metadata::text")
	noLinksets := srv.NewDumpDB(t)
	pgtest.Exec(t, noLinksets, "DROP TABLE linksets")
	unloaded := srv.NewDumpDB(t)
	loaded := srv.NewDumpDB(t)
	if err := pgtest.Load(ctx, loaded, dumpGems()); err != nil {
		t.Fatal(err)
	}
	// No server listens in an empty socket directory.
	u, err := neturl.Parse(loaded)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("host", t.TempDir())
	u.RawQuery = q.Encode()
	refused := u.String()
	const secret = "s3cret-Pa55word"
	u.User = neturl.UserPassword(u.User.Username(), secret)
	withPassword := u.String()
	tests := []struct {
		name, url string
		want      string
	}{
		{"cannot connect", refused, "cannot connect to postgres://postgres@"},
		{"password never shown", withPassword, "cannot connect"},
		{"no dump tables", empty, "holds none of the tables of RubyGems.org's public dump"},
		{"missing columns", noMetadata, "table versions lacks column(s) position, metadata"},
		{"metadata not hstore", textMetadata, "versions.metadata is of type text, not hstore"},
		{"missing table", noLinksets, "lacks table(s) linksets"},
		{"empty dump", unloaded, "the rubygems table is empty"},
		{"not a URL", "postgres://%zz", "postgres"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := open(tt.url)
			if err == nil {
				t.Fatal("opened, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error shows the password: %q", err)
			}
		})
	}
	if err := open(loaded); err != nil {
		t.Errorf("the loaded database: %v", err)
	}
	t.Setenv("PGPASSWORD", secret)
	if err := open(refused); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("PGPASSWORD: %v", err)
	}
}
