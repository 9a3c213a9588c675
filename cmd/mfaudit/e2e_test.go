package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/report"
)

// corpusLockfiles are real lockfiles (see testdata/lockfiles/ORIGIN.md)
// chosen for their variety: PATH and GIT sections, many platforms, JRuby,
// a second GEM section for a private server, and a Bundler 1.x GEM section
// with two remotes.
var corpusLockfiles = []string{
	"rails__rails__Gemfile.lock",
	"diaspora__diaspora__Gemfile.lock@36b4076af623.lock",
	"CocoaPods__CocoaPods__Gemfile.lock",
	"rubygems__rubygems.org__Gemfile.lock",
	"huginn__huginn__Gemfile.lock",
	"dependabot__dependabot-core__Gemfile.lock",
	"elastic__logstash__Gemfile.jruby-3.1.lock.release@b21ca98ef345.lock",
	"CocoaPods__CocoaPods__Gemfile.lock@924bae285ffd.lock",
}

// truthKind is what the test registry says about a gem, picked from a hash
// of its name so that every run, and every reader, gets the same table.
type truthKind int

const (
	kindProtected      truthKind = iota // latest release: "true"
	kindTruthy                          // latest release: another truthy value
	kindOptedOut                        // latest release: a false value
	kindMissing                         // latest release: no flag
	kindPopularListed                   // no flag; listed builds sum over the threshold
	kindPopularExact                    // no flag; only the exact total is over it
	kindAtThreshold                     // no flag; exact total exactly 180,000,000
	kindNotFound                        // 404
	kindPrereleaseOnly                  // only prereleases, even with the flag
	numKinds
)

var kindNames = [...]string{"protected", "truthy", "opted-out", "missing", "popular-listed", "popular-exact", "at-threshold", "not-found", "prerelease-only"}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func kindOf(name string) truthKind { return truthKind(hash(name) % uint32(numKinds)) }

// lockedMode says how the registry lists a gem's locked builds: 0 not at
// all (yanked), 1 with the flag, 2 and 3 without it.
func lockedMode(name string) uint32 { return hash("locked:"+name) % 4 }

var (
	truthyValues = []string{"1", "yes", "t", "False", "TRUE", "no"}
	falseValues  = []string{"false", "0", "f", "F", "FALSE", "off", "OFF", ""}
)

const latestNumber = "99999.0.0"

// corpusCovered is the test's own reading of which specs RubyGems.org
// judges: GEM sections whose remotes include rubygems.org as Bundler wrote it.
func corpusCovered(s *lockfile.Spec) bool {
	if s.Source == nil || s.Source.Type != lockfile.SourceRubygems {
		return false
	}
	for _, r := range s.Source.Remotes {
		if r == "https://rubygems.org/" || r == "http://rubygems.org/" {
			return true
		}
	}
	return false
}

type build struct{ version, platform string }

// truthRegistry builds the test registry for the given lockfiles.
func truthRegistry(t testing.TB, lfs []*lockfile.Lockfile) *fakeRegistry {
	locked := map[string][]build{}
	seen := map[string]map[build]bool{}
	for _, lf := range lfs {
		for _, s := range lf.Specs {
			if !corpusCovered(s) {
				continue
			}
			// Copies, so that the lockfiles' text is not kept alive by
			// the registry (the memory benchmark measures the audit).
			name := strings.Clone(s.Name)
			b := build{strings.Clone(s.Version), strings.Clone(s.Platform)}
			if seen[name] == nil {
				seen[name] = map[build]bool{}
			}
			if !seen[name][b] {
				seen[name][b] = true
				locked[name] = append(locked[name], b)
			}
		}
	}
	gems := map[string]*fakeGem{}
	for name, builds := range locked {
		k := kindOf(name)
		if k == kindNotFound {
			continue
		}
		h := hash(name)
		latest := fakeBuild{Number: latestNumber, Platform: "ruby", Downloads: 1000, Metadata: map[string]string{}}
		g := &fakeGem{}
		switch k {
		case kindProtected:
			latest.Metadata["rubygems_mfa_required"] = "true"
		case kindTruthy:
			latest.Metadata["rubygems_mfa_required"] = truthyValues[h%uint32(len(truthyValues))]
		case kindOptedOut:
			latest.Metadata["rubygems_mfa_required"] = falseValues[h%uint32(len(falseValues))]
		case kindPopularListed:
			latest.Downloads = 200_000_000
		case kindPopularExact:
			latest.Downloads, g.Total = 100_000_000, 300_000_000
		case kindAtThreshold:
			latest.Downloads, g.Total = 100_000_000, 180_000_000
		case kindPrereleaseOnly:
			latest.Number, latest.Prerelease = latestNumber+".pre", true
			latest.Metadata["rubygems_mfa_required"] = "true"
		}
		g.Builds = append(g.Builds, latest)
		if mode := lockedMode(name); mode != 0 {
			for _, b := range builds {
				fb := fakeBuild{Number: b.version, Platform: b.platform, Downloads: 1000, Prerelease: k == kindPrereleaseOnly}
				if mode == 1 {
					fb.Metadata = map[string]string{"rubygems_mfa_required": "true"}
				}
				g.Builds = append(g.Builds, fb)
			}
		}
		gems[name] = g
	}
	return newFakeRegistry(t, gems)
}

