package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// ApplyOptions limit a run.
type ApplyOptions struct {
	// MaxPRs bounds how many pull requests the run opens (0: no bound).
	// Repositories past it are held for the next run.
	MaxPRs int
}

// Apply carries a plan out: for each repository to open a pull request
// in, it forks if needed, stores the edited gemspecs as one commit on the
// campaign's branch and opens the pull request, journalling every step in
// st before and after it is made. Every repository's outcome in p is
// updated (opened, failed, held); one repository's failure does not stop
// the others. Apply returns an error only when ctx ends, the state cannot
// be saved, or the forge's rate limit outlasts the pause allowed
// (ErrRateLimited) — then it stops at once, and a re-run finishes the job.
func (c *Campaign) Apply(ctx context.Context, p *Plan, st *State, opts ApplyOptions) error {
	var viewer *Account
	opened := 0
	for i := range p.Repos {
		rp := &p.Repos[i]
		if err := ctx.Err(); err != nil {
			return err
		}
		if rp.Outcome != OutcomeOpen && rp.Outcome != OutcomeResume {
			if err := c.record(st, rp); err != nil {
				return err
			}
			continue
		}
		if opts.MaxPRs > 0 && opened >= opts.MaxPRs {
			hold(p.Repos[i:i+1], fmt.Sprintf("not opened: --max-prs %d reached; the next run opens it", opts.MaxPRs))
			continue
		}
		if viewer == nil {
			v, err := c.opts.Forge.Viewer(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("campaign: the forge does not say whose token this is, so nothing can be written: %w", err)
			}
			viewer = v
		}
		err := c.applyRepo(ctx, rp, st, viewer)
		var se *stateError
		switch {
		case errors.As(err, &se):
			return se.err
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			rp.Outcome, rp.Reason = OutcomeFailed, err.Error()
			setGems(rp, OutcomeFailed, rp.Reason)
			rs := c.repoState(st, rp)
			rs.Outcome, rs.Reason = OutcomeFailed, err.Error()
			if err := st.Save(); err != nil {
				return err
			}
			c.logf("%s: failed: %v", rp.Repo, err)
			if errors.Is(err, ErrRateLimited) {
				hold(p.Repos[i+1:], "not attempted: the run stopped at GitHub's rate limit; run it again later")
				p.Summary = summarize(p.Repos, p.Summary.Gems)
				return err
			}
		default:
			opened++
		}
	}
	p.Summary = summarize(p.Repos, p.Summary.Gems)
	return nil
}

// hold marks the repositories still to be done as held.
func hold(rs []RepoPlan, reason string) {
	for i := range rs {
		if rs[i].Outcome == OutcomeOpen || rs[i].Outcome == OutcomeResume {
			rs[i].Outcome, rs[i].Reason = OutcomeHeld, reason
			setGems(&rs[i], OutcomeHeld, reason)
		}
	}
}

// setGems gives the outcome to every gem that was to be part of the pull
// request.
func setGems(rp *RepoPlan, o Outcome, reason string) {
	for i := range rp.Gems {
		switch rp.Gems[i].Outcome {
		case OutcomeOpen, OutcomeResume:
			rp.Gems[i].Outcome, rp.Gems[i].Reason = o, reason
		}
	}
}

// stateError is a failure to save the journal: the run must stop.
type stateError struct{ err error }

func (e *stateError) Error() string { return e.err.Error() }

// repoState returns the journal entry of a repository, creating it. An
// entry recorded under the repository's name before a rename is found by
// the forge's ID and moved under the new name.
func (c *Campaign) repoState(st *State, rp *RepoPlan) *RepoState {
	key := repoKey(c.opts.ForgeHost, rp.Repo)
	rs := st.Repos[key]
	if rs == nil && rp.repoID != 0 {
		for k, old := range st.Repos {
			if old.ID == rp.repoID && strings.EqualFold(old.Forge, c.opts.ForgeHost) {
				rs = old
				delete(st.Repos, k)
				break
			}
		}
	}
	if rs == nil {
		rs = &RepoState{Forge: c.opts.ForgeHost}
	}
	st.Repos[key] = rs
	rs.Repo = rp.Repo
	if rp.repoID != 0 {
		rs.ID = rp.repoID
	}
	rs.Gems = rp.gemNames()
	return rs
}

// gemNames lists the targeted gems of the repository, sorted.
func (rp *RepoPlan) gemNames() []string {
	gems := make([]string, 0, len(rp.Gems))
	for _, g := range rp.Gems {
		gems = append(gems, g.Gem)
	}
	sort.Strings(gems)
	return gems
}

