package gemspec

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// styleSeeds returns the style fixtures, the fuzz targets' seed corpus.
func styleSeeds(f *testing.F) [][]byte {
	dir := filepath.Join("testdata", "styles", "in")
	entries, err := os.ReadDir(dir)
	if err != nil {
		f.Fatal(err)
	}
	var seeds [][]byte
	for _, e := range entries {
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, src)
	}
	return seeds
}

// FuzzFix checks that Fix never panics, that an edited file differs from
// its input only in the lines Fix reports (inserted lines carrying the key,
// changed lines that gained the key or a comma), and that fixing again
// changes nothing.
func FuzzFix(f *testing.F) {
	for _, src := range styleSeeds(f) {
		f.Add(src, false, false)
	}
	for _, s := range []string{
		"Gem::Specification.new do |s|\nend\n",
		"Gem::Specification.new { |s| s.name = 'x' }",
		"Gem::Specification.new do |s|\n  s.metadata = {\n  }\nend",
		"Gem::Specification.new do |s|\n  s.metadata = { 'a' => 'b', }\nend\n",
		"Gem::Specification.new do |s|\n  s.metadata = { \"a\" => <<~X }\n  y\n  X\nend\n",
		"Gem::Specification.new do |s|\n  s.metadata = {\n    \"a\" => <<~X\n  y\n  X\n  }\nend\n",
		"Gem::Specification.new do |s|\n  s.metadata[\"rubygems_mfa_required\"] = \"0\"\nend\n",
		"Gem::Specification.new do |s|\r\n\ts.name = %q{x}\r\n\t# s.metadata['rubygems_mfa_required'] = 'true'\r\nend",
		"x = <<A + <<B\na\nA\nb\nB\nGem::Specification.new do |s| s.name = 'a'\nend",
	} {
		f.Add([]byte(s), true, true)
	}
	f.Fuzz(func(t *testing.T, src []byte, all, override bool) {
		checkFix(t, src, FixOptions{All: all, OverrideOptOut: override})
	})
}

// checkFix runs Fix and checks its edit.
func checkFix(t *testing.T, src []byte, opts FixOptions) {
	{
		e, err := Fix(src, "fuzz.gemspec", opts)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("Fix returned a non-syntax error: %v", err)
			}
			return
		}
		if !e.Changed() {
			for _, s := range e.Specs {
				if s.Action != ActionNone && s.Action != ActionUnfixed {
					t.Fatalf("spec %q: action %s but the file did not change", s.Spec.Name, s.Action)
				}
			}
			return
		}
		var inserted, changed []int
		for _, s := range e.Specs {
			inserted = append(inserted, s.Inserted...)
			changed = append(changed, s.Changed...)
		}
		oldLines, newLines := splitLines(e.Old), splitLines(e.New)
		skip := map[int]bool{}
		for _, n := range inserted {
			if n < 1 || n > len(newLines) {
				t.Fatalf("inserted line %d out of range", n)
			}
			if !strings.Contains(newLines[n-1], MFAKey) {
				t.Fatalf("inserted line %d lacks the key: %q", n, newLines[n-1])
			}
			skip[n] = true
		}
		isChanged := map[int]bool{}
		for _, n := range changed {
			isChanged[n] = true
		}
		j := 0
		for i := range newLines {
			if skip[i+1] {
				continue
			}
			if j >= len(oldLines) {
				t.Fatalf("more kept lines than the input had")
			}
			o, n := oldLines[j], newLines[i]
			j++
			if o == n {
				continue
			}
			if !isChanged[i+1] {
				t.Fatalf("line %d changed but was not reported: %q -> %q", i+1, o, n)
			}
			if !strings.Contains(n, MFAKey) && !addedComma(o, n) {
				t.Fatalf("line %d changed in an unexpected way: %q -> %q", i+1, o, n)
			}
		}
		if j != len(oldLines) {
			t.Fatalf("%d input lines, %d kept", len(oldLines), j)
		}
		again, err := Fix(e.New, "fuzz.gemspec", opts)
		if err != nil {
			t.Fatalf("Fix of the fixed file: %v\n%s", err, e.New)
		}
		if again.Changed() {
			t.Fatalf("Fix is not idempotent:\n%s", UnifiedDiff("first", "second", e.New, again.New))
		}
	}
}