// expected is the truth for one spec.
type expected struct {
	status report.Status
	locked string // "true", "false" or "null"
	latest string
	flag   string // raw value, or "null"
	exact  bool
}

func truthFor(s *lockfile.Spec) expected {
	if !corpusCovered(s) {
		return expected{status: report.NotCovered, locked: "null", flag: "null"}
	}
	k := kindOf(s.Name)
	if k == kindNotFound {
		return expected{status: report.Unknown, locked: "null", flag: "null"}
	}
	e := expected{latest: latestNumber, flag: "null"}
	switch lockedMode(s.Name) {
	case 0:
		e.locked = "null"
	case 1:
		e.locked = "true"
	default:
		e.locked = "false"
	}
	h := hash(s.Name)
	switch k {
	case kindProtected:
		e.status, e.flag = report.Protected, "true"
	case kindTruthy:
		e.status, e.flag = report.Protected, truthyValues[h%uint32(len(truthyValues))]
	case kindOptedOut:
		e.status, e.flag = report.Unprotected, falseValues[h%uint32(len(falseValues))]
	case kindMissing:
		e.status = report.Unprotected
	case kindPopularListed:
		e.status = report.Partial
	case kindPopularExact:
		e.status, e.exact = report.Partial, true
	case kindAtThreshold:
		e.status, e.exact = report.Unprotected, true
	case kindPrereleaseOnly:
		e.status, e.latest = report.Unprotected, ""
	}
	return e
}

func flagString(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}

