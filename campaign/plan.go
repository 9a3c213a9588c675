package campaign

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mfaudit/mfaudit/gemspec"
	"github.com/mfaudit/mfaudit/registry"
)

// Plan is what a run would do, per repository.
type Plan struct {
	// Branch is the campaign's branch.
	Branch string `json:"branch"`
	// Viewer is the account the token belongs to; "" when the forge did
	// not say (no token).
	Viewer  string     `json:"viewer,omitempty"`
	Repos   []RepoPlan `json:"repositories"`
	Summary Summary    `json:"summary"`
}

// Summary counts a plan's (or a run's) repositories by what happens.
type Summary struct {
	Gems         int `json:"gems"`
	Repositories int `json:"repositories"`
	// PullRequests counts pull requests to open (in a plan) or opened (in
	// a run); Resume those an earlier run's branch is waiting for.
	PullRequests int `json:"pull_requests"`
	Resume       int `json:"resume"`
	Held         int `json:"held,omitempty"`
	Skipped      int `json:"skipped"`
	Errors       int `json:"errors"`
}

// RepoPlan is what happens to one repository, and to each targeted gem
// that lives in it.
type RepoPlan struct {
	// Repo is the canonical "owner/name" on GitHub, the repository's URL
	// on another forge, or "" when a gem names no repository at all.
	Repo    string  `json:"repository"`
	URL     string  `json:"url,omitempty"`
	Outcome Outcome `json:"outcome"`
	Reason  string  `json:"reason"`
	// Gems are the targeted gems found to live here.
	Gems  []GemPlan  `json:"gems"`
	Edits []FileEdit `json:"edits,omitempty"`
	// Base is the default branch and the commit the edit is made on.
	Base *Base `json:"base,omitempty"`
	// HeadRepo is where the branch goes: the repository itself when the
	// token can push to it, else the viewer's fork ("" until it exists).
	HeadRepo string `json:"head_repository,omitempty"`
	// Fork says a fork must be created first.
	Fork   bool   `json:"fork,omitempty"`
	Branch string `json:"branch,omitempty"`
	// Title is the pull request's title.
	Title string `json:"title,omitempty"`
	// PullRequest is the existing pull request the outcome refers to;
	// Ours says mfaudit opened it (its branch or marker says so).
	PullRequest *PullRequest `json:"pull_request,omitempty"`
	Ours        bool         `json:"ours,omitempty"`

	text       rendered
	branchHead string // the existing branch's commit (OutcomeResume)
	err        error  // why the outcome is OutcomeError
}

// Base locates the commit an edit is made on.
type Base struct {
	Branch string `json:"branch"`
	Commit string `json:"commit"`
	Tree   string `json:"tree"`
}

// GemPlan is what happens to one targeted gem.
type GemPlan struct {
	Gem  string   `json:"gem"`
	From []string `json:"from,omitempty"`
	// Latest is the release RubyGems.org judges the gem by.
	Latest string `json:"latest_version,omitempty"`
	// Link is the gem's link that named the repository, from LinkField.
	Link      string `json:"link,omitempty"`
	LinkField string `json:"link_field,omitempty"`
	// Gemspec is the file, in the repository, that defines the gem.
	Gemspec string        `json:"gemspec,omitempty"`
	Line    int           `json:"line,omitempty"`
	State   gemspec.State `json:"state,omitempty"`
	Outcome Outcome       `json:"outcome"`
	Reason  string        `json:"reason"`

	dir string // the link's directory hint
	err error  // why the outcome is OutcomeError
}

// FileEdit is one gemspec the pull request changes.
type FileEdit struct {
	Path string   `json:"path"`
	Gems []string `json:"gems"`
	// Diff is the unified diff of the edit.
	Diff string `json:"diff"`
	Old  []byte `json:"-"`
	New  []byte `json:"-"`
	Mode string `json:"-"`
}

