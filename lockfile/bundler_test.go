package lockfile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The differential tests run Debian's Bundler (2.3.15, with RubyGems 3.3.15)
// through testdata/bundler_dump.rb and compare what its LockfileParser reads
// with what Parse reads. Bundler's result is normalised, never ours; each
// normalisation is explained where it is made:
//
//   - Platforms: RubyGems 3.3 drops a Linux libc version that starts with
//     "gnu": "x86_64-linux-gnu" and "arm-linux-gnueabihf" print as
//     "x86_64-linux" and "arm-linux" (Gem::Platform's
//     `linux-?((?!gnu)\w+)?`; RubyGems 3.4 and later keep it). The lockfile,
//     and so Parse, has the full name: it is what the registry lists.
//   - GEM remotes: Bundler stores them last first (Source::Rubygems.from_lock
//     reverses them), with a trailing "/", and each once; Parse keeps every
//     remote: line, in file order, as written.
//   - Spec order: Bundler sorts specs by name, version and platform; Parse
//     keeps file order. Both are compared as sorted lists.
//   - DEPENDENCIES requirements: Bundler prints Gem::Requirement, which spells
//     a bare version "= v" and no requirement ">= 0".
//   - Whitespace-only lines: Bundler 2.5 and later skip them, as Parse does;
//     2.3 hands them to the section, so "  " under PLATFORMS adds the ruby
//     platform, under RUBY VERSION blanks the version and under BUNDLED WITH
//     makes it "0". Inputs with such a line are not compared.
//   - CHECKSUMS: Bundler 2.3 predates the section (added in 2.5) and skips it
//     as unknown, so checksums are not compared; the rest of such files is.

// bundlerSource, bundlerSpec, bundlerDep and bundlerResult mirror the JSON
// that bundler_dump.rb prints.
type bundlerSource struct {
	Type    string   `json:"type"`
	Remotes []string `json:"remotes"`
}

type bundlerSpec struct {
	Name         string         `json:"name"`
	Version      string         `json:"version"`
	Platform     string         `json:"platform"`
	Source       *bundlerSource `json:"source"`
	Dependencies []string       `json:"dependencies"`
}

type bundlerDep struct {
	Name         string   `json:"name"`
	Requirements []string `json:"requirements"`
	Source       string   `json:"source"`
}

type bundlerResult struct {
	Error        string        `json:"error"`
	Specs        []bundlerSpec `json:"specs"`
	Dependencies []bundlerDep  `json:"dependencies"`
	Platforms    []string      `json:"platforms"`
	RubyVersion  string        `json:"ruby_version"`
	BundledWith  string        `json:"bundled_with"`
}

type bundlerDump struct {
	Bundler  string `json:"bundler"`
	RubyGems string `json:"rubygems"`
	Files    map[string]struct {
		LF   bundlerResult  `json:"lf"`
		CRLF *bundlerResult `json:"crlf"`
	} `json:"files"`
}

const noRubyMessage = "!!! lockfile: ruby is not installed, so the parser is NOT being checked against real Bundler; " +
	"install Debian's ruby and bundler packages (apt-get install ruby bundler) to run the differential tests !!!"

var skipNotice sync.Once

