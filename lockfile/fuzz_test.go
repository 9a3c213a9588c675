package lockfile

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is a
// *ParseError naming the path, and that what it returns is consistent:
// valid names, versions and lines, graph paths ending at their spec, and the
// same result for the file with CRLF line endings.
func FuzzParse(f *testing.F) {
	for _, path := range corpusFiles(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, tt := range parseErrorTests {
		f.Add([]byte(tt.in))
	}
	for _, tt := range parseWarningTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := Parse(bytes.NewReader(data), "fuzz.lock")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Path != "fuzz.lock" || pe.Msg == "" {
				t.Fatalf("error %v (%T) is not a ParseError naming the file", err, err)
			}
			return
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, s := range lf.Specs {
			if !validGemName(s.Name) || !validVersion(s.Version) || s.Platform == "" || s.Source == nil {
				t.Fatalf("bad spec %+v", *s)
			}
			if s.Line < 1 || s.Line > lines {
				t.Fatalf("spec %s on line %d of %d", s.FullName(), s.Line, lines)
			}
			if s.Path != nil && s.Path[len(s.Path)-1] != s.Name {
				t.Fatalf("path %q does not end at %s", s.Path, s.Name)
			}
			if s.Direct != (len(s.Path) == 1) {
				t.Fatalf("%s: direct %v but path %q", s.FullName(), s.Direct, s.Path)
			}
			for _, d := range s.Dependencies {
				if !validGemName(d.Name) || d.Line <= s.Line {
					t.Fatalf("bad dependency %+v of %s", d, s.FullName())
				}
			}
		}
		for _, w := range lf.Warnings {
			if w.Line < 1 || w.Line > lines || w.Msg == "" {
				t.Fatalf("bad warning %+v", w)
			}
		}
		// CRLF line endings must not change the result.
		if bytes.Contains(data, []byte{'\r'}) {
			return
		}
		crlf := bytes.ReplaceAll(data, []byte{'\n'}, []byte("\r\n"))
		lf2, err := Parse(bytes.NewReader(crlf), "fuzz.lock")
		if err != nil {
			if len(crlf) > MaxSize {
				return
			}
			t.Fatalf("CRLF copy fails: %v", err)
		}
		if len(lf2.Specs) != len(lf.Specs) || len(lf2.Warnings) != len(lf.Warnings) || len(lf2.Dependencies) != len(lf.Dependencies) {
			t.Fatalf("CRLF copy differs: %d/%d specs, %d/%d warnings", len(lf2.Specs), len(lf.Specs), len(lf2.Warnings), len(lf.Warnings))
		}
		for i, s := range lf.Specs {
			if s2 := lf2.Specs[i]; s2.FullName() != s.FullName() || s2.Line != s.Line {
				t.Fatalf("CRLF copy differs at spec %d: %s line %d vs %s line %d", i, s2.FullName(), s2.Line, s.FullName(), s.Line)
			}
		}
	})
}

// nameVersionRE is Bundler's NAME_VERSION after the indentation; Go's
// regexp picks the same submatches as Ruby's backtracking engine.
var nameVersionRE = regexp.MustCompile(`^(.*?)(?: \(([^-]*)(?:-(.*))?\))?(!)?(?: ([^ ]+))?$`)

// FuzzMatchNameVersion checks the hand-written matcher against the regular
// expression it replaces.
func FuzzMatchNameVersion(f *testing.F) {
	for _, s := range nameVersionSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\n") {
			return
		}
		checkNameVersion(t, s)
	})
}

var nameVersionSeeds = []string{
	"rake", "rake (13.0.6)", "nokogiri (1.16.0-x86_64-linux)", "rails!", "rails (~> 7.0)!",
	"rake (10.3.2) sha256=abc", "ra ke (1.0)", "a (1) (2)", "a (1-b) c)", "x (1.0)! tok", "x ()",
	"x (1-)", "x (", "x )", "a (b) (c-d) e", "! x", "a!b", "a (1)!!", "a (1) ", "a  (1)",
	"x! (1.0) tok", "a (1) b)c", "a (1) b c", "a (1-x) y) z", "a (1)  b", "a (1) )",
}

func checkNameVersion(t *testing.T, s string) {
	t.Helper()
	got := matchNameVersion(s)
	sub := nameVersionRE.FindStringSubmatchIndex(s)
	if sub == nil {
		t.Fatalf("regexp does not match %q", s)
	}
	group := func(i int) (string, bool) {
		if sub[2*i] < 0 {
			return "", false
		}
		return s[sub[2*i]:sub[2*i+1]], true
	}
	name, _ := group(1)
	version, hasVersion := group(2)
	platform, hasPlatform := group(3)
	_, pinned := group(4)
	token, hasToken := group(5)
	want := nameVersion{name, version, platform, token, hasVersion, hasPlatform, pinned, hasToken}
	if got != want {
		t.Fatalf("matchNameVersion(%q)\n got %+v\nwant %+v", s, got, want)
	}
}

func TestMatchNameVersionSeeds(t *testing.T) {
	for _, s := range nameVersionSeeds {
		checkNameVersion(t, s)
	}
	// Every spec, dependency and checksum line of the corpus.
	for _, path := range corpusFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			line = strings.TrimRight(line, "\n")
			if n := leadingSpaces(line); n == 2 || n == 4 || n == 6 {
				checkNameVersion(t, line[n:])
			}
		}
	}
}
