package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry/pgtest"
	"github.com/mfaudit/mfaudit/report"
)

// allCorpus parses every corpus lockfile.
func allCorpus(t testing.TB) ([]string, []*lockfile.Lockfile) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "lockfiles", "*.lock"))
	if err != nil || len(paths) < 20 {
		t.Fatalf("corpus: %v (%d files)", err, len(paths))
	}
	var lfs []*lockfile.Lockfile
	for _, p := range paths {
		lf, err := lockfile.ParseFile(p)
		if err != nil {
			t.Fatalf("parse %s: %v", p, err)
		}
		lfs = append(lfs, lf)
	}
	return paths, lfs
}

// dumpOf turns a fake registry's gems into dump rows. Each gem also gets a
// yanked version newer than everything it lists, with the flag, which the
// HTTP API never shows: a database source must leave it out too.
func dumpOf(gems map[string]*fakeGem) []pgtest.Gem {
	names := make([]string, 0, len(gems))
	for n := range gems {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]pgtest.Gem, 0, len(gems))
	for _, n := range names {
		g := gems[n]
		total := g.Total
		var vs []pgtest.Version
		for _, b := range g.Builds {
			if g.Total == 0 {
				total += b.Downloads
			}
			vs = append(vs, pgtest.Version{Number: b.Number, Platform: b.Platform, Prerelease: b.Prerelease, Metadata: b.Metadata, Downloads: b.Downloads})
		}
		vs = append(vs, pgtest.Version{Number: "999999.0.0", Yanked: true, Metadata: map[string]string{"rubygems_mfa_required": "true"}, Downloads: 5})
		pg := pgtest.Gem{Name: n, Versions: vs, Total: &total}
		if len(g.Links) > 0 {
			pg.Links = &pgtest.Linkset{Home: g.Links["homepage_uri"], Code: g.Links["source_code_uri"]}
		}
		out = append(out, pg)
	}
	return out
}