// runBundler parses files with real Bundler in one ruby process. Without
// ruby the test is skipped, loudly, except in CI where it fails.
func runBundler(t *testing.T, crlf bool, files ...string) *bundlerDump {
	t.Helper()
	ruby, err := exec.LookPath("ruby")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ruby not found, and CI is set: the differential test against Bundler must run in CI (.ci/run installs Debian's ruby and bundler): %v", err)
		}
		// go test shows skip messages only with -v; this one must be seen.
		skipNotice.Do(func() { fmt.Fprintln(os.Stderr, noRubyMessage) })
		t.Skip(noRubyMessage)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := []string{"testdata/bundler_dump.rb"}
	if crlf {
		args = append(args, "--crlf")
	}
	cmd := exec.CommandContext(ctx, ruby, append(args, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running Bundler: %v\n%s", err, stderr.String())
	}
	var dump bundlerDump
	if err := json.Unmarshal(out, &dump); err != nil {
		t.Fatalf("reading Bundler's output: %v\n%s", err, out)
	}
	if len(dump.Files) != len(files) {
		t.Fatalf("Bundler reported %d files, want %d", len(dump.Files), len(files))
	}
	return &dump
}

// dropsGNU reports whether RubyGems version v prints "x86_64-linux-gnu" as
// "x86_64-linux": versions before 3.4 do.
func dropsGNU(v string) bool {
	return strings.HasPrefix(v, "3.") && len(v) > 2 && v[2] >= '0' && v[2] <= '3' && (len(v) == 3 || v[3] == '.')
}

// normalizePlatform maps a lockfile platform to what Gem::Platform#to_s
// prints for it, given whether RubyGems drops "-gnu" (see the list at the
// top of the file).
func normalizePlatform(p string, dropGNU bool) string {
	if base, libc, ok := strings.Cut(p, "-linux-gnu"); ok && dropGNU && !strings.Contains(libc, "-") {
		return base + "-linux"
	}
	return p
}

// normalizeRemotes gives a source's remotes the way Bundler reports them.
func normalizeRemotes(s *Source) []string {
	if s.Type != SourceRubygems {
		return s.Remotes
	}
	// Source::Rubygems#add_remote keeps the first of repeated remotes and
	// puts each new one in front.
	var r []string
	for _, u := range s.Remotes {
		if u = remoteKey(u); !slices.Contains(r, u) {
			r = append(r, u)
		}
	}
	slices.Reverse(r)
	if r == nil {
		r = []string{}
	}
	return r
}

// normalizeRequirements spells requirements the way Gem::Requirement prints them.
func normalizeRequirements(reqs []string) []string {
	if len(reqs) == 0 {
		return []string{">= 0"}
	}
	out := make([]string, 0, len(reqs))
	for _, r := range reqs {
		op := "="
		for _, o := range []string{"!=", ">=", "<=", "~>", "=", ">", "<"} {
			if rest, ok := strings.CutPrefix(r, o); ok {
				op, r = o, rest
				break
			}
		}
		out = append(out, op+" "+trimRubySpace(r))
	}
	slices.Sort(out)
	return out
}

// goSpecRows describes every spec as one comparable line.
func goSpecRows(lf *Lockfile, dropGNU bool) []string {
	var rows []string
	for _, s := range lf.Specs {
		deps := make([]string, 0, len(s.Dependencies))
		for _, d := range s.Dependencies {
			deps = append(deps, d.Name)
		}
		rows = append(rows, fmt.Sprintf("%s %s %s %s %q deps=%q", s.Name, s.Version, normalizePlatform(s.Platform, dropGNU),
			s.Source.Type, normalizeRemotes(s.Source), deps))
	}
	slices.Sort(rows)
	return rows
}

func bundlerSpecRows(r *bundlerResult) []string {
	var rows []string
	for _, s := range r.Specs {
		src := bundlerSource{Type: "none"}
		if s.Source != nil {
			src = *s.Source
		}
		if src.Remotes == nil {
			src.Remotes = []string{}
		}
		deps := s.Dependencies
		if deps == nil {
			deps = []string{}
		}
		rows = append(rows, fmt.Sprintf("%s %s %s %s %q deps=%q", s.Name, s.Version, s.Platform, src.Type, src.Remotes, deps))
	}
	slices.Sort(rows)
	return rows
}

func goDependencyRows(lf *Lockfile) []string {
	var rows []string
	for _, d := range lf.Dependencies {
		src := ""
		if d.Pinned && d.Name != "bundler" {
			// Bundler takes the source of the first spec of that name.
			for _, s := range lf.Specs {
				if s.Name == d.Name {
					src = string(s.Source.Type)
					break
				}
			}
		}
		rows = append(rows, fmt.Sprintf("%s %q %s", d.Name, normalizeRequirements(d.Requirements), src))
	}
	slices.Sort(rows)
	return rows
}

func bundlerDependencyRows(r *bundlerResult) []string {
	var rows []string
	for _, d := range r.Dependencies {
		reqs := slices.Sorted(slices.Values(d.Requirements))
		rows = append(rows, fmt.Sprintf("%s %q %s", d.Name, reqs, d.Source))
	}
	slices.Sort(rows)
	return rows
}

// diffRows reports the rows only one side has.
func diffRows(t *testing.T, what string, gotGo, gotBundler []string) {
	t.Helper()
	var onlyGo, onlyBundler []string
	for _, r := range gotGo {
		if !slices.Contains(gotBundler, r) {
			onlyGo = append(onlyGo, r)
		}
	}
	for _, r := range gotBundler {
		if !slices.Contains(gotGo, r) {
			onlyBundler = append(onlyBundler, r)
		}
	}
	if len(gotGo) != len(gotBundler) || len(onlyGo) > 0 || len(onlyBundler) > 0 {
		t.Errorf("%s: Parse has %d, Bundler %d\nonly in Parse:\n  %s\nonly in Bundler:\n  %s", what, len(gotGo), len(gotBundler),
			strings.Join(head(onlyGo), "\n  "), strings.Join(head(onlyBundler), "\n  "))
	}
}

func head(s []string) []string {
	if len(s) > 10 {
		return append(s[:10:10], fmt.Sprintf("... and %d more", len(s)-10))
	}
	return s
}

// compareWithBundler checks a parse against Bundler's reading of the same file.
func compareWithBundler(t *testing.T, lf *Lockfile, b *bundlerResult, rubygems string) {
	t.Helper()
	if b.Error != "" {
		t.Fatalf("Bundler failed: %s", b.Error)
	}
	diffRows(t, "specs", goSpecRows(lf, dropsGNU(rubygems)), bundlerSpecRows(b))
	diffRows(t, "dependencies", goDependencyRows(lf), bundlerDependencyRows(b))
	var plats []string
	for _, p := range lf.Platforms {
		plats = append(plats, normalizePlatform(p, dropsGNU(rubygems)))
	}
	if !slices.Equal(plats, b.Platforms) && !(len(plats) == 0 && len(b.Platforms) == 0) {
		t.Errorf("platforms: Parse %q, Bundler %q", plats, b.Platforms)
	}
	if lf.RubyVersion != b.RubyVersion {
		t.Errorf("RUBY VERSION: Parse %q, Bundler %q", lf.RubyVersion, b.RubyVersion)
	}
	if lf.BundledWith != b.BundledWith {
		t.Errorf("BUNDLED WITH: Parse %q, Bundler %q", lf.BundledWith, b.BundledWith)
	}
}

// TestBundlerCorpus compares Parse with Bundler on every corpus lockfile, as
// written and converted to CRLF line endings.
func TestBundlerCorpus(t *testing.T) {
	files := corpusFiles(t)
	dump := runBundler(t, true, files...)
	t.Logf("Bundler %s, RubyGems %s", dump.Bundler, dump.RubyGems)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			lf, err := ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(lf.Checksums) > 0 {
				t.Logf("CHECKSUMS (%d lines) not compared: Bundler %s predates the section and skips it", len(lf.Checksums), dump.Bundler)
			}
			got := dump.Files[path]
			compareWithBundler(t, lf, &got.LF, dump.RubyGems)

			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			crlf, err := Parse(bytes.NewReader(bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))), path)
			if err != nil {
				t.Fatalf("CRLF: %v", err)
			}
			if !equalLockfiles(lf, crlf) {
				t.Errorf("Parse reads the CRLF copy differently")
			}
			compareWithBundler(t, crlf, got.CRLF, dump.RubyGems)
		})
	}
}