// editedGems lists the gems the edit covers, sorted.
func (rp *RepoPlan) editedGems() []string {
	var gems []string
	for _, e := range rp.Edits {
		gems = append(gems, e.Gems...)
	}
	sort.Strings(gems)
	return gems
}

// record notes a repository the run leaves alone, keeping any pull
// request of the campaign's the plan found (so status follows it even
// when the state file was lost), with the gems its marker names.
func (c *Campaign) record(st *State, rp *RepoPlan) error {
	if rp.Repo == "" || strings.Contains(rp.Repo, "://") {
		return nil // no repository on the forge
	}
	rs := c.repoState(st, rp)
	rs.Outcome, rs.Reason = rp.Outcome, rp.Reason
	if rp.PullRequest != nil && rp.Ours {
		pr := *rp.PullRequest
		same := rs.PullRequest != nil && rs.PullRequest.Number == pr.Number
		rs.PullRequest = &pr
		if gems := markerGems(pr.Body); gems != nil {
			rs.PRGems = gems
		} else if !same || rs.PRGems == nil {
			rs.PRGems = rp.editedGems()
		}
	}
	rs.Updated = st.now().UTC()
	return st.Save()
}

// applyRepo makes the writes for one repository. Each step first checks
// the journal and the forge for the work an earlier run did.
func (c *Campaign) applyRepo(ctx context.Context, rp *RepoPlan, st *State, viewer *Account) error {
	rs := c.repoState(st, rp)
	var files []string
	for _, e := range rp.Edits {
		files = append(files, e.Path)
	}
	// The tree and the commit are reused only when built from exactly
	// this base and these files; otherwise they are made anew (the old
	// ones stay unreferenced on the forge, harmless). Blobs are named by
	// their contents, so those that still match are kept.
	if inputs := treeInputs(rp); rs.Inputs != inputs {
		rs.Tree, rs.Author, rs.Commit, rs.Inputs = "", nil, "", inputs
		for path, sha := range rs.Blobs {
			if !slices.ContainsFunc(rp.Edits, func(e FileEdit) bool { return e.Path == path && gitBlobSHA(e.New) == sha }) {
				delete(rs.Blobs, path)
			}
		}
	}
	rs.Files, rs.Branch, rs.Base = files, c.opts.Branch, rp.Base
	save := func() error {
		if err := st.Save(); err != nil {
			return &stateError{err}
		}
		return nil
	}
	// journal runs one write step: started, the write, then done/failed.
	journal := func(name, detail string, write func() (string, error)) error {
		if err := st.step(rs, name, "started", detail); err != nil {
			return &stateError{err}
		}
		result, err := write()
		if err != nil {
			_ = st.step(rs, name, "failed", err.Error())
			return err
		}
		if err := st.step(rs, name, "done", result); err != nil {
			return &stateError{err}
		}
		return nil
	}

	head := rp.HeadRepo
	if head == "" {
		// The token cannot push here: fork (GitHub returns the existing
		// fork when there is one).
		err := journal("fork", rp.Repo, func() (string, error) {
			fork, err := c.opts.Forge.Fork(ctx, rp.Repo)
			if err != nil {
				return "", err
			}
			head = fork.FullName
			return fork.FullName, nil
		})
		if err != nil {
			return err
		}
		c.logf("%s: forked to %s", rp.Repo, head)
	}
	rs.HeadRepo = head
	if err := save(); err != nil {
		return err
	}
	headOwner, _, _ := strings.Cut(head, "/")

	if rp.Outcome == OutcomeResume {
		rs.Commit = rp.branchHead
	} else if err := c.pushCommit(ctx, rp, rs, head, viewer, journal, save); err != nil {
		return err
	}

	pr, err := c.openPull(ctx, rp, rs, headOwner, journal)
	if err != nil {
		return err
	}
	rs.PullRequest, rs.PRGems = pr, rp.editedGems()
	rp.PullRequest, rp.Ours = pr, true
	rp.Outcome = OutcomeOpened
	rp.Reason = fmt.Sprintf("opened pull request #%d: %s", pr.Number, pr.URL)
	rs.Outcome, rs.Reason = rp.Outcome, rp.Reason
	setGems(rp, OutcomeOpened, rp.Reason)
	c.logf("%s: opened pull request #%d: %s", rp.Repo, pr.Number, pr.URL)
	return save()
}