// Plan decides, for every target, what a run would do. It only reads.
// The state, when not nil, tells where an earlier run put its fork; the
// plan does not depend on it. Failures to read one gem or repository are
// outcomes (OutcomeError), not errors; Plan fails only when ctx ends or
// the forge's rate limit outlasts the pause allowed (ErrRateLimited).
func (c *Campaign) Plan(ctx context.Context, targets []Target, st *State) (*Plan, error) {
	p := &Plan{Branch: c.opts.Branch}
	viewer, err := c.opts.Forge.Viewer(ctx)
	switch {
	case err == nil:
		p.Viewer = viewer.Login
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, ErrNoToken):
		viewer = nil
	default:
		// A token the forge refuses, or a forge that cannot be reached,
		// would fail every repository: say it once.
		return nil, fmt.Errorf("campaign: asking GitHub whose token this is: %w", err)
	}

	r := &resolver{c: c, repos: map[string]repoAnswer{}}
	groups := map[string]*RepoPlan{}
	repos := map[string]*Repo{}
	var order []string
	for _, t := range mergeTargets(targets) {
		gp, ref, repo := r.resolve(ctx, t)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if gp.err != nil && errors.Is(gp.err, ErrRateLimited) {
			return nil, gp.err
		}
		p.Summary.Gems++
		var key string
		switch {
		case repo != nil:
			key = "github:" + strings.ToLower(repo.FullName)
			repos[key] = repo
		case ref != nil:
			key = "url:" + strings.ToLower(ref.String()) + "\x00" + string(gp.Outcome)
		default:
			key = "gem:" + gp.Gem
		}
		rp := groups[key]
		if rp == nil {
			rp = &RepoPlan{Outcome: gp.Outcome, Reason: gp.Reason}
			if repo != nil {
				rp.Repo, rp.URL = repo.FullName, repo.HTMLURL
			} else if ref != nil && ref.Forge == GitHub {
				rp.Repo, rp.URL = ref.FullName(), ref.String()
			} else if ref != nil {
				rp.Repo, rp.URL = ref.String(), ref.String()
			}
			groups[key] = rp
			order = append(order, key)
		}
		rp.Gems = append(rp.Gems, gp)
	}
	for _, key := range order {
		rp := groups[key]
		if repo := repos[key]; repo != nil {
			c.planRepo(ctx, rp, repo, viewer, st)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if rp.err != nil && errors.Is(rp.err, ErrRateLimited) {
				return nil, rp.err
			}
		}
		p.Repos = append(p.Repos, *rp)
	}
	sortRepos(p.Repos)
	p.Summary = summarize(p.Repos, p.Summary.Gems)
	return p, nil
}

// mergeTargets drops duplicate gems, keeping every origin, and sorts them.
func mergeTargets(ts []Target) []Target {
	byName := map[string]*Target{}
	var names []string
	for _, t := range ts {
		m := byName[t.Gem]
		if m == nil {
			m = &Target{Gem: t.Gem}
			byName[t.Gem] = m
			names = append(names, t.Gem)
		}
		for _, f := range t.From {
			if !slices.Contains(m.From, f) {
				m.From = append(m.From, f)
			}
		}
	}
	sort.Strings(names)
	out := make([]Target, len(names))
	for i, n := range names {
		out[i] = *byName[n]
	}
	return out
}

func sortRepos(rs []RepoPlan) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Outcome.rank() != b.Outcome.rank() {
			return a.Outcome.rank() < b.Outcome.rank()
		}
		if a.Outcome != b.Outcome {
			return a.Outcome < b.Outcome
		}
		if a.Repo != b.Repo {
			return strings.ToLower(a.Repo) < strings.ToLower(b.Repo)
		}
		return a.Gems[0].Gem < b.Gems[0].Gem
	})
}

func summarize(rs []RepoPlan, gems int) Summary {
	s := Summary{Gems: gems}
	for _, r := range rs {
		if r.Repo != "" {
			s.Repositories++
		}
		switch {
		case r.Outcome == OutcomeOpen || r.Outcome == OutcomeOpened:
			s.PullRequests++
		case r.Outcome == OutcomeResume:
			s.Resume++
		case r.Outcome == OutcomeHeld:
			s.Held++
		case r.Outcome.Failed():
			s.Errors++
		default:
			s.Skipped++
		}
	}
	return s
}

// resolver finds each gem's repository, asking the forge once per linked
// repository.
type resolver struct {
	c     *Campaign
	repos map[string]repoAnswer
}

type repoAnswer struct {
	repo *Repo
	note string
	err  error
}

// linkFields are the links that may name a gem's repository, in the order
// they are trusted.
var linkFields = []string{"source_code_uri", "homepage_uri", "bug_tracker_uri", "changelog_uri"}

type link struct{ field, url string }