// recordedGems adds the recorded API answers of testdata/registry to gems.
func recordedGems(t testing.TB, gems map[string]*fakeGem) {
	t.Helper()
	rec, err := pgtest.FromAPIDir(filepath.Join("..", "..", "testdata", "registry"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range rec {
		fg := &fakeGem{}
		for _, v := range g.Versions {
			fg.Builds = append(fg.Builds, fakeBuild{Number: v.Number, Platform: v.Platform, Prerelease: v.Prerelease, Metadata: v.Metadata, Downloads: v.Downloads})
		}
		if g.Total != nil {
			fg.Total = *g.Total
		}
		if g.Links != nil {
			fg.Links = map[string]string{"homepage_uri": g.Links.Home, "source_code_uri": g.Links.Code}
		}
		gems[g.Name] = fg
	}
}

// dumpDB loads gems into a fresh dump database and returns its URL.
func dumpDB(t testing.TB, gems []pgtest.Gem) string {
	t.Helper()
	url := pgtest.Start(t).NewDumpDB(t)
	if err := pgtest.Load(context.Background(), url, gems); err != nil {
		t.Fatal(err)
	}
	return url
}

// TestPostgresDifferential audits every corpus lockfile (and the demo
// lockfile of the recorded answers) twice, once against the HTTP test
// registry and once against a PostgreSQL database loaded with the same
// data, and requires the same verdict, latest version, flag and locked
// build's flag for every gem. Where the two legitimately differ — the
// database always knows the exact download total, the API path only when
// it can change the verdict — the test says so per case.
func TestPostgresDifferential(t *testing.T) {
	paths, lfs := allCorpus(t)
	demo := filepath.Join("..", "..", "testdata", "demo", "Gemfile.lock")
	if lf, err := lockfile.ParseFile(demo); err == nil {
		paths, lfs = append(paths, demo), append(lfs, lf)
	} else {
		t.Fatal(err)
	}
	fr := truthRegistry(t, lfs)
	recordedGems(t, fr.gems)
	url := dumpDB(t, dumpOf(fr.gems))

	audit := func(registryURL string) *report.Report {
		args := append([]string{"audit", "--no-cache", "--rate", "100000", "--concurrency", "16", "--registry-url", registryURL, "--format", "json"}, paths...)
		stdout, stderr, code := runCLI(t, terminal{}, args...)
		if code != exitFindings {
			t.Fatalf("audit --registry-url %s: exit %d\n%s", registryURL, code, stderr)
		}
		var r report.Report
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		return &r
	}
	web, db := audit(fr.URL()), audit(url)
	if db.Registry == nil || db.Registry.Kind != "postgresql" || !strings.HasPrefix(db.Registry.Database, "postgres://") {
		t.Errorf("the report does not say the data came from the database: %+v", db.Registry)
	}
	if web.Registry != nil {
		t.Errorf("the live registry's report names registry data %+v", web.Registry)
	}
	if len(web.Lockfiles) != len(db.Lockfiles) {
		t.Fatalf("%d / %d lockfiles", len(web.Lockfiles), len(db.Lockfiles))
	}
	compared, exactOnly, reasonDiffers := 0, 0, 0
	for i := range web.Lockfiles {
		a, b := web.Lockfiles[i].Gems, db.Lockfiles[i].Gems
		if len(a) != len(b) {
			t.Fatalf("%s: %d / %d findings", web.Lockfiles[i].Path, len(a), len(b))
		}
		for j := range a {
			fa, fb := a[j], b[j]
			where := fmt.Sprintf("%s:%d %s", filepath.Base(web.Lockfiles[i].Path), fa.Line, fa.Name)
			compared++
			if fa.Status != fb.Status || fa.LatestVersion != fb.LatestVersion || flagString(fa.MFAFlag) != flagString(fb.MFAFlag) || show(fa.LockedVersionMFA) != show(fb.LockedVersionMFA) {
				t.Errorf("%s: HTTP %s latest %q flag %s locked %s; PostgreSQL %s latest %q flag %s locked %s",
					where, fa.Status, fa.LatestVersion, flagString(fa.MFAFlag), show(fa.LockedVersionMFA),
					fb.Status, fb.LatestVersion, flagString(fb.MFAFlag), show(fb.LockedVersionMFA))
				continue
			}
			if fa.Status == report.NotCovered || fa.Status == report.Unknown {
				if fa.Reason != fb.Reason {
					t.Errorf("%s: reason %q / %q", where, fa.Reason, fb.Reason)
				}
				continue
			}
			if flagString(fa.SourceCodeURI) != flagString(fb.SourceCodeURI) {
				t.Errorf("%s: source code %s / %s", where, flagString(fa.SourceCodeURI), flagString(fb.SourceCodeURI))
			}
			// The database's total is always exact.
			if !fb.DownloadsExact {
				t.Errorf("%s: the database's downloads are not exact", where)
			}
			if fa.DownloadsExact != fb.DownloadsExact {
				exactOnly++
				if fa.Downloads > fb.Downloads {
					t.Errorf("%s: the listed sum %d exceeds the exact total %d", where, fa.Downloads, fb.Downloads)
				}
			} else if fa.Downloads != fb.Downloads {
				t.Errorf("%s: exact downloads %d / %d", where, fa.Downloads, fb.Downloads)
			}
			if fa.Reason != fb.Reason {
				// Only the popular-gem reason names how the count was got.
				if strings.Replace(fa.Reason, "sum of listed versions", "exact total", 1) != fb.Reason {
					t.Errorf("%s: reason\nHTTP       %q\nPostgreSQL %q", where, fa.Reason, fb.Reason)
				} else {
					reasonDiffers++
					t.Logf("%s: legitimately differs: HTTP counts %d downloads (%s), PostgreSQL %d (exact)", where, fa.Downloads, "sum of listed versions", fb.Downloads)
				}
			}
		}
	}
	t.Logf("%d findings compared; %d have an exact total only from the database; %d reasons differ only in naming it", compared, exactOnly, reasonDiffers)
	if compared < 3000 || exactOnly == 0 || reasonDiffers == 0 {
		t.Errorf("the comparison did not cover the cases: %d findings, %d exact-only, %d reasons", compared, exactOnly, reasonDiffers)
	}
	if web.Summary != db.Summary {
		t.Errorf("summaries differ:\nHTTP       %+v\nPostgreSQL %+v", web.Summary, db.Summary)
	}
}

// TestPostgresAuditTable: the human formats say where the data came from.
func TestPostgresAuditTable(t *testing.T) {
	fr := &fakeRegistry{gems: map[string]*fakeGem{}}
	recordedGems(t, fr.gems)
	when := time.Date(2026, 11, 30, 21, 21, 0, 0, time.UTC)
	gems := dumpOf(fr.gems)
	gems[0].Versions[0].CreatedAt = when
	url := dumpDB(t, gems)
	demo := filepath.Join("..", "..", "testdata", "demo", "Gemfile.lock")
	for _, format := range []string{"table", "markdown", "github", "sarif"} {
		stdout, stderr, code := runCLI(t, terminal{}, "audit", "--registry-url", url, "--format", format, demo)
		if code != exitFindings {
			t.Fatalf("%s: exit %d\n%s", format, code, stderr)
		}
		want := "registry data: PostgreSQL dump postgres://"
		if format == "sarif" {
			want = `"kind": "postgresql"`
		}
		if !strings.Contains(stdout, want) || !strings.Contains(stdout, "2026-11-30") {
			t.Errorf("%s output does not say the data came from the dump, newest version 2026-11-30:\n%s", format, stdout)
		}
	}
}

// TestPostgresBadDatabase: a database that cannot answer fails the audit
// with exit 1 and a clear error, and never prints an all-clear report.
func TestPostgresBadDatabase(t *testing.T) {
	srv := pgtest.Start(t)
	empty := srv.NewDB(t)
	noColumn := srv.NewDumpDB(t)
	pgtest.Exec(t, noColumn, "ALTER TABLE versions DROP COLUMN indexed")
	demo := filepath.Join("..", "..", "testdata", "demo", "Gemfile.lock")
	for _, tt := range []struct{ name, url, want string }{
		{"unreachable", "postgres://nobody@/rubygems?host=" + t.TempDir(), "cannot connect to postgres://nobody@/rubygems"},
		{"no tables", empty, "holds none of the tables of RubyGems.org's public dump"},
		{"missing column", noColumn, "table versions lacks column(s) indexed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, cmd := range [][]string{
				{"audit", "--format", "json", "--registry-url", tt.url, demo},
				{"census", "--format", "json", "--registry-url", tt.url},
			} {
				stdout, stderr, code := runCLI(t, terminal{}, cmd...)
				if code != exitError {
					t.Errorf("%s: exit %d, want %d", cmd[0], code, exitError)
				}
				if !strings.Contains(stderr, tt.want) {
					t.Errorf("%s: stderr %q lacks %q", cmd[0], stderr, tt.want)
				}
				if stdout != "" {
					t.Errorf("%s: printed a report anyway:\n%s", cmd[0], stdout)
				}
			}
		})
	}
	// census needs a database.
	_, stderr, code := runCLI(t, terminal{}, "census", "--registry-url", "https://rubygems.org")
	if code != exitUsage || !strings.Contains(stderr, "PostgreSQL") && !strings.Contains(stderr, "postgres://") {
		t.Errorf("census against HTTP: exit %d, %s", code, stderr)
	}
	// owner cannot be answered from the dump.
	url := dumpDB(t, []pgtest.Gem{{Name: "x", Versions: []pgtest.Version{{Number: "1.0.0"}}}})
	_, stderr, code = runCLI(t, terminal{}, "owner", "--registry-url", url, "bbatsov")
	if code != exitError || !strings.Contains(stderr, "no ownerships") {
		t.Errorf("owner against the dump: exit %d, %s", code, stderr)
	}
}

