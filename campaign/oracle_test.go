package campaign

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/campaign/githubtest"
	"github.com/mfaudit/mfaudit/gemspec"
	"github.com/mfaudit/mfaudit/gemspec/gemspectest"
)

// styleGems seeds one repository per gemspec style fixture of the gemspec
// package (each named after the real gem whose style it follows), and
// returns the targeted gems: every one whose gemspec lacks the flag.
func styleGems(t *testing.T, w *world) (gems []string, editable int) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "gemspec", "testdata", "styles", "in", "*.gemspec"))
	if err != nil || len(paths) < 20 {
		t.Fatalf("style fixtures: %v (%d)", err, len(paths))
	}
	seen := map[string]bool{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(p)
		a, err := gemspec.Analyze(data, base)
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		repo := strings.ReplaceAll(strings.TrimSuffix(base, ".gemspec"), "_", "-")
		var names []string
		for _, s := range a.Specs {
			if s.Name == "" || seen[s.Name] {
				continue
			}
			names = append(names, s.Name)
		}
		if len(names) == 0 {
			continue
		}
		w.gh.AddRepo(githubtest.Repo{Owner: "styles", Name: repo, Files: map[string]string{base: string(data)}})
		for _, s := range a.Specs {
			if s.Name == "" || seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			w.reg.release(s.Name, "1.0.0", src(fmt.Sprintf("https://github.com/styles/%s", repo)))
			gems = append(gems, s.Name)
			skipped := a.Skip != nil || s.Skip != nil
			if !skipped && (s.State == gemspec.Missing || s.State == gemspec.CommentedOut) {
				editable++
			}
		}
	}
	sort.Strings(gems)
	return gems, editable
}

// TestCommittedGemspecsLoadInRubyGems runs a campaign over every gemspec
// style the gemspec package knows, then loads each committed gemspec and
// its original with real RubyGems: every edited gem's metadata has the
// String "true" for rubygems_mfa_required, and all its other metadata is
// unchanged.
func TestCommittedGemspecsLoadInRubyGems(t *testing.T) {
	w := newWorld(t)
	gems, editable := styleGems(t, w)
	p, err := w.run(context.Background(), ApplyOptions{}, gems...)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	type pair struct {
		repo, path, before, after string
		gems                      []string
	}
	var pairs []pair
	var files []string
	edited := 0
	for _, rp := range p.Repos {
		if rp.Outcome != OutcomeOpened {
			continue
		}
		pr := ourPR(t, w, rp.Repo)
		for _, e := range rp.Edits {
			committed, ok := w.gh.File(pr.HeadRepo, DefaultBranch, e.Path)
			if !ok {
				t.Fatalf("%s: %s is not on the branch", rp.Repo, e.Path)
			}
			original, _ := w.gh.File(rp.Repo, "main", e.Path)
			pp := pair{repo: rp.Repo, path: e.Path, gems: e.Gems,
				before: filepath.Join(dir, "before", rp.Repo, e.Path), after: filepath.Join(dir, "after", rp.Repo, e.Path)}
			for f, data := range map[string]string{pp.before: original, pp.after: committed} {
				os.MkdirAll(filepath.Dir(f), 0o755)
				if err := os.WriteFile(f, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			pairs = append(pairs, pp)
			files = append(files, pp.before, pp.after)
			edited += len(e.Gems)
		}
	}
	if edited != editable {
		for _, rp := range p.Repos {
			for _, g := range rp.Gems {
				t.Logf("%s %s: %s: %s", rp.Repo, g.Gem, g.Outcome, g.Reason)
			}
		}
		t.Fatalf("%d gems edited, want the %d whose gemspec lacks the flag", edited, editable)
	}
	loaded := gemspectest.Load(t, files)
	for _, pp := range pairs {
		before, after := loaded[pp.before], loaded[pp.after]
		if !before.Loaded || !after.Loaded || len(before.Specs) != len(after.Specs) {
			t.Errorf("%s %s: loaded before %v, after %v; %d and %d specs", pp.repo, pp.path, before.Loaded, after.Loaded, len(before.Specs), len(after.Specs))
			continue
		}
		for i, b := range before.Specs {
			a := after.Specs[i]
			targeted := false
			for _, g := range pp.gems {
				targeted = targeted || g == a.Name
			}
			if others(b) != others(a) {
				t.Errorf("%s %s: spec %s: other metadata changed:\n%s\n%s", pp.repo, pp.path, a.Name, others(b), others(a))
			}
			flag := ""
			for _, kv := range a.Metadata {
				if kv[0] == gemspec.MFAKey {
					flag = kv[1] + ":" + kv[2] + ":" + kv[3]
				}
			}
			if targeted && flag != "String:true:String" {
				t.Errorf("%s %s: spec %s: RubyGems reads rubygems_mfa_required as %q, want the String \"true\"", pp.repo, pp.path, a.Name, flag)
			}
		}
	}
	t.Logf("%d committed gemspecs (%d gems) loaded in RubyGems", len(pairs), edited)
}

// others is a spec's metadata without the MFA key, as text.
func others(s gemspectest.Spec) string {
	var kv []string
	for _, m := range s.Metadata {
		if m[0] != gemspec.MFAKey {
			kv = append(kv, strings.Join(m, "|"))
		}
	}
	sort.Strings(kv)
	return strings.Join(kv, "\n")
}
