package lockfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// lock joins lines into a lockfile, each ending in "\n".
func lock(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// gemHead is the start of an ordinary GEM section.
var gemHead = []string{"GEM", "  remote: https://rubygems.org/", "  specs:"}

func gem(lines ...string) string { return lock(append(slices.Clone(gemHead), lines...)...) }

var parseErrorTests = []struct {
	name, in, want string // want is the whole error message
}{
	{"empty file", "", "t.lock: file is empty (0 bytes), not a lockfile"},
	{"NUL byte", "GEM\n  specs:\x00\n", "t.lock:2: binary data (NUL byte), not a lockfile"},
	{"invalid UTF-8", "GEM\n  remote: https://rubygems.org/\n  specs:\n    r\xffake (1.0)\n", "t.lock:4: invalid UTF-8, not a lockfile"},
	{"conflict start marker", gem("<<<<<<< HEAD", "    rake (13.0.6)", "=======", "    rake (13.1.0)", ">>>>>>> main"),
		`t.lock:4: merge conflict marker "<<<<<<<"; Bundler refuses a lockfile with merge conflicts`},
	{"conflict separator alone", gem("    rake (13.0.6)", "======="),
		`t.lock:5: merge conflict marker "======="; Bundler refuses a lockfile with merge conflicts`},
	{"conflict end marker", gem("    rake (13.0.6)", ">>>>>>> feature"),
		`t.lock:5: merge conflict marker ">>>>>>>"; Bundler refuses a lockfile with merge conflicts`},
	{"conflict base marker", gem("||||||| base", "    rake (13.0.6)"),
		`t.lock:4: merge conflict marker "|||||||"; Bundler refuses a lockfile with merge conflicts`},
	{"conflict marker inside an unknown section", "FOO\n  a=======b\n" + gem("    rake (13.0.6)"),
		`t.lock:2: merge conflict marker "======="; Bundler refuses a lockfile with merge conflicts`},
	{"old Mac line endings", "GEM\r  remote: https://rubygems.org/\r  specs:\r    rake (1.0)\r",
		"t.lock:1: carriage return not followed by a line feed; Bundler does not read this as a line break"},
	{"stray carriage return", gem("    rake (1.0)\r\r"),
		"t.lock:4: carriage return not followed by a line feed; Bundler does not read this as a line break"},
	{"whitespace only", "  \n\t\n", "t.lock: no lockfile section (GEM, GIT, PATH, DEPENDENCIES, ...) found, not a lockfile"},
	{"not a lockfile", "# README\nThis is text.\n", "t.lock: no lockfile section (GEM, GIT, PATH, DEPENDENCIES, ...) found, not a lockfile"},
	{"spec before specs line", lock("GEM", "  remote: https://rubygems.org/", "    rake (1.0)"),
		`t.lock:3: spec line before the "specs:" line of its GEM section`},
	{"specs line with trailing space", lock("GEM", "  remote: https://rubygems.org/", "  specs: ", "    rake (1.0)"),
		`t.lock:3: "specs:" line has trailing whitespace; Bundler cannot read the specs below it`},
	{"second specs line", gem("    rake (1.0)", "  specs:"), `t.lock:5: second "specs:" line in GEM section`},
	{"relative GEM remote", lock("GEM", "  remote: foo", "  specs:"), `t.lock:2: GEM remote "foo" is not an absolute URL; Bundler refuses it`},
	{"GEM remote without host", lock("GEM", "  remote: https:///gems", "  specs:"), `t.lock:2: GEM remote "https:///gems" has no host`},
	{"relative GEM remote with credentials is redacted", lock("GEM", "  remote: https://rubygems.org/", "  remote: //user:secret@host/", "  specs:"),
		`t.lock:3: GEM remote "//REDACTED@host/" is not an absolute URL; Bundler refuses it`},
	{"GIT without remote", lock("GIT", "  revision: abc", "  specs:"), "t.lock:1: GIT section has no remote"},
	{"PATH without remote", lock("PATH", "  specs:"), "t.lock:1: PATH section has no remote"},
	{"PLUGIN SOURCE without remote", lock("PLUGIN SOURCE", "  type: mpath", "  specs:"), "t.lock:1: PLUGIN SOURCE section has no remote"},
	{"PLUGIN SOURCE without type", lock("PLUGIN SOURCE", "  remote: x", "  specs:"), "t.lock:1: PLUGIN SOURCE section has no type"},
	{"GIT with two remotes", lock("GIT", "  remote: https://a/x.git", "  remote: https://b/x.git", "  revision: abc", "  specs:"),
		`t.lock:3: option "remote" repeated in GIT section (first on line 2)`},
	{"GIT with two branches", lock("GIT", "  remote: https://a/x.git", "  branch: a", "  branch: b", "  specs:"),
		`t.lock:4: option "branch" repeated in GIT section (first on line 3)`},
	{"PATH with two remotes", lock("PATH", "  remote: .", "  remote: ..", "  specs:"),
		`t.lock:3: option "remote" repeated in PATH section (first on line 2)`},
	{"gem name with a space", gem("    ra ke (1.0)"), `t.lock:4: invalid gem name "ra ke"`},
	{"gem name with a tab", gem("    \track (1.0)"), `t.lock:4: invalid gem name "\track"`},
	{"spec without version", gem("    rake"), "t.lock:4: spec rake has no version"},
	{"spec with empty version", gem("    rake ()"), "t.lock:4: spec rake has an empty version"},
	{"spec with blank version", gem("    rake ( )"), "t.lock:4: spec rake has an empty version"},
	{"spec with bad version", gem("    rake (abc)"), `t.lock:4: spec rake has an invalid version "abc"`},
	{"spec with two-dot version", gem("    rake (1..2)"), `t.lock:4: spec rake has an invalid version "1..2"`},
	{"spec with empty platform", gem("    rake (1.0-)"), `t.lock:4: spec rake 1.0 has an invalid platform ""`},
	{"spec with dashed platform", gem("    rake (1.0--java)"), `t.lock:4: spec rake 1.0 has an invalid platform "-java"`},
	{"spec with platform ending in a dash", gem("    rake (1.0-java-)"), `t.lock:4: spec rake 1.0 has an invalid platform "java-"`},
	{"spec with spaced platform", gem("    rake (1.0-x86 linux)"), `t.lock:4: spec rake 1.0 has an invalid platform "x86 linux"`},
	{"spec indented by 2", gem("  rake (1.0)"), "t.lock:4: spec line indented by 2 spaces; specs take 4"},
	{"dependency before any spec", gem("      rake (>= 1)"), "t.lock:4: dependency line without a spec above it"},
	{"dependency at the start of the next section", gem("    rake (1.0)") + lock("PATH", "  remote: .", "  specs:", "      rack (>= 1)"),
		"t.lock:8: dependency line without a spec above it"},
	{"bad requirement", gem("    rails (7.0)", "      rack (>== 1)"), `t.lock:5: dependency rack of rails has an invalid requirement ">== 1"`},
	{"empty requirement term", gem("    rails (7.0)", "      rack (>= 1, )"), `t.lock:5: dependency rack of rails has an invalid requirement ""`},
	{"blank requirement", gem("    rails (7.0)", "      rack ( )"), `t.lock:5: dependency rack of rails has an invalid requirement " "`},
	{"requirement with dash", gem("    rails (7.0)", "      rack (>= 1.0-beta)"),
		`t.lock:5: dependency rack of rails: requirement contains "-"; Bundler would drop "-beta"`},
	{"bad dependency name", gem("    rails (7.0)", "      ra/ck (>= 1)"), `t.lock:5: invalid gem name "ra/ck"`},
	{"spec in DEPENDENCIES", lock("DEPENDENCIES", "  rake", "    rack (1.0)"), "t.lock:3: spec line outside a GEM, GIT, PATH or PLUGIN SOURCE section"},
	{"spec in PLATFORMS", lock("PLATFORMS", "  ruby", "    rack (1.0)"), "t.lock:3: spec line outside a GEM, GIT, PATH or PLUGIN SOURCE section"},
	{"spec in RUBY VERSION", lock("RUBY VERSION", "    rack (1.0)"), "t.lock:2: spec line outside a GEM, GIT, PATH or PLUGIN SOURCE section"},
	{"spec in BUNDLED WITH", lock("BUNDLED WITH", "    rack (1.0)"), "t.lock:2: spec line outside a GEM, GIT, PATH or PLUGIN SOURCE section"},
	{"spec in CHECKSUMS", lock("CHECKSUMS", "    rack (1.0)"), "t.lock:2: spec line outside a GEM, GIT, PATH or PLUGIN SOURCE section"},
	{"spec before the first section", "    rack (1.0)\n" + gem(), "t.lock:1: spec line outside a GEM, GIT, PATH or PLUGIN SOURCE section"},
	{"bad name in DEPENDENCIES", lock("DEPENDENCIES", "  specs:"), `t.lock:2: invalid gem name "specs:"`},
	{"bad requirement in DEPENDENCIES", lock("DEPENDENCIES", "  rake (~> x)"), `t.lock:2: dependency rake has an invalid requirement "~> x"`},
	{"bad platform", lock("PLATFORMS", "  x86_64 linux"), `t.lock:2: invalid platform "x86_64 linux"`},
	{"dependencies misread as platforms", lock("PLATFORMS", "  ruby", " DEPENDENCIES", "  rails (~> 7.0)"),
		`t.lock:4: invalid platform "rails (~> 7.0)"`},
	{"checksum without version", lock("CHECKSUMS", "  rake sha256=abc"), "t.lock:2: checksum of rake has no version"},
	{"checksum with bad version", lock("CHECKSUMS", "  rake (x) sha256=abc"), `t.lock:2: checksum of rake has an invalid version "x"`},
	{"checksum with bad platform", lock("CHECKSUMS", "  rake (1.0-) sha256=abc"), `t.lock:2: checksum of rake 1.0 has an invalid platform ""`},
	{"short sha256", lock("CHECKSUMS", "  rake (13.0.6) sha256=xyz"), `t.lock:2: invalid sha256 digest "xyz" for rake-13.0.6`},
	{"non-hex sha256", lock("CHECKSUMS", "  rake (13.0.6) sha256="+strings.Repeat("g", 64)),
		`t.lock:2: invalid sha256 digest "` + strings.Repeat("g", 64) + `" for rake-13.0.6`},
	{"checksum without algorithm", lock("CHECKSUMS", "  rake (13.0.6) abc"), `t.lock:2: invalid checksum "abc" for rake-13.0.6`},
	{"checksum with empty digest", lock("CHECKSUMS", "  rake (13.0.6) sha512="), `t.lock:2: invalid checksum "sha512=" for rake-13.0.6`},
	{"mismatched duplicate checksum", lock("CHECKSUMS", "  rake (13.0.6) sha256="+strings.Repeat("a", 64), "  rake (13.0.6) sha256="+strings.Repeat("b", 64)),
		"t.lock:3: sha256 checksum of rake-13.0.6 differs from the one on line 2; Bundler refuses mismatched checksums"},
	{"mismatched checksum of a locked spec", gem("    rake (13.0.6)", "    x (1.0)") + lock("CHECKSUMS", "  rake (13.0.6) sha256="+strings.Repeat("a", 64),
		"  x (1.0-ruby) sha256="+strings.Repeat("c", 64), "  x ( 1.0 ) sha256="+strings.Repeat("d", 64)),
		"t.lock:9: sha256 checksum of x-1.0 differs from the one on line 8; Bundler refuses mismatched checksums"},
	{"mismatched base64 and hex checksum", gem("    rake (13.0.6)") + lock("CHECKSUMS", "  rake (13.0.6) sha256="+strings.Repeat("B", 64),
		"  rake (13.0.6) sha256=qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo="),
		"t.lock:7: sha256 checksum of rake-13.0.6 differs from the one on line 6; Bundler refuses mismatched checksums"},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			lf, err := Parse(strings.NewReader(tt.in), "t.lock")
			if err == nil {
				t.Fatalf("no error; got %d specs, warnings %v", len(lf.Specs), lf.Warnings)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is a %T, not a *ParseError", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

// A credential in a rejected remote must not reach the error message.
func TestParseErrorRedactsRemote(t *testing.T) {
	_, err := Parse(strings.NewReader(lock("GEM", "  remote: https://user:secret@/x", "  specs:")), "t.lock")
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "REDACTED") {
		t.Fatalf("got %v", err)
	}
}

// endless yields "a" forever.
type endless struct{}

var aaaa = bytes.Repeat([]byte("a"), 1<<16)

func (endless) Read(p []byte) (int, error) {
	return copy(p, aaaa), nil
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse(io.LimitReader(endless{}, MaxSize+1), "big.lock")
	if err == nil || err.Error() != "big.lock: file is larger than 64 MiB, too large for a lockfile" {
		t.Fatalf("got %v", err)
	}
}

// TestParseMemoryBounded checks that the slabs are sized by what the text
// can hold: a megabyte of commas on one line costs a few megabytes, not the
// sixteen a requirement slot for each comma would.
func TestParseMemoryBounded(t *testing.T) {
	in := gem("    rake (13.0.6)", "      a (>= 1"+strings.Repeat(",", 1<<20)+")")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Parse(strings.NewReader(in), "t.lock")
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("no error for empty requirements")
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
		t.Errorf("parsing %d bytes allocated %d bytes", len(in), n)
	}
}

// TestParseMemoryBoundedBlankLines checks that indented blank lines, which
// Bundler skips, cannot make Parse reserve room for millions of specs.
func TestParseMemoryBoundedBlankLines(t *testing.T) {
	in := gem("    rake (13.0.6)") + strings.Repeat("    \n      \n", 1<<19)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	lf, err := Parse(strings.NewReader(in), "t.lock")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(lf.Specs) != 1 {
		t.Errorf("got %d specs, want 1", len(lf.Specs))
	}
	// The text is read and kept once (6 MiB); the slabs add little.
	if n := after.TotalAlloc - before.TotalAlloc; n > 5*uint64(len(in)) {
		t.Errorf("parsing %d bytes allocated %d bytes", len(in), n)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseReadError(t *testing.T) {
	_, err := Parse(failingReader{}, "x.lock")
	if err == nil || err.Error() != "lockfile: x.lock: disk on fire" {
		t.Fatalf("got %v", err)
	}
}

var parseWarningTests = []struct {
	name, in string
	want     []string // "line: message"
	specs    []string // full names of the specs, in order
}{
	{"byte order mark", "\uFEFF" + gem("    rake (1.0)"),
		[]string{"1: UTF-8 byte order mark removed; Bundler keeps it and so ignores the first section"}, []string{"rake-1.0"}},
	{"unknown section at the start", lock("FOO BAR", "  baz", "   baa", "    qux (1.0)") + gem("    rake (1.0)"),
		[]string{`1: unknown section "FOO BAR" ignored, as Bundler does`}, []string{"rake-1.0"}},
	{"unknown section in the middle", gem("    rake (1.0)") + lock("FOO BAR", "  baz") + lock("DEPENDENCIES", "  rake"),
		[]string{`5: unknown section "FOO BAR" ignored, as Bundler does`}, []string{"rake-1.0"}},
	{"unknown section at the end", gem("    rake (1.0)") + lock("FOO BAR", "  baz", "    qux (1.0)"),
		[]string{`5: unknown section "FOO BAR" ignored, as Bundler does`}, []string{"rake-1.0"}},
	{"header with trailing space drops its specs", lock("GEM ", "  remote: https://rubygems.org/", "  specs:", "    rake (1.0)", "", "DEPENDENCIES", "  rake"),
		[]string{`1: section header "GEM " has trailing whitespace; Bundler does not recognise it and ignores the section`}, nil},
	{"lower-case header", gem("    rake (1.0)") + lock("dependencies", "  rake"),
		[]string{`5: section header "dependencies" is not upper case; Bundler does not recognise it and ignores the section`}, []string{"rake-1.0"}},
	{"indented header", gem("    rake (1.0)") + lock(" PLATFORMS", "\tDEPENDENCIES"),
		[]string{
			`5: indented section header "PLATFORMS" is not a header to Bundler; line ignored`,
			`6: indented section header "DEPENDENCIES" is not a header to Bundler; line ignored`,
		}, []string{"rake-1.0"}},
	{"odd indentation in a source section", gem("    rake (1.0)", "   rack (1.0)", "     thor (1.0)", "        json (2.0)", "\tjson (2.0)"),
		[]string{
			"5: line indented by 3 spaces ignored, as Bundler does (it reads 2, 4 or 6 spaces)",
			"6: line indented by 5 spaces ignored, as Bundler does (it reads 2, 4 or 6 spaces)",
			"7: line indented by 8 spaces ignored, as Bundler does (it reads 2, 4 or 6 spaces)",
			"8: line indented with a tab or other whitespace ignored, as Bundler does (it reads 2, 4 or 6 spaces)",
		}, []string{"rake-1.0"}},
	{"indented line before the first section", "  hello\n" + gem("    rake (1.0)"),
		[]string{"1: line before the first section ignored, as Bundler does"}, []string{"rake-1.0"}},
	{"option after specs", gem("    rake (1.0)", "  remote: https://other.example/"),
		[]string{`5: option "remote" after "specs:" ignored, as Bundler does`}, []string{"rake-1.0"}},
	{"2-space junk in a source section", gem("  foo_bar: baz", "    rake (1.0)"),
		[]string{`4: line ignored, as Bundler does: not an option, "specs:" or a spec`}, []string{"rake-1.0"}},
	{"unknown options", lock("GEM", "  remote: https://rubygems.org/", "  mirror: https://m/", "  mirror: https://n/", "  specs:") +
		lock("GIT", "  remote: https://g/x.git", "  revision: abc", "  name: x", "  specs:") +
		lock("PATH", "  remote: .", "  revision: abc", "  specs:"),
		[]string{
			`3: unknown GEM option "mirror" ignored`,
			`4: unknown GEM option "mirror" ignored`,
			`9: unknown GIT option "name" ignored`,
			`13: unknown PATH option "revision" ignored`,
		}, nil},
	{"GIT without revision, odd submodules", lock("GIT", "  remote: https://g/x.git", "  submodules: yes", "  specs:", "    x (1.0)"),
		[]string{"1: GIT section has no revision", `3: submodules: "yes" is neither true nor false; Bundler treats it as true`}, []string{"x-1.0"}},
	{"plugin source", lock("PLUGIN SOURCE", "  remote: https://plugins.example/", "  type: mpath", "  specs:", "    x (1.0)"),
		[]string{`1: PLUGIN SOURCE of type "mpath": Bundler reads this lockfile only with that plugin installed`}, []string{"x-1.0"}},
	{"several GEM remotes", lock("GEM", "  remote: https://rubygems.org/", "  remote: https://rails-assets.org/", "  specs:", "    rake (1.0)"),
		[]string{"1: GEM section has 2 remotes; Bundler cannot tell which one each of its gems comes from"}, []string{"rake-1.0"}},
	{"repeated GEM remote", lock("GEM", "  remote: https://rubygems.org/", "  remote: https://rubygems.org", "  specs:", "    rake (1.0)"),
		[]string{`3: GEM remote "https://rubygems.org" repeated; Bundler reads it once`}, []string{"rake-1.0"}},
	{"source section without specs line", lock("GIT", "  remote: https://g/x.git", "  revision: abc") + gem("    rake (1.0)"),
		[]string{`1: GIT section has no "specs:" line; Bundler ignores it`}, []string{"rake-1.0"}},
	{"marks after specs and dependencies", gem("    rake (1.0)!", "    rack (2.0) sha256=abc", "      rake (>= 1)!", "      json (>= 1) extra"),
		[]string{
			`4: "!" after spec rake ignored, as Bundler does`,
			`5: "sha256=abc" after spec rack ignored, as Bundler does`,
			`6: "!" after dependency rake of rack ignored, as Bundler does`,
			`7: "extra" after dependency json of rack ignored, as Bundler does`,
		}, []string{"rake-1.0", "rack-2.0"}},
	{"duplicate spec keeps the last", gem("    rake (1.0)", "      json (>= 1)", "    rack (2.0)", "    rake (1.0)"),
		[]string{"7: rake-1.0 is locked twice (first on line 4); Bundler keeps the last"}, []string{"rack-2.0", "rake-1.0"}},
	{"duplicate dependency keeps the last", gem("    rake (1.0)") + lock("DEPENDENCIES", "  rake (>= 1)", "  rake (~> 1.0)", "  json foo"),
		[]string{
			"7: dependency rake listed twice (first on line 6); Bundler keeps the last",
			`8: "foo" after dependency json ignored, as Bundler does`,
		}, []string{"rake-1.0"}},
	{"dependency options", gem("    rake (1.0)") + lock("DEPENDENCIES", "  rake", "    foo: bar", "      baz"),
		[]string{
			"7: line indented by 4 spaces ignored, as Bundler does (it reads 2 spaces)",
			"8: line indented by 6 spaces ignored, as Bundler does (it reads 2 spaces)",
		}, []string{"rake-1.0"}},
	{"platform indentation", lock("PLATFORMS", "   arm64-darwin", "\tjava", " x86-mingw32"),
		[]string{
			"2: platform arm64-darwin indented by 3 spaces; Bundler 2.6 and later read it, older ones misread it",
			"3: line indented with a tab or other whitespace ignored, as Bundler does (it reads 2 spaces)",
			"4: line indented by 1 spaces ignored, as Bundler does (it reads 2 spaces)",
		}, nil},
	{"RUBY VERSION twice, BUNDLED WITH junk", lock("RUBY VERSION", "   ruby 3.2.0", "   ruby 3.3.0", "BUNDLED WITH", "   soon"),
		[]string{
			"3: second RUBY VERSION line (first on line 2); Bundler keeps the last",
			`5: BUNDLED WITH value "soon" is not a version; Bundler ignores it`,
		}, nil},
	{"checksum indentation and marks", lock("CHECKSUMS", "   rake (1.0) sha256=x", "  rack (2.0)!"),
		[]string{
			"2: line indented by 3 spaces ignored, as Bundler does (it reads 2 spaces)",
			`3: "!" after checksum of rack ignored, as Bundler does`,
		}, nil},
}

func TestParseWarnings(t *testing.T) {
	for _, tt := range parseWarningTests {
		t.Run(tt.name, func(t *testing.T) {
			lf, err := Parse(strings.NewReader(tt.in), "t.lock")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range lf.Warnings {
				got = append(got, fmt.Sprintf("%d: %s", w.Line, w.Msg))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("warnings\n got %q\nwant %q", got, tt.want)
			}
			var specs []string
			for _, s := range lf.Specs {
				specs = append(specs, s.FullName())
			}
			if !slices.Equal(specs, tt.specs) {
				t.Errorf("specs\n got %q\nwant %q", specs, tt.specs)
			}
		})
	}
}

func TestConflictMarker(t *testing.T) {
	for _, c := range "<=>|" {
		for off := range 16 {
			for n := 5; n <= 9; n++ {
				s := strings.Repeat("a", off) + strings.Repeat(string(c), n) + "b" + strings.Repeat(string(c), 6)
				want := strings.Index(s, strings.Repeat(string(c), 7))
				if got := conflictMarker(s); got != want {
					t.Errorf("conflictMarker(%q) = %d, want %d", s, got, want)
				}
			}
		}
	}
	if got := conflictMarker("a======b=======c"); got != 8 {
		t.Errorf("got %d, want 8", got)
	}
}

func TestParseWarningLimit(t *testing.T) {
	in := gem(strings.Repeat("   junk\n", MaxWarnings+50))
	lf, err := Parse(strings.NewReader(in), "t.lock")
	if err != nil {
		t.Fatal(err)
	}
	if len(lf.Warnings) != MaxWarnings+1 {
		t.Fatalf("got %d warnings", len(lf.Warnings))
	}
	last := lf.Warnings[MaxWarnings]
	if want := (Warning{Line: 4 + MaxWarnings, Msg: "50 more warnings from this line on not recorded"}); last != want {
		t.Errorf("last warning %+v, want %+v", last, want)
	}
}

func TestParseCRLF(t *testing.T) {
	lf, err := Parse(strings.NewReader(smallLock), "a")
	if err != nil {
		t.Fatal(err)
	}
	crlf, err := Parse(strings.NewReader(strings.ReplaceAll(smallLock, "\n", "\r\n")), "a")
	if err != nil {
		t.Fatal(err)
	}
	if !equalLockfiles(lf, crlf) {
		t.Errorf("CRLF parse differs")
	}
}

// equalLockfiles compares two parses field by field.
func equalLockfiles(a, b *Lockfile) bool {
	if len(a.Specs) != len(b.Specs) || len(a.Sources) != len(b.Sources) ||
		!slices.Equal(a.Platforms, b.Platforms) || a.RubyVersion != b.RubyVersion ||
		a.BundledWith != b.BundledWith || !slices.Equal(a.Warnings, b.Warnings) ||
		len(a.Dependencies) != len(b.Dependencies) || len(a.Checksums) != len(b.Checksums) {
		return false
	}
	for i := range a.Specs {
		x, y := a.Specs[i], b.Specs[i]
		if x.FullName() != y.FullName() || x.Line != y.Line || x.Direct != y.Direct ||
			!slices.Equal(x.Path, y.Path) || len(x.Dependencies) != len(y.Dependencies) ||
			x.Source.Line != y.Source.Line || !slices.Equal(x.Source.Remotes, y.Source.Remotes) {
			return false
		}
	}
	for i := range a.Dependencies {
		x, y := a.Dependencies[i], b.Dependencies[i]
		if x.Name != y.Name || x.Pinned != y.Pinned || x.Line != y.Line || !slices.Equal(x.Requirements, y.Requirements) {
			return false
		}
	}
	return true
}

// The spec lines of the issue: platforms split off at the first "-",
// prerelease versions left alone.
func TestSpecVersionsAndPlatforms(t *testing.T) {
	tests := []struct{ line, name, version, platform string }{
		{"nokogiri (1.16.0-x86_64-linux)", "nokogiri", "1.16.0", "x86_64-linux"},
		{"google-protobuf (3.25.1-x86_64-linux-gnu)", "google-protobuf", "3.25.1", "x86_64-linux-gnu"},
		{"libv8-node (18.16.0.0-aarch64-linux)", "libv8-node", "18.16.0.0", "aarch64-linux"},
		{"sass-embedded (1.69.5-arm64-darwin)", "sass-embedded", "1.69.5", "arm64-darwin"},
		{"ffi (1.16.3-x64-mingw-ucrt)", "ffi", "1.16.3", "x64-mingw-ucrt"},
		{"jruby-openssl (0.14.2-java)", "jruby-openssl", "0.14.2", "java"},
		{"bcrypt (3.1.20-universal-java-11)", "bcrypt", "3.1.20", "universal-java-11"},
		{"x (1.0-x86_64-darwin22)", "x", "1.0", "x86_64-darwin22"},
		{"x (1.0-ruby)", "x", "1.0", "ruby"},
		{"foo (1.0.0.rc1)", "foo", "1.0.0.rc1", "ruby"},
		{"rails (7.1.0.beta1)", "rails", "7.1.0.beta1", "ruby"},
		{"bundler (4.0.0.dev)", "bundler", "4.0.0.dev", "ruby"},
		{"net-http-persistent (4.0.2)", "net-http-persistent", "4.0.2", "ruby"},
		{"x ( 1.0 )", "x", "1.0", "ruby"},
		{"x (1.0) (2.0)", "x (1.0)", "", ""}, // invalid name
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			lf, err := Parse(strings.NewReader(gem("    "+tt.line)), "t.lock")
			if tt.version == "" {
				if err == nil {
					t.Fatalf("no error for %q", tt.line)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := lf.Specs[0]
			if s.Name != tt.name || s.Version != tt.version || s.Platform != tt.platform {
				t.Errorf("got %q %q %q", s.Name, s.Version, s.Platform)
			}
		})
	}
}

func TestSourceOptions(t *testing.T) {
	in := lock("GIT", "  remote: https://github.com/huginn/x.git", "  revision: 8a2271f", "  ref: 8a2271f",
		"  tag: v4.0.3", "  branch: main", "  glob: contrib/ruby/*.gemspec", "  submodules: true", "  specs:", "    x (1.0)", "") +
		lock("PATH", "  remote: vendor/gems/dotenv-3.2.0", "  glob: *.gemspec", "  specs:", "    dotenv (3.2.0)", "") +
		lock("PLUGIN SOURCE", "  remote: https://plugins.example/repo", "  type: gitp", "  revision: abc123", "  extra: yes", "  specs:", "    plug (0.1)", "") +
		lock("GEM", "  specs:", "") +
		lock("GEM", "  remote: https://u:p@gems.example/", "  remote: https://rubygems.org/", "  specs:", "    rake (1.0)", "") +
		lock("DEPENDENCIES", "  x!", "  dotenv (= 3.2.0)!", "  plug!", "  rake", "  bundler!")
	lf, err := Parse(strings.NewReader(in), "t.lock")
	if err != nil {
		t.Fatal(err)
	}
	if len(lf.Sources) != 5 {
		t.Fatalf("got %d sources", len(lf.Sources))
	}
	g := lf.Sources[0]
	if g.Type != SourceGit || g.Revision != "8a2271f" || g.Ref != "8a2271f" || g.Tag != "v4.0.3" || g.Branch != "main" ||
		g.Glob != "contrib/ruby/*.gemspec" || !g.Submodules || len(g.Options) != 7 || g.Options["submodules"] != "true" {
		t.Errorf("GIT %+v", *g)
	}
	if p := lf.Sources[1]; p.Type != SourcePath || p.Remote() != "vendor/gems/dotenv-3.2.0" || p.Glob != "*.gemspec" || p.Line != 12 {
		t.Errorf("PATH %+v", *p)
	}
	if p := lf.Sources[2]; p.Type != SourcePlugin || p.Remote() != "https://plugins.example/repo" || p.Options["type"] != "gitp" ||
		p.Options["extra"] != "yes" || p.Revision != "abc123" {
		t.Errorf("PLUGIN SOURCE %+v", *p)
	}
	if e := lf.Sources[3]; e.Type != SourceRubygems || len(e.Remotes) != 0 || e.Remote() != "" || e.Ambiguous() {
		t.Errorf("empty GEM %+v", *e)
	}
	m := lf.Sources[4]
	if !slices.Equal(m.Remotes, []string{"https://u:p@gems.example/", "https://rubygems.org/"}) || !m.Ambiguous() || m.Options["remote"] != "https://u:p@gems.example/" {
		t.Errorf("multi-remote GEM %+v", *m)
	}
	for i, want := range []*Source{g, lf.Sources[1], lf.Sources[2], m} {
		if lf.Specs[i].Source != want || !lf.Specs[i].Direct {
			t.Errorf("spec %s: source %+v, direct %v", lf.Specs[i].Name, lf.Specs[i].Source, lf.Specs[i].Direct)
		}
	}
	if d := lf.Dependencies[4]; d.Name != "bundler" || !d.Pinned {
		t.Errorf("bundler dependency %+v", d)
	}
}

func TestAmbiguous(t *testing.T) {
	tests := []struct {
		name string
		src  *Source
		want bool
	}{
		{"nil", nil, false},
		{"no remote", &Source{Type: SourceRubygems}, false},
		{"one remote", &Source{Type: SourceRubygems, Remotes: []string{"https://rubygems.org/"}}, false},
		{"same remote twice", &Source{Type: SourceRubygems, Remotes: []string{"https://rubygems.org/", "https://rubygems.org"}}, false},
		{"two remotes", &Source{Type: SourceRubygems, Remotes: []string{"https://rubygems.org/", "https://gems.example/"}}, true},
		{"second differs late", &Source{Type: SourceRubygems, Remotes: []string{"https://a/", "https://a/", "https://b/"}}, true},
		{"git", &Source{Type: SourceGit, Remotes: []string{"https://a/", "https://b/"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.src.Ambiguous(); got != tt.want {
				t.Errorf("Ambiguous() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestChecksums(t *testing.T) {
	hexSum := "8148a2bce2f6d2ff5e7ae8f2b4e4f8a7a3ef0ffb8c0d3c9f7a6e1f7f2b3c82e8"
	in := gem("    rake (10.3.2)", "    nokogiri (1.16.0-x86_64-linux)", "    foo (1.0)") + lock("",
		"CHECKSUMS",
		"  rake (10.3.2) sha256="+hexSum,
		"  nokogiri (1.16.0-x86_64-linux) sha512=deadbeef,sha256=gUgow08TFdfnt-gpUYRXfMTpabrWFWrAadAtY_WNgug=",
		"  foo (1.0)",
		"  bundler (4.0.17) sha256=gUgow08TFdfnt+gpUYRXfMTpabrWFWrAadAtY/WNgug",
		"  rake (10.3.2) sha256="+strings.ToUpper(hexSum))
	lf, err := Parse(strings.NewReader(in), "t.lock")
	if err != nil {
		t.Fatal(err)
	}
	want := []Checksum{
		{"rake", "10.3.2", "ruby", []string{"sha256=" + hexSum}, 9},
		{"nokogiri", "1.16.0", "x86_64-linux", []string{"sha512=deadbeef", "sha256=gUgow08TFdfnt-gpUYRXfMTpabrWFWrAadAtY_WNgug="}, 10},
		{"foo", "1.0", "ruby", nil, 11},
		{"bundler", "4.0.17", "ruby", []string{"sha256=gUgow08TFdfnt+gpUYRXfMTpabrWFWrAadAtY/WNgug"}, 12},
		{"rake", "10.3.2", "ruby", []string{"sha256=" + strings.ToUpper(hexSum)}, 13},
	}
	if len(lf.Checksums) != len(want) {
		t.Fatalf("got %+v", lf.Checksums)
	}
	for i, c := range lf.Checksums {
		w := want[i]
		if c.Name != w.Name || c.Version != w.Version || c.Platform != w.Platform || c.Line != w.Line || !slices.Equal(c.Sums, w.Sums) {
			t.Errorf("checksum %d: got %+v, want %+v", i, c, w)
		}
	}
	if len(lf.Warnings) != 0 {
		t.Errorf("warnings %v", lf.Warnings)
	}

	// The same digest in hex and in base64 is no mismatch.
	same := gem("    rake (13.0.6)") + lock("CHECKSUMS", "  rake (13.0.6) sha256="+strings.Repeat("AA", 32),
		"  rake (13.0.6) sha256=qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=")
	if _, err := Parse(strings.NewReader(same), "t.lock"); err != nil {
		t.Errorf("equal digests: %v", err)
	}
}

func TestSectionBasics(t *testing.T) {
	in := "\n\n" + lock("GEM", "  remote: https://rubygems.org/", "  specs:", "", "    rake (13.0.6)", "      json", "      rack ()", "") +
		lock("PLATFORMS", "  ruby", "  x86_64-linux-gnu", "", "DEPENDENCIES", "  rake ()", "", "RUBY VERSION", "  ruby 4.0.0", "",
			"BUNDLED WITH", "  4.0.0.dev")
	lf, err := Parse(strings.NewReader(in), "t.lock")
	if err != nil {
		t.Fatal(err)
	}
	s := lf.Specs[0]
	if s.Line != 7 || len(s.Dependencies) != 2 || s.Dependencies[0].Requirements != nil || s.Dependencies[1].Requirements != nil {
		t.Errorf("spec %+v", *s)
	}
	if !slices.Equal(lf.Platforms, []string{"ruby", "x86_64-linux-gnu"}) || lf.RubyVersion != "ruby 4.0.0" || lf.BundledWith != "4.0.0.dev" {
		t.Errorf("got %q %q %q", lf.Platforms, lf.RubyVersion, lf.BundledWith)
	}
	if len(lf.Dependencies) != 1 || lf.Dependencies[0].Requirements != nil {
		t.Errorf("deps %+v", lf.Dependencies)
	}
}

func TestGraph(t *testing.T) {
	in := gem(
		"    a (1.0)", "      b", "      c",
		"    b (1.0)", "      d",
		"    c (1.0)", "      d", "      e",
		"    d (1.0)", "      a", // a cycle back to a
		"    e (1.0)",
		"    e (1.0-java)",
		"    f (1.0)", "      a",
	) + lock("DEPENDENCIES", "  z", "  a", "  c")
	lf, err := Parse(strings.NewReader(in), "t.lock")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a-1.0":      "a",
		"b-1.0":      "a b",
		"c-1.0":      "c",
		"d-1.0":      "c d",
		"e-1.0":      "c e",
		"e-1.0-java": "c e",
		"f-1.0":      "",
	}
	for _, s := range lf.Specs {
		if got := strings.Join(s.Path, " "); got != want[s.FullName()] {
			t.Errorf("%s: path %q, want %q", s.FullName(), got, want[s.FullName()])
		}
		if s.Direct != (s.Name == "a" || s.Name == "c") {
			t.Errorf("%s: direct %v", s.FullName(), s.Direct)
		}
	}
	// Paths are independent slices: appending to one must not change another.
	b, d := lf.Specs[1], lf.Specs[3]
	_ = append(b.Path, "x")
	if strings.Join(d.Path, " ") != "c d" {
		t.Errorf("paths share storage: %q", d.Path)
	}
}

func TestParseReaderWithoutLen(t *testing.T) {
	// A reader that does not tell its length is read in growing chunks and
	// must give the same result.
	path := corpusFiles(t)[0]
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse(bytes.NewReader(data), path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(io.MultiReader(bytes.NewReader(data)), path)
	if err != nil {
		t.Fatal(err)
	}
	if !equalLockfiles(got, want) || len(got.Specs) == 0 {
		t.Errorf("parse through a plain reader differs")
	}
}

// TestIsRubySpace checks isRubySpace against Ruby's \s class for every byte.
func TestIsRubySpace(t *testing.T) {
	for c := range 256 {
		want := strings.IndexByte(" \t\n\v\f\r", byte(c)) >= 0
		if got := isRubySpace(byte(c)); got != want {
			t.Errorf("isRubySpace(%#x) = %v, want %v", c, got, want)
		}
	}
}