// FuzzParse checks that Analyze never panics, fails only with a
// *SyntaxError, and reports specifications that make sense: lines inside
// the file, a known state, a value that agrees with the state, and the
// same answer twice.
func FuzzParse(f *testing.F) {
	for _, src := range styleSeeds(f) {
		f.Add(src)
	}
	f.Add([]byte("Gem::Specification.new do |s|\n  s.metadata = { \"rubygems_mfa_required\" => \"true\" }\nend\n"))
	f.Add([]byte("spec = Gem::Specification.new do |s|\nend\nspec.metadata['x'] = 'y'\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		a, err := Analyze(src, "fuzz.gemspec")
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("Analyze returned a non-syntax error: %v", err)
			}
			return
		}
		checkAnalysis(t, src, a)
		b, err := Analyze(src, "fuzz.gemspec")
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("Analyze is not deterministic: %v\n%+v\n%+v", err, a, b)
		}
	})
}

// checkAnalysis checks the invariants of an analysis of src.
func checkAnalysis(t *testing.T, src []byte, a *Analysis) {
	t.Helper()
	lines := bytes.Count(src, []byte("\n")) + 1
	for _, s := range a.Specs {
		if s.Line < 1 || s.EndLine < s.Line || s.EndLine > lines || s.StateLine < 0 || s.StateLine > lines {
			t.Fatalf("spec lines %d-%d, state line %d, in a file of %d lines", s.Line, s.EndLine, s.StateLine, lines)
		}
		switch s.State {
		case Required, OptedOut:
			if castBool(s.Value) != (s.State == Required) {
				t.Fatalf("state %s with value %q", s.State, s.Value)
			}
			if s.StateLine == 0 {
				t.Fatalf("state %s without a line", s.State)
			}
		case Missing, CommentedOut, Invalid, Computed:
			if s.Value != "" {
				t.Fatalf("state %s with value %q", s.State, s.Value)
			}
		default:
			t.Fatalf("unknown state %q", s.State)
		}
		if s.Detail == "" {
			t.Fatalf("state %s without a detail", s.State)
		}
		if s.Var == "" {
			t.Fatal("no block variable")
		}
	}
}

// FuzzHelper checks Fix on a gemspec whose required files all read as
// the fuzzed helper source: helpers must be followed without panics, the
// edit must check out, and fixing again must change nothing.
func FuzzHelper(f *testing.F) {
	dir := filepath.Join("testdata", "styles")
	for _, p := range [][2]string{
		{"in/fino_helper_required.gemspec", "support/fino/metadata.rb"},
		{"in/fino_helper_missing.gemspec", "support/fino_gemspec.rb"},
		{"in/fino_helper_computed.gemspec", "support/fino_release.rb"},
		{"in/metadata_helper.gemspec", "support/fino_metadata.rb"},
	} {
		src, err := os.ReadFile(filepath.Join(dir, p[0]))
		if err != nil {
			f.Fatal(err)
		}
		helper, err := os.ReadFile(filepath.Join(dir, p[1]))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, helper, false, false)
	}
	f.Add([]byte("require_relative 'h'\nGem::Specification.new do |s|\n  s.metadata = H.m(s.metadata)\nend\n"),
		[]byte("module H\n  def self.m(md)\n    md[\"rubygems_mfa_required\"] = \"false\"\n    { \"a\" => \"b\" }.freeze\n  end\nend\n"), true, true)
	f.Add([]byte("module H\n  def self.m(s) s.metadata = {} end\nend\nGem::Specification.new do |s|\n  H.m(s)\nend\n"), []byte(""), false, false)
	f.Fuzz(func(t *testing.T, src, helper []byte, all, override bool) {
		read := func(name string) ([]byte, error) {
			if strings.HasPrefix(name, "../../") {
				return nil, fs.ErrNotExist
			}
			return helper, nil
		}
		opts := FixOptions{All: all, OverrideOptOut: override, Read: read}
		if a, err := AnalyzeWith(src, "fuzz.gemspec", AnalyzeOptions{Read: read}); err == nil {
			checkAnalysis(t, src, a)
		}
		checkFix(t, src, opts)
	})
}

// addedComma reports whether n is o with one comma inserted.
func addedComma(o, n string) bool {
	if len(n) != len(o)+1 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] == ',' && n[:i]+n[i+1:] == o {
			return true
		}
	}
	return false
}