// resolve judges one target and finds its repository: repo is set for a
// repository on the forge; ref alone for one elsewhere.
func (r *resolver) resolve(ctx context.Context, t Target) (gp GemPlan, ref *RepoURL, repo *Repo) {
	gp = GemPlan{Gem: t.Gem, From: t.From}
	g, err := r.c.opts.Registry.Gem(ctx, t.Gem)
	switch {
	case errors.Is(err, registry.ErrNotFound):
		gp.Outcome, gp.Reason = OutcomeNotOnRubyGems, "RubyGems.org has no gem of this name"
		return gp, nil, nil
	case err != nil:
		gp.Outcome, gp.Reason, gp.err = OutcomeError, "RubyGems.org lookup failed: "+err.Error(), err
		return gp, nil, nil
	}
	if g.Latest != nil {
		gp.Latest = g.Latest.Number
	}
	if g.MFARequired() {
		gp.Outcome = OutcomeProtected
		gp.Reason = fmt.Sprintf("latest release %s already sets rubygems_mfa_required", gp.Latest)
		return gp, nil, nil
	}

	var meta map[string]string
	switch {
	case g.Latest != nil:
		meta = g.Latest.Metadata
	case len(g.Versions) > 0:
		meta = g.Versions[0].Metadata
	}
	var links []link
	for _, f := range linkFields {
		if u := strings.TrimSpace(meta[f]); u != "" {
			links = append(links, link{f, u})
		}
	}
	found, l, ok := r.pick(links)
	if !ok {
		// The versions list carries only the metadata's links; the gem
		// document adds those edited on RubyGems.org and the gemspec's
		// homepage.
		if more, err := r.c.opts.Registry.Links(ctx, t.Gem); err == nil {
			extra := []link{
				{"source_code_uri", more.SourceCode}, {"homepage_uri", more.Homepage},
				{"bug_tracker_uri", more.BugTracker}, {"changelog_uri", more.Changelog},
			}
			for _, e := range extra {
				if e.url = strings.TrimSpace(e.url); e.url != "" && !slices.Contains(links, e) {
					links = append(links, e)
				}
			}
			found, l, ok = r.pick(links)
		} else if ctx.Err() != nil {
			return gp, nil, nil
		}
	}
	if !ok {
		gp.Outcome = OutcomeNoRepository
		if len(links) == 0 {
			gp.Reason = "the gem names no source repository (no source_code_uri or homepage link)"
		} else {
			var tried []string
			for _, l := range links {
				tried = append(tried, l.field+" "+l.url)
			}
			gp.Reason = "no link names a repository on a code forge (" + strings.Join(tried, ", ") + ")"
		}
		return gp, nil, nil
	}
	gp.Link, gp.LinkField, gp.dir = l.url, l.field, found.Dir
	if found.Forge != GitHub {
		gp.Outcome = OutcomeUnsupportedForge
		gp.Reason = fmt.Sprintf("hosted on %s (%s); mfaudit opens pull requests on GitHub only", forgeName(found.Forge), found)
		return gp, &found, nil
	}
	ans := r.repo(ctx, found.FullName())
	switch {
	case errors.Is(ans.err, ErrNotFound):
		gp.Outcome = OutcomeRepoNotFound
		gp.Reason = fmt.Sprintf("%s (from %s) does not exist, or is private", found, l.field)
		return gp, &found, nil
	case ans.err != nil:
		gp.Outcome, gp.Reason, gp.err = OutcomeError, "reading the repository failed: "+ans.err.Error(), ans.err
		return gp, &found, nil
	}
	if ans.note != "" {
		gp.Reason = ans.note
	}
	return gp, &found, ans.repo
}

// pick returns the first link that names a repository on any forge.
func (r *resolver) pick(links []link) (RepoURL, link, bool) {
	for _, l := range links {
		ref, err := ParseRepoURL(l.url, r.c.opts.GitHubHosts...)
		if err == nil {
			return ref, l, true
		}
	}
	return RepoURL{}, link{}, false
}

