package campaign

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mfaudit/mfaudit/gemspec"
)

// judgeGem finds the gem's gemspec and decides whether it needs the edit,
// adding it to edits when it does.
func (c *Campaign) judgeGem(ctx context.Context, gp *GemPlan, files *repoFiles, repo *Repo, edits map[string]*FileEdit, order *[]string) {
	found, err := files.find(ctx, gp.Gem, gp.dir)
	if err != nil {
		gp.Outcome, gp.Reason, gp.err = OutcomeError, err.Error(), err
		return
	}
	if found.path == "" {
		gp.Outcome = OutcomeNoGemspec
		if found.unreadable != "" {
			gp.Reason = found.unreadable
			return
		}
		gp.Reason = fmt.Sprintf("no gemspec in %s defines a gem named %q", repo.FullName, gp.Gem)
		if len(found.looked) > 0 {
			gp.Reason += " (read " + strings.Join(limit(found.looked, 5), ", ") + ")"
		}
		if files.tree.Truncated {
			gp.Reason += "; GitHub listed only part of this very large repository"
		}
		return
	}
	gp.Gemspec, gp.Line, gp.State = found.path, found.spec.Line, found.spec.State
	at := fmt.Sprintf("%s:%d", found.path, found.spec.StateLine)
	skip := found.an.Skip
	if skip == nil {
		skip = found.spec.Skip
	}
	switch {
	case skip != nil && !skip.Judged():
		gp.Outcome, gp.Reason = OutcomeNotPublished, found.path+": "+skip.Reason
		return
	case found.spec.State == gemspec.Required:
		gp.Outcome = OutcomeFixedUpstream
		gp.Reason = fmt.Sprintf("%s on %s already sets the flag; the next release of %s will require MFA", at, repo.DefaultBranch, gp.Gem)
		return
	case skip != nil:
		gp.Outcome, gp.Reason = OutcomeGenerated, found.path+" is a "+skip.Reason
		return
	}
	switch found.spec.State {
	case gemspec.OptedOut:
		gp.Outcome = OutcomeOptedOut
		gp.Reason = fmt.Sprintf("%s sets rubygems_mfa_required to %q: the maintainers opted out", at, found.spec.Value)
		return
	case gemspec.Computed:
		gp.Outcome, gp.Reason = OutcomeComputed, fmt.Sprintf("%s: %s", found.path, found.spec.Detail)
		return
	case gemspec.Invalid:
		gp.Outcome, gp.Reason = OutcomeInvalid, fmt.Sprintf("%s: %s", found.path, found.spec.Detail)
		return
	}
	e := edits[found.path]
	if e == nil {
		src := files.src[found.path]
		e = &FileEdit{Path: found.path, Old: src, New: src, Mode: files.mode(found.path)}
		edits[found.path] = e
		*order = append(*order, found.path)
	}
	fix, err := gemspec.Fix(e.New, found.path, gemspec.FixOptions{Name: gp.Gem, Read: files.reader(ctx, found.path)})
	if err != nil {
		gp.Outcome, gp.Reason, gp.err = OutcomeError, err.Error(), err
		return
	}
	for _, sf := range fix.Specs {
		if sf.Spec.Name != gp.Gem {
			continue
		}
		switch sf.Action {
		case gemspec.ActionInserted, gemspec.ActionUncommented:
			e.New = fix.New
			e.Gems = append(e.Gems, gp.Gem)
			gp.Outcome = OutcomeOpen
			lines := append(append([]int{}, sf.Inserted...), sf.Changed...)
			verb := "adds the flag"
			if sf.Action == gemspec.ActionUncommented {
				verb = "uncomments the template's flag line"
			}
			gp.Reason = fmt.Sprintf("%s at %s:%s", verb, found.path, joinInts(lines))
		default:
			gp.Outcome, gp.Reason = OutcomeComputed, found.path+": "+sf.Reason
		}
		return
	}
	gp.Outcome, gp.Reason = OutcomeNoGemspec, found.path+": "+fix.Reason
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func limit(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], fmt.Sprintf("%d more", len(s)-n))
}