// pushCommit stores the edited files, the tree and the commit in head and
// points the campaign's branch at the commit.
func (c *Campaign) pushCommit(ctx context.Context, rp *RepoPlan, rs *RepoState, head string, viewer *Account,
	journal func(string, string, func() (string, error)) error, save func() error) error {
	if rs.Blobs == nil {
		rs.Blobs = map[string]string{}
	}
	var entries []TreeFile
	for _, e := range rp.Edits {
		want := gitBlobSHA(e.New)
		if rs.Blobs[e.Path] != want {
			err := journal("blob", e.Path, func() (string, error) {
				sha, err := c.opts.Forge.CreateBlob(ctx, head, e.New)
				if err != nil {
					return "", err
				}
				if sha != want {
					return "", fmt.Errorf("the forge stored %s as blob %s, not %s", e.Path, sha, want)
				}
				rs.Blobs[e.Path] = sha
				return sha, nil
			})
			if err != nil {
				return err
			}
		}
		entries = append(entries, TreeFile{Path: e.Path, Mode: e.Mode, SHA: want})
	}
	if rs.Tree == "" {
		err := journal("tree", "", func() (string, error) {
			sha, err := c.opts.Forge.CreateTree(ctx, head, rp.Base.Tree, entries)
			rs.Tree = sha
			return sha, err
		})
		if err != nil {
			return err
		}
	}
	if rs.Commit == "" {
		if rs.Author == nil {
			// Fixed before the commit exists, so that making it again
			// after a crash gives the very same commit.
			rs.Author = c.author(viewer)
			if err := save(); err != nil {
				return err
			}
		}
		err := journal("commit", "", func() (string, error) {
			sha, err := c.opts.Forge.CreateCommit(ctx, head, NewCommit{
				Message: rp.text.Commit, Tree: rs.Tree, Parents: []string{rp.Base.Commit}, Author: *rs.Author,
			})
			rs.Commit = sha
			return sha, err
		})
		if err != nil {
			return err
		}
	}
	return journal("branch", c.opts.Branch, func() (string, error) {
		err := c.opts.Forge.CreateBranch(ctx, head, c.opts.Branch, rs.Commit)
		if errors.Is(err, ErrExists) {
			// An earlier run created it and lost the answer, or someone
			// else did: only the former may be used.
			sha, rerr := c.opts.Forge.BranchHead(ctx, head, c.opts.Branch)
			if rerr != nil {
				return "", rerr
			}
			if sha != rs.Commit {
				return "", fmt.Errorf("branch %s of %s points at %s, not at the campaign's commit %s; mfaudit never overwrites a branch", c.opts.Branch, head, short(sha), short(rs.Commit))
			}
			return "already there", nil
		}
		if err != nil {
			return "", err
		}
		c.logf("%s: pushed %s to %s", rp.Repo, c.opts.Branch, head)
		return rs.Commit, nil
	})
}

// openPull opens the pull request unless the campaign's is already
// there: an earlier run may have opened it and lost the answer.
func (c *Campaign) openPull(ctx context.Context, rp *RepoPlan, rs *RepoState, headOwner string,
	journal func(string, string, func() (string, error)) error) (*PullRequest, error) {
	headRef := headOwner + ":" + c.opts.Branch
	find := func() (*PullRequest, error) {
		prs, err := c.opts.Forge.PullRequests(ctx, rp.Repo, headRef)
		if err != nil {
			return nil, err
		}
		for i := range prs {
			return &prs[i], nil
		}
		return nil, nil
	}
	if pr, err := find(); err != nil || pr != nil {
		return pr, err
	}
	var pr *PullRequest
	err := journal("pull-request", headRef, func() (string, error) {
		var err error
		pr, err = c.opts.Forge.CreatePullRequest(ctx, rp.Repo, NewPullRequest{
			Title: rp.text.Title, Body: rp.text.Body, Head: headRef, Base: rp.Base.Branch, Draft: c.opts.Draft,
		})
		if errors.Is(err, ErrExists) {
			if pr, err = find(); err == nil && pr == nil {
				err = fmt.Errorf("the forge says a pull request from %s exists but lists none", headRef)
			}
		}
		if err != nil {
			return "", err
		}
		return pr.URL, nil
	})
	return pr, err
}

// author is who the commit is by: the token's account, with its public
// email or its no-reply address, dated now to the second.
func (c *Campaign) author(v *Account) *Signature {
	name := v.Name
	if name == "" {
		name = v.Login
	}
	email := v.Email
	if email == "" {
		email = fmt.Sprintf("%d+%s@users.noreply.%s", v.ID, v.Login, c.opts.ForgeHost)
	}
	return &Signature{Name: name, Email: email, When: c.opts.Now().UTC().Truncate(time.Second)}
}

// treeInputs names what the tree and commit are built from: the base
// commit and every edited path with its blob.
func treeInputs(rp *RepoPlan) string {
	parts := []string{rp.Base.Commit, rp.Base.Tree}
	for _, e := range rp.Edits {
		parts = append(parts, e.Path+"="+gitBlobSHA(e.New))
	}
	sort.Strings(parts[2:])
	return strings.Join(parts, " ")
}