// repo asks the forge for a linked repository, once: a rename is followed
// through the canonical name, and a fork is replaced by its parent.
func (r *resolver) repo(ctx context.Context, fullName string) repoAnswer {
	key := strings.ToLower(fullName)
	if a, ok := r.repos[key]; ok {
		return a
	}
	repo, err := r.c.opts.Forge.Repo(ctx, fullName)
	a := repoAnswer{repo: repo, err: err}
	if err == nil {
		if !strings.EqualFold(repo.FullName, fullName) {
			a.note = fmt.Sprintf("%s is now %s", fullName, repo.FullName)
		}
		if repo.Fork && repo.Parent != "" {
			if parent, err := r.c.opts.Forge.Repo(ctx, repo.Parent); err == nil {
				a.repo = parent
				a.note = fmt.Sprintf("the linked %s is a fork of %s, which is used instead", repo.FullName, parent.FullName)
			}
		}
	}
	if ctx.Err() == nil {
		r.repos[key] = a
	}
	return a
}

func forgeName(f ForgeKind) string {
	switch f {
	case GitLab:
		return "GitLab"
	case Codeberg:
		return "Codeberg"
	case SourceHut:
		return "SourceHut"
	case Bitbucket:
		return "Bitbucket"
	}
	return string(f)
}

// planRepo reads one repository and decides what to do there.
func (c *Campaign) planRepo(ctx context.Context, rp *RepoPlan, repo *Repo, viewer *Account, st *State) {
	rp.Branch = c.opts.Branch
	fail := func(err error) {
		rp.err = err
		rp.Outcome, rp.Reason = OutcomeError, err.Error()
		for i := range rp.Gems {
			rp.Gems[i].Outcome, rp.Gems[i].Reason = OutcomeError, err.Error()
		}
	}
	if repo.Archived {
		rp.Outcome, rp.Reason = OutcomeArchived, "the repository is archived (read-only)"
		setAll(rp, OutcomeArchived, rp.Reason)
		return
	}
	head, err := c.opts.Forge.BranchHead(ctx, repo.FullName, repo.DefaultBranch)
	if err != nil {
		fail(fmt.Errorf("reading the default branch: %w", err))
		return
	}
	tree, err := c.opts.Forge.Tree(ctx, repo.FullName, head)
	if err != nil {
		fail(fmt.Errorf("listing the files: %w", err))
		return
	}
	rp.Base = &Base{Branch: repo.DefaultBranch, Commit: head, Tree: tree.SHA}
	files := newRepoFiles(c.opts.Forge, repo.FullName, tree)

	edits := map[string]*FileEdit{}
	var editOrder []string
	for i := range rp.Gems {
		gp := &rp.Gems[i]
		note := gp.Reason
		c.judgeGem(ctx, gp, files, repo, edits, &editOrder)
		if note != "" && gp.Outcome != OutcomeError {
			gp.Reason = note + "; " + gp.Reason
		}
	}
	if ctx.Err() != nil {
		return
	}
	for _, p := range editOrder {
		e := edits[p]
		if !e.changed() {
			continue
		}
		e.Diff = safeText(string(gemspec.UnifiedDiff("a/"+p, "b/"+p, e.Old, e.New)))
		rp.Edits = append(rp.Edits, *e)
	}
	if len(rp.Edits) == 0 {
		rp.Outcome, rp.Reason = aggregate(rp.Gems)
		return
	}

	var gems, paths []string
	for _, e := range rp.Edits {
		paths = append(paths, e.Path)
		gems = append(gems, e.Gems...)
	}
	sort.Strings(gems)
	sort.Strings(paths)
	rp.text, err = c.texts.render(TextData{Repo: repo.FullName, Gems: gems, Files: paths, Branch: c.opts.Branch})
	if err != nil {
		fail(err)
		return
	}
	rp.Title = rp.text.Title

	outcome, reason, pr, ours, err := c.existingPulls(ctx, repo, viewer)
	if err != nil {
		fail(err)
		return
	}
	if outcome != "" {
		rp.Outcome, rp.Reason, rp.PullRequest, rp.Ours = outcome, reason, pr, ours
		setOpen(rp, outcome, reason)
		return
	}

	// Where the branch goes.
	switch {
	case repo.CanPush:
		rp.HeadRepo = repo.FullName
	case viewer != nil:
		rp.Fork = true
		if fork, err := c.findFork(ctx, repo, viewer, st); err != nil {
			fail(err)
			return
		} else if fork != "" {
			rp.HeadRepo, rp.Fork = fork, false
		}
	default:
		rp.Fork = true
	}
	rp.Outcome = OutcomeOpen
	rp.Reason = fmt.Sprintf("one pull request against %s for %s", repo.DefaultBranch, strings.Join(gems, ", "))
	if rp.HeadRepo == "" {
		return
	}
	sha, err := c.opts.Forge.BranchHead(ctx, rp.HeadRepo, c.opts.Branch)
	switch {
	case errors.Is(err, ErrNotFound):
		return
	case err != nil:
		fail(fmt.Errorf("reading branch %s of %s: %w", c.opts.Branch, rp.HeadRepo, err))
		return
	}
	holds, err := c.branchHolds(ctx, rp, sha)
	if err != nil {
		fail(err)
		return
	}
	if !holds {
		rp.Outcome = OutcomeBranchConflict
		rp.Reason = fmt.Sprintf("branch %s already exists in %s but does not hold this edit; mfaudit never overwrites a branch (delete it to let the campaign open a fresh one)", c.opts.Branch, rp.HeadRepo)
		setOpen(rp, rp.Outcome, rp.Reason)
		return
	}
	rp.branchHead = sha
	rp.Outcome = OutcomeResume
	rp.Reason = fmt.Sprintf("branch %s of %s already holds the edit (an earlier run pushed it); the pull request will be opened from it", c.opts.Branch, rp.HeadRepo)
	setOpen(rp, OutcomeResume, rp.Reason)
}

