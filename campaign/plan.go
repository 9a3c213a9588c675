package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mfaudit/mfaudit/gemspec"
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
	repoID     int64  // the forge's number for the repository
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
				rp.Repo, rp.URL, rp.repoID = repo.FullName, repo.HTMLURL, repo.ID
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
	// A gem that could not be judged might belong in the pull request,
	// and there is only ever one: open none until a re-run can read it.
	for _, g := range rp.Gems {
		if g.Outcome == OutcomeError {
			rp.Outcome, rp.err = OutcomeError, g.err
			rp.Reason = fmt.Sprintf("%s could not be judged (%s); no pull request until a run can read it", g.Gem, g.Reason)
			setOpen(rp, OutcomeError, rp.Reason)
			return
		}
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

	outcome, reason, pr, ours, err := c.existingPulls(ctx, repo, viewer, gems)
	if err != nil {
		fail(err)
		return
	}
	if outcome != "" {
		if ours {
			// One pull request per repository, ever: say which gems an
			// earlier, narrower one (--only) left out.
			if covered := markerGems(pr.Body); covered != nil {
				var missing []string
				for _, g := range gems {
					if !slices.Contains(covered, g) {
						missing = append(missing, g)
					}
				}
				if len(missing) > 0 {
					reason += fmt.Sprintf("; it covers %s, not %s, and mfaudit opens one pull request per repository: ask the maintainers or add the line by hand",
						strings.Join(covered, ", "), strings.Join(missing, ", "))
				}
			}
		}
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
	holds, why, err := c.branchHolds(ctx, rp, sha, tree, st)
	if err != nil {
		fail(err)
		return
	}
	if !holds {
		rp.Outcome = OutcomeBranchConflict
		rp.Reason = fmt.Sprintf("branch %s already exists in %s and is not the campaign's edit (%s); mfaudit never opens a pull request from, or overwrites, a branch it cannot vouch for (delete it to let the campaign open a fresh one)", c.opts.Branch, rp.HeadRepo, why)
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