// writeCases writes each input to its own file under dir and returns the paths.
func writeCases(t *testing.T, dir string, inputs []string) []string {
	t.Helper()
	paths := make([]string, len(inputs))
	for i, in := range inputs {
		paths[i] = filepath.Join(dir, fmt.Sprintf("case%03d.lock", i))
		if err := os.WriteFile(paths[i], []byte(in), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

// bundler23Differs names the warning cases where Bundler 2.3 reads the file
// differently from Parse, and why. Every other warning case must read the
// same.
var bundler23Differs = map[string]string{
	"byte order mark": "Parse strips the BOM; Bundler keeps it, so the first header is unknown to it and that section's specs are lost",
	"marks after specs and dependencies": "Bundler 2.5 and later read a trailing token as a checksum and drop it, as Parse does; " +
		"2.3's grammar has no such group and makes it part of the name",
	"duplicate dependency keeps the last": `as above: 2.3 reads "  json foo" as a dependency named "json foo"`,
	"platform indentation":                "Bundler 2.6 and later strip platforms, as Parse does; 2.3 keeps the leading space",
	"plugin source":                       "Bundler raises Plugin::UnknownSourceError unless the plugin is installed",
}

// TestBundlerWarningCases runs every warning case through Bundler: where
// Parse warns that Bundler ignores something, Bundler must read the file
// exactly as Parse does.
func TestBundlerWarningCases(t *testing.T) {
	var inputs []string
	for _, tt := range parseWarningTests {
		inputs = append(inputs, tt.in)
	}
	paths := writeCases(t, t.TempDir(), inputs)
	dump := runBundler(t, false, paths...)
	for i, tt := range parseWarningTests {
		t.Run(tt.name, func(t *testing.T) {
			lf, err := Parse(strings.NewReader(tt.in), "t.lock")
			if err != nil {
				t.Fatal(err)
			}
			b := dump.Files[paths[i]].LF
			if why, ok := bundler23Differs[tt.name]; ok {
				if b.Error == "" && slices.Equal(goSpecRows(lf, dropsGNU(dump.RubyGems)), bundlerSpecRows(&b)) && slices.Equal(goDependencyRows(lf), bundlerDependencyRows(&b)) &&
					slices.Equal(lf.Platforms, b.Platforms) {
					t.Errorf("listed as differing (%s), but Bundler %s reads it as Parse does", why, dump.Bundler)
				}
				t.Logf("not compared: %s", why)
				return
			}
			compareWithBundler(t, lf, &b, dump.RubyGems)
		})
	}
}

// bundlerAccepts names the error cases Bundler 2.3 parses without an
// exception, and why Parse refuses them anyway. Bundler must raise on every
// other error case.
var bundlerAccepts = map[string]string{
	"old Mac line endings":                        "Bundler reads the file as one unknown line: no specs, no error",
	"whitespace only":                             "Bundler finds no sections: no specs, no error",
	"not a lockfile":                              "Bundler finds only unknown sections: no specs, no error",
	"NUL byte":                                    "Bundler reads NUL bytes as text",
	"stray carriage return":                       "Bundler keeps the carriage return inside the line and misreads it",
	"GEM remote without host":                     `Bundler only rejects a nil host; "https:///gems" has an empty one`,
	"PATH without remote":                         "Bundler builds a path source without a path",
	"gem name with a space":                       "Bundler accepts any name, and fails only when it installs the gem",
	"gem name with a tab":                         "as above",
	"bad dependency name":                         "as above",
	"bad name in DEPENDENCIES":                    `as above: "  specs:" becomes a dependency named "specs:"`,
	"spec without version":                        `Bundler warns "nil versions are discouraged" and locks version 0`,
	"spec with empty version":                     "Bundler locks version 0",
	"spec with blank version":                     "Bundler locks version 0",
	"spec with empty platform":                    `Gem::Platform.new("") is the ruby platform`,
	"spec with spaced platform":                   `Gem::Platform turns anything into a platform ("x86-unknown")`,
	"spec with dashed platform":                   "as above",
	"spec with platform ending in a dash":         "as above",
	"checksum with bad platform":                  "Bundler 2.3 skips CHECKSUMS",
	"spec indented by 2":                          "Bundler silently ignores 2-space lines in a source section; a spec there is lost",
	"dependency at the start of the next section": "Bundler attaches the line to the last spec of the previous section",
	"requirement with dash":                       `Bundler silently cuts the requirement at the "-"`,
	"spec in DEPENDENCIES":                        "Bundler ignores it: the gem is not locked",
	"spec in PLATFORMS":                           "Bundler reads it as a platform",
	"spec in RUBY VERSION":                        "Bundler reads it as the Ruby version",
	"spec in BUNDLED WITH":                        "Bundler ignores it",
	"spec in CHECKSUMS":                           "Bundler 2.3 skips CHECKSUMS; later ones ignore 4-space lines there",
	"spec before the first section":               "Bundler ignores it: the gem is not locked",
	"bad platform":                                "Gem::Platform turns anything into a platform",
	"dependencies misread as platforms":           "Bundler reads the dependency lines as platforms",
	"checksum without version":                    "Bundler 2.3 skips CHECKSUMS (2.5 and later raise)",
	"checksum with bad version":                   "Bundler 2.3 skips CHECKSUMS (2.5 and later raise)",
	"short sha256":                                "Bundler 2.3 skips CHECKSUMS (2.5 and later raise)",
	"non-hex sha256":                              "Bundler 2.3 skips CHECKSUMS",
	"checksum without algorithm":                  "Bundler 2.3 skips CHECKSUMS (2.5 and later raise)",
	"checksum with empty digest":                  "Bundler 2.3 skips CHECKSUMS",
	"mismatched duplicate checksum":               "Bundler 2.3 skips CHECKSUMS (2.5 and later raise ChecksumMismatchError)",
	"mismatched checksum of a locked spec":        "Bundler 2.3 skips CHECKSUMS (2.5 and later raise ChecksumMismatchError)",
	"mismatched base64 and hex checksum":          "Bundler 2.3 skips CHECKSUMS (2.5 and later raise ChecksumMismatchError)",
	"GIT without remote":                          "Bundler uses an empty URI",
	"GIT with two branches":                       "Bundler keeps both values in an array",
	"second specs line":                           "Bundler builds the source a second time",
}

// TestBundlerErrorCases runs every error case through Bundler: it must raise
// too, unless bundlerAccepts explains why Parse is stricter.
func TestBundlerErrorCases(t *testing.T) {
	var inputs []string
	var cases []int
	for i, tt := range parseErrorTests {
		if tt.in == "" {
			continue // Bundler treats an empty lockfile as no lockfile at all
		}
		inputs = append(inputs, tt.in)
		cases = append(cases, i)
	}
	paths := writeCases(t, t.TempDir(), inputs)
	dump := runBundler(t, false, paths...)
	for k, i := range cases {
		tt := parseErrorTests[i]
		t.Run(tt.name, func(t *testing.T) {
			b := dump.Files[paths[k]].LF
			why, accepts := bundlerAccepts[tt.name]
			switch {
			case accepts && b.Error != "":
				t.Errorf("listed as accepted by Bundler (%s), but Bundler %s raises %s", why, dump.Bundler, b.Error)
			case !accepts && b.Error == "":
				t.Errorf("Bundler %s accepts this file (%d specs), Parse says: %s", dump.Bundler, len(b.Specs), tt.want)
			case accepts:
				t.Logf("Bundler accepts it: %s", why)
			default:
				t.Logf("Bundler raises %s", b.Error)
			}
		})
	}
}

func TestDropsGNU(t *testing.T) {
	for v, want := range map[string]bool{"3.3.15": true, "3.0.1": true, "3.3": true, "3.4.0": false, "3.6.9": false, "3.10.0": false, "4.0.1": false, "2.7.6": false} {
		if got := dropsGNU(v); got != want {
			t.Errorf("dropsGNU(%q) = %v, want %v", v, got, want)
		}
	}
}