func (e *FileEdit) changed() bool { return string(e.Old) != string(e.New) }

// setAll gives every gem of rp the same outcome.
func setAll(rp *RepoPlan, o Outcome, reason string) {
	for i := range rp.Gems {
		rp.Gems[i].Outcome, rp.Gems[i].Reason = o, reason
	}
}

// setOpen gives the repository's outcome to the gems that were to be
// edited.
func setOpen(rp *RepoPlan, o Outcome, reason string) {
	for i := range rp.Gems {
		if rp.Gems[i].Outcome == OutcomeOpen {
			rp.Gems[i].Outcome, rp.Gems[i].Reason = o, reason
		}
	}
}

// aggregate sums up a repository where nothing is edited: the gems'
// outcome when they agree, else a list.
func aggregate(gems []GemPlan) (Outcome, string) {
	o, r := gems[0].Outcome, gems[0].Reason
	for _, g := range gems[1:] {
		if g.Outcome.Failed() {
			o = g.Outcome
		}
		if g.Outcome != gems[0].Outcome {
			if !o.Failed() {
				o = OutcomeSkipMixed
			}
		}
	}
	if len(gems) > 1 {
		var parts []string
		for _, g := range gems {
			parts = append(parts, g.Gem+": "+string(g.Outcome))
		}
		r = "nothing to change (" + strings.Join(parts, "; ") + ")"
	}
	return o, r
}

// OutcomeSkipMixed sums up a repository whose gems are skipped for
// different reasons.
const OutcomeSkipMixed Outcome = "skipped"