// TestCensus counts a registry whose every gem's verdict the test knows
// (the corpus truth registry) and checks the counts, the top list and that
// campaign plan can read the JSON.
func TestCensus(t *testing.T) {
	_, lfs := allCorpus(t)
	fr := truthRegistry(t, lfs)
	gems := dumpOf(fr.gems)
	// One gem with every version yanked: no release.
	gems = append(gems, pgtest.Gem{Name: "zz-all-yanked", Versions: []pgtest.Version{{Number: "1.0.0", Yanked: true}}})
	url := dumpDB(t, gems)

	// The test's own expectations, from the truth table.
	var want report.CensusCounts
	type ranked struct {
		name      string
		downloads int64
	}
	var exposed []ranked
	for name, g := range fr.gems {
		want.Total++
		h := hash(name)
		var total int64
		for _, b := range g.Builds {
			total += b.Downloads
		}
		if g.Total != 0 {
			total = g.Total
		}
		switch kindOf(name) {
		case kindProtected, kindTruthy:
			want.Protected++
		case kindOptedOut:
			if falseValues[h%uint32(len(falseValues))] == "" {
				want.Unprotected++ // blank reads as unset
			} else {
				want.OptedOut++
			}
			exposed = append(exposed, ranked{name, total})
		case kindMissing, kindAtThreshold:
			want.Unprotected++
			exposed = append(exposed, ranked{name, total})
		case kindPopularListed, kindPopularExact:
			want.Partial++
		case kindPrereleaseOnly:
			want.NoRelease++
		default:
			t.Fatalf("%s: kind %d in the registry", name, kindOf(name))
		}
	}
	want.Total++
	want.NoRelease++
	sort.Slice(exposed, func(i, j int) bool {
		if exposed[i].downloads != exposed[j].downloads {
			return exposed[i].downloads > exposed[j].downloads
		}
		return exposed[i].name < exposed[j].name
	})

	out := filepath.Join(t.TempDir(), "census.json")
	_, stderr, code := runCLI(t, terminal{}, "census", "--registry-url", url, "--top", "25", "--format", "json", "--output", out)
	if code != 0 {
		t.Fatalf("census: exit %d\n%s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := report.ReadJSON(f, out)
	if err != nil {
		t.Fatalf("the census JSON is not a report campaign plan reads: %v", err)
	}
	if r.Census == nil || r.Census.Gems != want {
		t.Fatalf("census gems %+v, want %+v", r.Census, want)
	}
	if r.Census.Attested == nil || *r.Census.Attested != 0 {
		t.Errorf("attested %v, want 0", r.Census.Attested)
	}
	top := r.Lockfiles[0].Gems
	if len(top) != 25 {
		t.Fatalf("top list has %d gems, want 25", len(top))
	}
	for i, f := range top {
		if f.Name != exposed[i].name || f.Downloads != exposed[i].downloads || f.Status != report.Unprotected {
			t.Errorf("top %d: %s %d %s, want %s %d unprotected", i+1, f.Name, f.Downloads, f.Status, exposed[i].name, exposed[i].downloads)
		}
	}
	// The table and Markdown say the same numbers.
	for _, format := range []string{"table", "markdown"} {
		stdout, _, code := runCLI(t, terminal{}, "census", "--registry-url", url, "--top", "3", "--format", format)
		if code != 0 || !strings.Contains(stdout, fmt.Sprintf("census: %s gems", thousandsTest(want.Total))) || !strings.Contains(stdout, exposed[0].name) {
			t.Errorf("%s: exit %d\n%s", format, code, stdout)
		}
	}
}

func thousandsTest(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestPostgresMirrorAndCampaign: mirror and campaign work unchanged on the
// database. A mirror taken from it gives the database's verdicts, and
// campaign plan proposes what it proposes from the recorded answers.
func TestPostgresMirrorAndCampaign(t *testing.T) {
	fr := &fakeRegistry{gems: map[string]*fakeGem{}}
	recordedGems(t, fr.gems)
	url := dumpDB(t, dumpOf(fr.gems))

	out := filepath.Join(t.TempDir(), "mirror")
	if _, stderr, code := runCLI(t, terminal{}, "mirror", "--out", out, "--registry-url", url, demoLock); code != exitOK {
		t.Fatalf("mirror from the database: exit %d\n%s", code, stderr)
	}
	manifest, err := os.ReadFile(filepath.Join(out, "mfaudit-mirror.json"))
	if err != nil || !strings.Contains(string(manifest), `"postgres://`) {
		t.Errorf("the mirror's manifest does not name the database: %v\n%s", err, manifest)
	}
	findings := func(registryURL string) []report.Finding {
		stdout, stderr, code := runCLI(t, terminal{}, "audit", "--format", "json", "--registry-url", registryURL, demoLock)
		if code != exitFindings {
			t.Fatalf("audit --registry-url %s: exit %d\n%s", registryURL, code, stderr)
		}
		var r report.Report
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		return r.Lockfiles[0].Gems
	}
	db, mirrored := findings(url), findings("file://"+out)
	if len(db) != len(mirrored) || len(db) < 9 {
		t.Fatalf("%d findings from the database, %d from its mirror", len(db), len(mirrored))
	}
	for i := range db {
		a, b := db[i], mirrored[i]
		if a.Name != b.Name || a.Status != b.Status || a.Reason != b.Reason || a.Downloads != b.Downloads {
			t.Errorf("database %s %s %q %d; its mirror %s %s %q %d", a.Name, a.Status, a.Reason, a.Downloads, b.Name, b.Status, b.Reason, b.Downloads)
		}
	}

	gh := campaignFake(t)
	plan := func(registryURL string) string {
		args := []string{"campaign", "plan", "--github-url", gh.URL(), "--registry-url", registryURL,
			"--state", filepath.Join(t.TempDir(), "campaign.json"), demoLock}
		stdout, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, args...)
		if code != exitOK {
			t.Fatalf("campaign plan --registry-url %s: exit %d\n%s", registryURL, code, stderr)
		}
		return stdout
	}
	fromDB, fromFiles := plan(url), plan(demoRegistryURL(t))
	if fromDB != fromFiles || !strings.Contains(fromDB, "dry-rb/dry-struct") {
		t.Errorf("campaign plan from the database:\n%s\nfrom the recorded answers:\n%s", fromDB, fromFiles)
	}
	if len(gh.Writes()) != 0 {
		t.Errorf("plan wrote to GitHub: %v", gh.Writes())
	}
}
