package campaign

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/campaign/githubtest"
	"github.com/mfaudit/mfaudit/gemspec"
	"github.com/mfaudit/mfaudit/gemspec/gemspectest"
)

// stylesDir holds the gemspec package's style fixtures: in/ the gemspecs,
// support/ the helper files some of them require (as ../support/...).
var stylesDir = filepath.Join("..", "gemspec", "testdata", "styles")

// supportFiles returns the style fixtures' helper files, keyed by their
// slash path under stylesDir ("support/fino/metadata.rb").
func supportFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	root := os.DirFS(stylesDir)
	err := fs.WalkDir(root, "support", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(root, p)
		files[p] = string(data)
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("support files: %v (%d)", err, len(files))
	}
	return files
}

// styleGems seeds one repository per gemspec style fixture of the gemspec
// package (each named after the real gem whose style it follows), and
// returns the targeted gems: every one whose gemspec lacks the flag. A
// fixture that requires helper files sits at in/NAME.gemspec beside
// support/, as in the fixtures' own tree, so that the campaign can follow
// them in the repository.
func styleGems(t *testing.T, w *world) (gems []string, editable int) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(stylesDir, "in", "*.gemspec"))
	if err != nil || len(paths) < 20 {
		t.Fatalf("style fixtures: %v (%d)", err, len(paths))
	}
	support := supportFiles(t)
	read := gemspec.FSReader(os.DirFS(stylesDir), "in")
	seen := map[string]bool{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(p)
		a, err := gemspec.AnalyzeWith(data, base, gemspec.AnalyzeOptions{Read: read})
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
		files := map[string]string{base: string(data)}
		if strings.Contains(string(data), "../support/") {
			files = map[string]string{"in/" + base: string(data)}
			for p, content := range support {
				files[p] = content
			}
		}
		w.gh.AddRepo(githubtest.Repo{Owner: "styles", Name: repo, Files: files})
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
	// Helpers in other files of the repository are followed: fino-solid's
	// sets the flag (no pull request), fino-redis's sets other metadata
	// only (the flag goes into the gemspec, checked below), fino-ui's works in a loop
	// (no edit, the helper named).
	for gem, want := range map[string]struct {
		outcome Outcome
		reason  string
	}{
		"fino-solid": {OutcomeFixedUpstream, "already sets the flag"},
		"fino-redis": {OutcomeOpened, "opened pull request"},
		"fino-ui":    {OutcomeComputed, "in Fino::Release.metadata(spec) (../support/fino_release.rb:10)"},
	} {
		found := false
		for _, rp := range p.Repos {
			for _, g := range rp.Gems {
				if g.Gem == gem {
					found = true
					if g.Outcome != want.outcome || !strings.Contains(g.Reason, want.reason) {
						t.Errorf("%s: %s: %s, want %s mentioning %q", gem, g.Outcome, g.Reason, want.outcome, want.reason)
					}
				}
			}
		}
		if !found {
			t.Errorf("%s is not in the plan", gem)
		}
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
			write := map[string]string{pp.before: original, pp.after: committed}
			if strings.HasPrefix(e.Path, "in/") {
				// The helpers it requires, beside it as in the repository.
				for p, content := range supportFiles(t) {
					write[filepath.Join(dir, "before", rp.Repo, p)] = content
					write[filepath.Join(dir, "after", rp.Repo, p)] = content
				}
			}
			for f, data := range write {
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
