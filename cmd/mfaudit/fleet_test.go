package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/report"
)

// fleetTree lays out a fleet of repositories from corpus lockfiles, with
// the traps a recursive scan meets: a vendored lockfile, one in
// node_modules, a symbolic link loop, a second link to a repository, and a
// lockfile that does not parse. It returns the root and the lockfiles a
// scan must find, relative to it.
func fleetTree(t *testing.T) (string, []string) {
	t.Helper()
	root := t.TempDir()
	corpus := filepath.Join("..", "..", "testdata", "lockfiles")
	copyTo := func(name, rel string) {
		data, err := os.ReadFile(filepath.Join(corpus, name))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyTo("rails__rails__Gemfile.lock", "rails/Gemfile.lock")
	copyTo("heartcombo__devise__Gemfile.lock", "devise/Gemfile.lock")
	copyTo("socketry__falcon__gems.locked@6e55147e8013.lock", "falcon/gems.locked")
	copyTo("basecamp__kamal__Gemfile.lock", "apps/kamal/Gemfile.lock")
	copyTo("lobsters__lobsters__Gemfile.lock", "apps/kamal/vendor/bundle/lobsters/Gemfile.lock")
	copyTo("Shopify__tapioca__Gemfile.lock", "web/node_modules/x/Gemfile.lock")
	if err := os.MkdirAll(filepath.Join(root, "broken"), 0o755); err != nil {
		t.Fatal(err)
	}
	broken := "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.1.0)\n<<<<<<< HEAD\n    rake (13.0.0)\n"
	if err := os.WriteFile(filepath.Join(root, "broken", "Gemfile.lock"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"apps/loop": "..", "devise-again": "devise"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	return root, []string{"apps/kamal/Gemfile.lock", "broken/Gemfile.lock", "devise/Gemfile.lock", "falcon/gems.locked", "rails/Gemfile.lock"}
}

// TestAuditRecursive scans the fleet: it finds exactly the lockfiles it
// should, asks the registry once per distinct gem across all of them,
// reports the broken lockfile with its line and goes on, ranks the gems
// shared by several lockfiles, and exits 1 because the audit is incomplete.
func TestAuditRecursive(t *testing.T) {
	root, want := fleetTree(t)
	var lfs []*lockfile.Lockfile
	for _, rel := range want {
		if rel == "broken/Gemfile.lock" {
			continue
		}
		lf, err := lockfile.ParseFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		lfs = append(lfs, lf)
	}
	fr := truthRegistry(t, lfs)
	stdout, stderr, code := runCLI(t, terminal{}, "audit", "--recursive", "--no-cache", "--rate", "100000",
		"--concurrency", "16", "--registry-url", fr.URL(), "--format", "json", root)
	if code != exitError {
		t.Fatalf("exit %d, want %d (incomplete: a lockfile did not parse); stderr:\n%s", code, exitError, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var got []string
	for _, lr := range r.Lockfiles {
		rel, _ := filepath.Rel(root, lr.Path)
		got = append(got, filepath.ToSlash(rel))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audited %v, want %v", got, want)
	}
	// The broken lockfile: reported with its line, nothing judged.
	for _, lr := range r.Lockfiles {
		if strings.HasSuffix(lr.Path, "broken/Gemfile.lock") {
			if !strings.Contains(lr.Error, "broken/Gemfile.lock:5:") || len(lr.Gems) != 0 {
				t.Errorf("broken lockfile: error %q, %d gems", lr.Error, len(lr.Gems))
			}
		} else if lr.Error != "" || len(lr.Gems) == 0 {
			t.Errorf("%s: error %q, %d gems", lr.Path, lr.Error, len(lr.Gems))
		}
	}
	if !r.Incomplete || !strings.Contains(stderr, "broken/Gemfile.lock:5:") || !strings.Contains(stderr, "audit incomplete: 1 lockfile(s) could not be read") {
		t.Errorf("incomplete %v; stderr:\n%s", r.Incomplete, stderr)
	}
	// Each distinct RubyGems.org gem was asked for exactly once.
	distinct := map[string]bool{}
	for _, n := range report.LookupNames(lfs, report.EvaluateOptions{}) {
		distinct[n] = true
	}
	asked := 0
	for p, n := range fr.paths() {
		if !strings.HasPrefix(p, "/api/v1/versions/") {
			continue
		}
		asked++
		if n != 1 {
			t.Errorf("%s was asked for %d times", p, n)
		}
		if !distinct[strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/versions/"), ".json")] {
			t.Errorf("%s is not locked from RubyGems.org by any lockfile found", p)
		}
	}
	if asked != len(distinct) {
		t.Errorf("asked for %d gems, want the %d distinct ones", asked, len(distinct))
	}
	// The aggregate ranks the gems several lockfiles share first.
	if len(r.Aggregate) == 0 {
		t.Fatal("no aggregate")
	}
	for i := 1; i < len(r.Aggregate); i++ {
		if len(r.Aggregate[i].Lockfiles) > len(r.Aggregate[i-1].Lockfiles) {
			t.Fatalf("aggregate not ranked by lockfiles at %d: %+v then %+v", i, r.Aggregate[i-1], r.Aggregate[i])
		}
	}
	top := r.Aggregate[0]
	if len(top.Lockfiles) < 2 || len(top.DirectVia) == 0 || !sort.StringsAreSorted(top.DirectVia) {
		t.Errorf("top of the aggregate: %+v", top)
	}
}