// gitBlobSHA is git's object name for a file's contents.
func gitBlobSHA(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// repoFiles reads a repository's gemspecs on demand, each once.
type repoFiles struct {
	forge Forge
	repo  string
	tree  *Tree
	files map[string]TreeFile
	// gemspecs are the candidate paths, in tree order.
	gemspecs []string
	src      map[string][]byte
	an       map[string]*gemspec.Analysis
	bad      map[string]error
}

// excludedDirs hold copies and fixtures, never a gem's own gemspec.
var excludedDirs = map[string]bool{
	"vendor": true, ".bundle": true, "node_modules": true, "fixtures": true,
	"testdata": true, "tmp": true,
}

func newRepoFiles(f Forge, repo string, tree *Tree) *repoFiles {
	rf := &repoFiles{forge: f, repo: repo, tree: tree, files: map[string]TreeFile{},
		src: map[string][]byte{}, an: map[string]*gemspec.Analysis{}, bad: map[string]error{}}
	for _, tf := range tree.Files {
		rf.files[tf.Path] = tf
		if !strings.HasSuffix(tf.Path, ".gemspec") || !validRelPath(tf.Path) {
			continue
		}
		skip := false
		for _, seg := range strings.Split(path.Dir(tf.Path), "/") {
			if excludedDirs[seg] {
				skip = true
			}
		}
		if !skip {
			rf.gemspecs = append(rf.gemspecs, tf.Path)
		}
	}
	return rf
}

func (rf *repoFiles) mode(p string) string {
	if m := rf.files[p].Mode; m != "" {
		return m
	}
	return "100644"
}

// maxGemspecReads bounds how many gemspecs are read to find one gem.
const maxGemspecReads = 25

// foundSpec is the gemspec that defines a gem, or why none does.
type foundSpec struct {
	path       string
	spec       *gemspec.Spec
	an         *gemspec.Analysis
	looked     []string
	unreadable string
}

// find returns the gemspec whose literal name is gem. It reads candidates
// most likely first: the file named like the gem in the link's directory,
// any file named like the gem, files in that directory, at the root, then
// the rest.
func (rf *repoFiles) find(ctx context.Context, gem, dir string) (foundSpec, error) {
	var out foundSpec
	cands := slices.Clone(rf.gemspecs)
	want := gem + ".gemspec"
	rank := func(p string) int {
		d := path.Dir(p)
		switch {
		case dir != "" && p == dir+"/"+want:
			return 0
		case path.Base(p) == want:
			return 1
		case dir != "" && d == dir:
			return 2
		case d == ".":
			return 3
		}
		return 4
	}
	sort.SliceStable(cands, func(i, j int) bool {
		ri, rj := rank(cands[i]), rank(cands[j])
		if ri != rj {
			return ri < rj
		}
		di, dj := strings.Count(cands[i], "/"), strings.Count(cands[j], "/")
		if di != dj {
			return di < dj
		}
		return cands[i] < cands[j]
	})
	reads := 0
	for _, p := range cands {
		if _, done := rf.src[p]; !done {
			if reads >= maxGemspecReads {
				break
			}
			reads++
			data, err := rf.forge.Blob(ctx, rf.repo, rf.files[p].SHA)
			if err != nil {
				return out, fmt.Errorf("reading %s: %w", p, err)
			}
			rf.src[p] = data
			if a, err := gemspec.AnalyzeWith(data, p, gemspec.AnalyzeOptions{Read: rf.reader(ctx, p)}); err != nil {
				rf.bad[p] = err
			} else {
				rf.an[p] = a
			}
		}
		out.looked = append(out.looked, p)
		if err := rf.bad[p]; err != nil {
			if path.Base(p) == want && out.unreadable == "" {
				out.unreadable = fmt.Sprintf("mfaudit cannot read %s with confidence (%v), so it proposes no edit", p, err)
			}
			continue
		}
		a := rf.an[p]
		for i := range a.Specs {
			if a.Specs[i].Name == gem {
				out.path, out.spec, out.an = p, &a.Specs[i], a
				return out, nil
			}
		}
	}
	return out, nil
}

// reader returns the function the gemspec package follows helpers with
// for the gemspec at gemspecPath: it reads a file the gemspec requires,
// named relative to the gemspec's directory, from the same commit's tree.
// Names that leave the repository are refused, as are files larger than
// gemspec.MaxHelperSize; each file is read once.
func (rf *repoFiles) reader(ctx context.Context, gemspecPath string) func(name string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		p := path.Join(path.Dir(gemspecPath), name)
		if path.IsAbs(name) || !validRelPath(p) {
			return nil, fmt.Errorf("%s is outside the repository", name)
		}
		if data, ok := rf.src[p]; ok {
			return data, nil
		}
		tf, ok := rf.files[p]
		if !ok {
			return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
		}
		if tf.Mode != "" && tf.Mode != "100644" && tf.Mode != "100755" {
			return nil, fmt.Errorf("%s is not a regular file", name)
		}
		data, err := rf.forge.Blob(ctx, rf.repo, tf.SHA)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		if len(data) > gemspec.MaxHelperSize {
			return nil, fmt.Errorf("%s is larger than %d KiB", name, gemspec.MaxHelperSize>>10)
		}
		rf.src[p] = data
		return data, nil
	}
}
