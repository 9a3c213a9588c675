package gemspec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzFix checks that Fix never panics, that an edited file differs from
// its input only in the lines Fix reports (inserted lines carrying the key,
// changed lines that gained the key or a comma), and that fixing again
// changes nothing.
func FuzzFix(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "styles", "in"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		src, err := os.ReadFile(filepath.Join("testdata", "styles", "in", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
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
		opts := FixOptions{All: all, OverrideOptOut: override}
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