// TestAuditCorpusTruth audits real lockfiles against a registry whose
// answers the test dictates, and checks every verdict in the JSON.
func TestAuditCorpusTruth(t *testing.T) {
	var paths []string
	var lfs []*lockfile.Lockfile
	for _, name := range corpusLockfiles {
		p := filepath.Join("..", "..", "testdata", "lockfiles", name)
		lf, err := lockfile.ParseFile(p)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		paths = append(paths, p)
		lfs = append(lfs, lf)
	}
	fr := truthRegistry(t, lfs)

	args := append([]string{"audit", "--no-cache", "--rate", "100000", "--concurrency", "16", "--registry-url", fr.URL(), "--format", "json"}, paths...)
	stdout, stderr, code := runCLI(t, terminal{}, args...)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFindings, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	// Lines Bundler ignores are reported on stderr with their place.
	for i, lf := range lfs {
		for _, w := range lf.Warnings {
			if want := fmt.Sprintf("mfaudit: warning: %s:%d: ", paths[i], w.Line); !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
	}
	if len(r.Lockfiles) != len(lfs) {
		t.Fatalf("%d lockfiles reported, want %d", len(r.Lockfiles), len(lfs))
	}

	statuses := map[report.Status]int{}
	kinds := map[truthKind]int{}
	checked, ambiguous := 0, 0
	for i, lf := range lfs {
		got := r.Lockfiles[i].Gems
		if len(got) != len(lf.Specs) {
			t.Errorf("%s: %d findings, want one per spec (%d)", paths[i], len(got), len(lf.Specs))
			continue
		}
		for j, s := range lf.Specs {
			f := got[j]
			where := fmt.Sprintf("%s:%d %s %s %s", filepath.Base(paths[i]), s.Line, s.Name, s.Version, s.Platform)
			if f.Name != s.Name || f.Version != s.Version || f.Platform != s.Platform || f.Line != s.Line {
				t.Errorf("%s: finding %d is %s %s %s line %d: not in lockfile order", where, j, f.Name, f.Version, f.Platform, f.Line)
				continue
			}
			want := truthFor(s)
			if f.Status != want.status {
				t.Errorf("%s (%s): status %s, want %s; reason %q", where, kindNames[kindOf(s.Name)], f.Status, want.status, f.Reason)
			}
			if gotLocked := show(f.LockedVersionMFA); gotLocked != want.locked {
				t.Errorf("%s: locked_version_mfa %s, want %s", where, gotLocked, want.locked)
			}
			if want.status != report.NotCovered && want.status != report.Unknown {
				if f.LatestVersion != want.latest {
					t.Errorf("%s: latest_version %q, want %q", where, f.LatestVersion, want.latest)
				}
				if gotFlag := flagString(f.MFAFlag); gotFlag != want.flag {
					t.Errorf("%s: mfa_flag %q, want %q", where, gotFlag, want.flag)
				}
				if f.DownloadsExact != want.exact {
					t.Errorf("%s: downloads_exact %v, want %v", where, f.DownloadsExact, want.exact)
				}
			}
			if want.locked == "null" && want.status != report.NotCovered && want.status != report.Unknown &&
				!strings.Contains(f.Reason, "is not listed on RubyGems.org") {
				t.Errorf("%s: reason %q does not say the locked build is not listed", where, f.Reason)
			}
			if want.status == report.Unknown && f.Reason != "not found on RubyGems.org" && !strings.HasPrefix(f.Reason, "not found on RubyGems.org;") {
				t.Errorf("%s: reason %q, want not found", where, f.Reason)
			}
			if s.Source.Ambiguous() && corpusCovered(s) {
				ambiguous++
				if !strings.Contains(f.Reason, "source ambiguous") {
					t.Errorf("%s: reason %q does not say the source is ambiguous", where, f.Reason)
				}
			}
			if f.Status == report.Protected && f.FailsGate || (f.Status == report.Unprotected || f.Status == report.Unknown) && !f.FailsGate {
				t.Errorf("%s: fails_gate %v for %s", where, f.FailsGate, f.Status)
			}
			statuses[f.Status]++
			if corpusCovered(s) {
				kinds[kindOf(s.Name)]++
			}
			checked++
		}
	}

	// The table must have exercised every kind and every verdict.
	for k := truthKind(0); k < numKinds; k++ {
		if kinds[k] == 0 {
			t.Errorf("no spec of kind %s in the corpus sample", kindNames[k])
		}
	}
	for _, st := range report.Statuses() {
		if statuses[st] == 0 {
			t.Errorf("no %s verdict in the corpus sample", st)
		}
	}
	if ambiguous == 0 {
		t.Error("no spec from a GEM section with several remotes")
	}
	sum := r.Summary
	if sum.Total() != checked || sum.Protected != statuses[report.Protected] || sum.Unknown != statuses[report.Unknown] {
		t.Errorf("summary %+v does not match the %d findings %v", sum, checked, statuses)
	}

	// One request per gem, and the second endpoint only where it decides.
	for p, n := range fr.paths() {
		name := strings.TrimSuffix(p[strings.LastIndexByte(p, '/')+1:], ".json")
		if n != 1 {
			t.Errorf("%s requested %d times, want once", p, n)
		}
		if strings.HasPrefix(p, "/api/v1/gems/") {
			if k := kindOf(name); k != kindPopularExact && k != kindAtThreshold {
				t.Errorf("%s requested for a %s gem; the versions list already decides", p, kindNames[k])
			}
		}
	}
	t.Logf("%d findings checked: %v", checked, statuses)
}