// judgeGem finds the gem's gemspec and decides whether it needs the edit,
// adding it to edits when it does.
func (c *Campaign) judgeGem(ctx context.Context, gp *GemPlan, files *repoFiles, repo *Repo, edits map[string]*FileEdit, order *[]string) {
	found, err := files.find(ctx, gp.Gem, gp.dir)
	if err != nil {
		gp.Outcome, gp.Reason = OutcomeError, err.Error()
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
	fix, err := gemspec.Fix(e.New, found.path, gemspec.FixOptions{Name: gp.Gem})
	if err != nil {
		gp.Outcome, gp.Reason = OutcomeError, err.Error()
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

// existingPulls looks for pull requests about the flag: the campaign's
// own, by its branch (the list is current; search lags), and anyone's, by
// search. It returns an outcome when one means nothing may be opened.
func (c *Campaign) existingPulls(ctx context.Context, repo *Repo, viewer *Account) (Outcome, string, *PullRequest, bool, error) {
	owner, _, _ := strings.Cut(repo.FullName, "/")
	var heads []string
	if viewer != nil {
		heads = append(heads, viewer.Login)
	}
	if repo.CanPush && (viewer == nil || !strings.EqualFold(owner, viewer.Login)) {
		heads = append(heads, owner)
	}
	var ours []PullRequest
	for _, h := range heads {
		prs, err := c.opts.Forge.PullRequests(ctx, repo.FullName, h+":"+c.opts.Branch)
		if err != nil {
			return "", "", nil, false, fmt.Errorf("listing pull requests: %w", err)
		}
		ours = append(ours, prs...)
	}
	found, err := c.opts.Forge.SearchPullRequests(ctx, repo.FullName, SearchText)
	if err != nil {
		return "", "", nil, false, fmt.Errorf("searching pull requests: %w", err)
	}
	type cand struct {
		pr   PullRequest
		ours bool
	}
	var all []cand
	seen := map[int]bool{}
	for _, pr := range ours {
		if !seen[pr.Number] {
			seen[pr.Number] = true
			all = append(all, cand{pr, true})
		}
	}
	for _, pr := range found {
		if !seen[pr.Number] {
			seen[pr.Number] = true
			all = append(all, cand{pr, hasMarker(pr.Body)})
		}
	}
	// Declined beats open beats merged: one closed pull request is enough
	// never to propose the change again.
	best, bestRank := -1, 99
	for i, cd := range all {
		r := 2
		switch {
		case cd.pr.State == "closed" && !cd.pr.Merged:
			r = 0
		case cd.pr.State == "open":
			r = 1
		}
		if r < bestRank {
			best, bestRank = i, r
		}
	}
	if best < 0 {
		return "", "", nil, false, nil
	}
	cd := all[best]
	pr := cd.pr
	who := "pull request #" + strconv.Itoa(pr.Number) + " by @" + pr.Author
	if cd.ours {
		who = "mfaudit's pull request #" + strconv.Itoa(pr.Number)
	}
	switch bestRank {
	case 0:
		return OutcomeDeclined, fmt.Sprintf("%s was closed without being merged (%s): the maintainers declined, so no other will be opened", who, pr.URL), &pr, cd.ours, nil
	case 1:
		return OutcomePROpen, fmt.Sprintf("%s is open (%s)", who, pr.URL), &pr, cd.ours, nil
	}
	return OutcomePRMerged, fmt.Sprintf("%s was merged (%s), yet %s does not set the flag; nothing more is proposed", who, pr.URL, repo.DefaultBranch), &pr, cd.ours, nil
}

// findFork returns the viewer's fork of repo when it already exists: the
// one an earlier run recorded, or the one named like repo.
func (c *Campaign) findFork(ctx context.Context, repo *Repo, viewer *Account, st *State) (string, error) {
	_, name, _ := strings.Cut(repo.FullName, "/")
	cands := []string{viewer.Login + "/" + name}
	if st != nil {
		if rs := st.Repos[repoKey(c.opts.ForgeHost, repo.FullName)]; rs != nil && rs.HeadRepo != "" && !strings.EqualFold(rs.HeadRepo, cands[0]) {
			cands = append([]string{rs.HeadRepo}, cands...)
		}
	}
	for _, cand := range cands {
		r, err := c.opts.Forge.Repo(ctx, cand)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("looking for a fork: %w", err)
		}
		if r.Fork && strings.EqualFold(r.Parent, repo.FullName) {
			return r.FullName, nil
		}
	}
	return "", nil
}

// branchHolds reports whether the campaign's existing branch, at sha,
// already carries the edit: its gemspecs are byte for byte the edited
// ones, or (made on an older base) they set the flag for every gem.
func (c *Campaign) branchHolds(ctx context.Context, rp *RepoPlan, sha string) (bool, error) {
	tree, err := c.opts.Forge.Tree(ctx, rp.HeadRepo, sha)
	if err != nil {
		return false, fmt.Errorf("listing branch %s of %s: %w", c.opts.Branch, rp.HeadRepo, err)
	}
	blobs := map[string]string{}
	for _, f := range tree.Files {
		blobs[f.Path] = f.SHA
	}
	for _, e := range rp.Edits {
		got, ok := blobs[e.Path]
		if !ok {
			return false, nil
		}
		if got == gitBlobSHA(e.New) {
			continue
		}
		src, err := c.opts.Forge.Blob(ctx, rp.HeadRepo, got)
		if err != nil {
			return false, fmt.Errorf("reading %s on branch %s: %w", e.Path, c.opts.Branch, err)
		}
		a, err := gemspec.Analyze(src, e.Path)
		if err != nil {
			return false, nil
		}
		for _, gem := range e.Gems {
			ok := false
			for _, s := range a.Specs {
				if s.Name == gem && s.State == gemspec.Required {
					ok = true
				}
			}
			if !ok {
				return false, nil
			}
		}
	}
	return true, nil
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
			if a, err := gemspec.Analyze(data, p); err != nil {
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
