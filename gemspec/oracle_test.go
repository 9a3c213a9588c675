package gemspec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/gemspec/gemspectest"
)

// others returns the metadata without the MFA key, as key/value text.
func others(s gemspectest.Spec) map[string]string {
	m := map[string]string{}
	for _, kv := range s.Metadata {
		if kv[0] != MFAKey {
			m[kv[1]+":"+kv[0]] = kv[3] + ":" + kv[2]
		}
	}
	return m
}

// rubyState judges a loaded specification the way RubyGems and
// RubyGems.org do.
func rubyState(s gemspectest.Spec) State {
	state := Missing
	for _, kv := range s.Metadata {
		if kv[1] != "String" || kv[3] != "String" {
			return Invalid
		}
		if kv[0] == MFAKey {
			if castBool(kv[2]) {
				state = Required
			} else {
				state = OptedOut
			}
		}
	}
	return state
}

// followedHelpers are the fixtures whose specification is handed to a
// helper in another file that Analyze must follow to a verdict, which
// RubyGems' reading must then confirm.
var followedHelpers = map[string]bool{
	"metadata_helper.gemspec":      true,
	"fino_helper_required.gemspec": true,
	"fino_helper_missing.gemspec":  true,
}

// TestOracleRubyGems loads every style fixture and its fixed version with
// real RubyGems: the fixed file must set metadata["rubygems_mfa_required"]
// to "true" for every edited specification and leave every other key as it
// was; files Fix leaves alone must load the same; and the state Analyze
// reports must be the one RubyGems' own reading gives.
func TestOracleRubyGems(t *testing.T) {
	var names, paths []string
	for _, name := range styleFixtures(t) {
		if !strings.HasSuffix(name, ".gemspec") {
			continue
		}
		names = append(names, name)
		paths = append(paths, filepath.Join("testdata", "styles", "in", name), filepath.Join("testdata", "styles", "want", name))
	}
	loaded := gemspectest.Load(t, paths)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			inPath := filepath.Join("testdata", "styles", "in", name)
			src, err := os.ReadFile(inPath)
			if err != nil {
				t.Fatal(err)
			}
			e, err := Fix(src, name, styleFixOptions(name))
			if err != nil {
				t.Fatal(err)
			}
			wantSrc, err := os.ReadFile(filepath.Join("testdata", "styles", "want", name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(wantSrc, e.New) {
				t.Fatal("golden file is stale; run go test -update")
			}
			before, after := loaded[inPath], loaded[filepath.Join("testdata", "styles", "want", name)]
			if !before.Loaded || !after.Loaded {
				t.Fatalf("RubyGems could not load the file: before %v, after %v", before.Loaded, after.Loaded)
			}
			if len(before.Specs) != len(after.Specs) {
				t.Fatalf("RubyGems created %d specs before the edit, %d after", len(before.Specs), len(after.Specs))
			}
			a, err := styleAnalyze(src, name)
			if err != nil {
				t.Fatal(err)
			}
			edited := map[string]bool{}
			for _, s := range e.Specs {
				if s.Action == ActionInserted || s.Action == ActionReplaced || s.Action == ActionUncommented {
					edited[s.Spec.Name] = true
				}
			}
			for i := range before.Specs {
				b, f := before.Specs[i], after.Specs[i]
				if b.Name != f.Name {
					t.Fatalf("spec %d is %q before and %q after", i, b.Name, f.Name)
				}
				if ob, of := others(b), others(f); fmt.Sprint(ob) != fmt.Sprint(of) {
					t.Errorf("spec %q: other metadata changed:\nbefore %v\nafter  %v", b.Name, ob, of)
				}
				if edited[b.Name] {
					if got := rubyState(f); got != Required {
						t.Errorf("spec %q: RubyGems reads the edited file as %s, want required (%v)", b.Name, got, f.Metadata)
					}
					for _, kv := range f.Metadata {
						if kv[0] == MFAKey && (kv[2] != "true" || kv[1] != "String" || kv[3] != "String") {
							t.Errorf("spec %q: edited value is %v, want the String \"true\"", b.Name, kv)
						}
					}
				} else if fmt.Sprint(b.Metadata) != fmt.Sprint(f.Metadata) {
					t.Errorf("spec %q was not edited but its metadata changed:\nbefore %v\nafter  %v", b.Name, b.Metadata, f.Metadata)
				}
			}
			// Analyze's verdict against RubyGems' reading.
			if a.Skip != nil && a.Skip.Kind == SkipEval {
				return
			}
			if len(a.Specs) != len(before.Specs) {
				t.Fatalf("Analyze found %d specs, RubyGems %d", len(a.Specs), len(before.Specs))
			}
			for i, s := range a.Specs {
				want := rubyState(before.Specs[i])
				got := s.State
				if got == CommentedOut {
					got = Missing
				}
				if got == Computed {
					if followedHelpers[name] {
						t.Errorf("spec %q: computed (%s), but its helper is meant to be followed; RubyGems reads %s", s.Name, s.Detail, want)
					}
					t.Logf("spec %q: computed; RubyGems reads %s", s.Name, want)
					continue
				}
				if got != want {
					t.Errorf("spec %q: Analyze says %s, RubyGems reads %s (%v)", s.Name, s.State, want, before.Specs[i].Metadata)
				}
			}
		})
	}
}
