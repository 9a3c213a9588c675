package gemspec

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/styles/want")

// styleOptions gives the fixtures that need them their Fix options; the
// others use the zero FixOptions.
var styleOptions = map[string]FixOptions{
	"opted_out_override.gemspec": {OverrideOptOut: true},
	"multiple_specs.gemspec":     {Name: "nextrb"},
	"multiple_specs_all.gemspec": {All: true},
}

// styleRead reads the files the style fixtures require, relative to
// testdata/styles/in, without leaving testdata/styles (their helpers sit
// in testdata/styles/support, where Ruby finds them from in/ and want/
// alike).
var styleRead = FSReader(os.DirFS(filepath.Join("testdata", "styles")), "in")

// styleFixOptions returns a fixture's Fix options, with the reader.
func styleFixOptions(name string) FixOptions {
	o := styleOptions[name]
	o.Read = styleRead
	return o
}

// styleAnalyze analyses a fixture as the CLI does, following helpers.
func styleAnalyze(src []byte, name string) (*Analysis, error) {
	return AnalyzeWith(src, name, AnalyzeOptions{Read: styleRead})
}

// styleFixtures lists the inputs of the golden tests.
func styleFixtures(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "styles", "in"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) < 20 {
		t.Fatalf("only %d style fixtures found", len(names))
	}
	return names
}

// describe renders what Analyze and Fix said, for the golden report.
func describe(a *Analysis, e *Edit) string {
	var b strings.Builder
	b.WriteString("analysis:\n")
	if a.Skip != nil {
		fmt.Fprintf(&b, "  skip %s (line %d): %s\n", a.Skip.Kind, a.Skip.Line, a.Skip.Reason)
	}
	for _, s := range a.Specs {
		fmt.Fprintf(&b, "  spec %q |%s| lines %d-%d: %s (line %d, value %q): %s\n", s.Name, s.Var, s.Line, s.EndLine, s.State, s.StateLine, s.Value, s.Detail)
		if s.Skip != nil {
			fmt.Fprintf(&b, "    skip %s (line %d): %s\n", s.Skip.Kind, s.Skip.Line, s.Skip.Reason)
		}
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "    note: %s\n", n)
		}
	}
	b.WriteString("fix:\n")
	if e.Reason != "" {
		fmt.Fprintf(&b, "  not edited: %s\n", e.Reason)
	}
	for _, s := range e.Others {
		fmt.Fprintf(&b, "  not chosen: %q (line %d): %s\n", s.Name, s.Line, s.State)
	}
	for _, s := range e.Specs {
		fmt.Fprintf(&b, "  %q: %s", s.Spec.Name, s.Action)
		if len(s.Inserted) > 0 {
			fmt.Fprintf(&b, ", inserted lines %v", s.Inserted)
		}
		if len(s.Changed) > 0 {
			fmt.Fprintf(&b, ", changed lines %v", s.Changed)
		}
		if s.Reason != "" {
			fmt.Fprintf(&b, ": %s", s.Reason)
		}
		b.WriteString("\n")
	}
	b.WriteString("diff:\n")
	b.Write(UnifiedDiff("a/"+e.Path, "b/"+e.Path, e.Old, e.New))
	return b.String()
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		old, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(old, got) {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test -update after checking):\n%s", path,
			UnifiedDiff("want", "got", want, got))
	}
}

// TestStylesGolden fixes one fixture per gemspec style and compares the
// edited file and a report (analysis, actions, diff) with golden files.
func TestStylesGolden(t *testing.T) {
	for _, name := range styleFixtures(t) {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "styles", "in", name))
			if err != nil {
				t.Fatal(err)
			}
			a, err := styleAnalyze(src, name)
			if err != nil {
				t.Fatalf("Analyze: %v", err)
			}
			e, err := Fix(src, name, styleFixOptions(name))
			if err != nil {
				t.Fatalf("Fix: %v", err)
			}
			golden(t, filepath.Join("testdata", "styles", "want", name), e.New)
			golden(t, filepath.Join("testdata", "styles", "want", name+".txt"), []byte(describe(a, e)))

			// Idempotence: fixing the fixed file changes nothing.
			again, err := Fix(e.New, name, styleFixOptions(name))
			if err != nil {
				t.Fatalf("second Fix: %v", err)
			}
			if again.Changed() {
				t.Errorf("second Fix changed the file again:\n%s", UnifiedDiff("first", "second", e.New, again.New))
			}
			// Every spec Fix edited now requires MFA, and the rest kept
			// their state.
			after, err := styleAnalyze(e.New, name)
			if err != nil {
				t.Fatalf("Analyze after Fix: %v", err)
			}
			edited := map[int]bool{}
			for _, s := range e.Specs {
				if s.Action == ActionInserted || s.Action == ActionReplaced || s.Action == ActionUncommented {
					edited[s.Spec.Line] = true
				}
			}
			if len(after.Specs) != len(a.Specs) {
				t.Fatalf("%d specs after Fix, %d before", len(after.Specs), len(a.Specs))
			}
			for i, s := range a.Specs {
				got := after.Specs[i].State
				switch {
				case edited[s.Line] && got != Required:
					t.Errorf("spec %q: %s after Fix, want required", s.Name, got)
				case !edited[s.Line] && got != s.State:
					t.Errorf("spec %q: %s after Fix, was %s", s.Name, got, s.State)
				}
			}
		})
	}
}

// TestStylesCoverEveryState makes sure the fixtures exercise every state,
// skip kind and action, so a lost fixture cannot hide a case.
func TestStylesCoverEveryState(t *testing.T) {
	states := map[State]bool{}
	skips := map[SkipKind]bool{}
	actions := map[Action]bool{}
	for _, name := range styleFixtures(t) {
		src, err := os.ReadFile(filepath.Join("testdata", "styles", "in", name))
		if err != nil {
			t.Fatal(err)
		}
		a, err := styleAnalyze(src, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a.Skip != nil {
			skips[a.Skip.Kind] = true
		}
		for _, s := range a.Specs {
			states[s.State] = true
			if s.Skip != nil {
				skips[s.Skip.Kind] = true
			}
		}
		e, err := Fix(src, name, styleFixOptions(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range e.Specs {
			actions[s.Action] = true
		}
	}
	var missing []string
	for _, s := range []State{Required, Missing, CommentedOut, OptedOut, Invalid, Computed} {
		if !states[s] {
			missing = append(missing, string(s))
		}
	}
	for _, k := range []SkipKind{SkipTemplate, SkipGenerated, SkipEval, SkipPushHost} {
		if !skips[k] {
			missing = append(missing, string(k))
		}
	}
	for _, k := range []Action{ActionNone, ActionInserted, ActionUncommented, ActionReplaced, ActionUnfixed} {
		if !actions[k] {
			missing = append(missing, string(k))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no fixture covers %v", missing)
	}
}
