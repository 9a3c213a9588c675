package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mfaudit/mfaudit/gemspec"
)

// existingPulls looks for pull requests about the flag: the campaign's
// own, by its branch (the list is current; search lags), and anyone's, by
// search. It returns an outcome when one means nothing may be opened.
func (c *Campaign) existingPulls(ctx context.Context, repo *Repo, viewer *Account, gems []string) (Outcome, string, *PullRequest, bool, error) {
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
			// The marker is mfaudit's only when the token's account
			// wrote it: anyone can paste the comment.
			all = append(all, cand{pr, hasMarker(pr.Body) && (viewer == nil || strings.EqualFold(pr.Author, viewer.Login))})
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
	return OutcomePRMerged, fmt.Sprintf("%s was merged (%s), yet %s does not set the flag for %s; nothing more is proposed", who, pr.URL, repo.DefaultBranch, strings.Join(gems, ", ")), &pr, cd.ours, nil
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

// branchHolds reports whether the campaign's existing branch, at sha, is
// exactly what the campaign would have pushed: one commit whose parent is
// the default branch's head (or the base an earlier run recorded), which
// changes the edited gemspecs and nothing else, each byte for byte the
// edit or (made on an older base) setting the flag for every gem. Anything
// else — more files, other commits, an unrelated history — is somebody's
// work, and no pull request is opened from it. why says what differs.
func (c *Campaign) branchHolds(ctx context.Context, rp *RepoPlan, sha string, base *Tree, st *State) (ok bool, why string, err error) {
	tip, err := c.opts.Forge.Commit(ctx, rp.HeadRepo, sha)
	if err != nil {
		return false, "", fmt.Errorf("reading branch %s of %s: %w", c.opts.Branch, rp.HeadRepo, err)
	}
	if len(tip.Parents) != 1 {
		return false, fmt.Sprintf("its commit %s has %d parents, not one", short(sha), len(tip.Parents)), nil
	}
	parent := tip.Parents[0]
	parentTree := base
	if parent != rp.Base.Commit {
		var recorded string
		if st != nil {
			if rs := st.Repos[repoKey(c.opts.ForgeHost, rp.Repo)]; rs != nil && rs.Base != nil {
				recorded = rs.Base.Commit
			}
		}
		if parent != recorded {
			return false, fmt.Sprintf("its commit %s is not made on %s's head %s", short(sha), rp.Base.Branch, short(rp.Base.Commit)), nil
		}
		if parentTree, err = c.opts.Forge.Tree(ctx, rp.HeadRepo, parent); err != nil {
			return false, "", fmt.Errorf("listing the base of branch %s: %w", c.opts.Branch, err)
		}
	}
	tree, err := c.opts.Forge.Tree(ctx, rp.HeadRepo, sha)
	if err != nil {
		return false, "", fmt.Errorf("listing branch %s of %s: %w", c.opts.Branch, rp.HeadRepo, err)
	}
	if tree.Truncated || parentTree.Truncated {
		return false, "the repository is too large to compare the branch with its base", nil
	}
	before, after := map[string]string{}, map[string]string{}
	for _, f := range parentTree.Files {
		before[f.Path] = f.Mode + " " + f.SHA
	}
	for _, f := range tree.Files {
		after[f.Path] = f.Mode + " " + f.SHA
	}
	edited := map[string]*FileEdit{}
	for i := range rp.Edits {
		edited[rp.Edits[i].Path] = &rp.Edits[i]
	}
	for p := range before {
		if _, kept := after[p]; !kept {
			return false, "it deletes " + p, nil
		}
	}
	for p, id := range after {
		if before[p] == id {
			continue
		}
		e := edited[p]
		if e == nil {
			return false, "it also changes " + p, nil
		}
		_, blob, _ := strings.Cut(id, " ")
		if blob == gitBlobSHA(e.New) {
			continue
		}
		src, err := c.opts.Forge.Blob(ctx, rp.HeadRepo, blob)
		if err != nil {
			return false, "", fmt.Errorf("reading %s on branch %s: %w", p, c.opts.Branch, err)
		}
		a, err := gemspec.Analyze(src, p)
		if err != nil {
			return false, p + " on it cannot be read with confidence", nil
		}
		for _, gem := range e.Gems {
			if !slices.ContainsFunc(a.Specs, func(s gemspec.Spec) bool { return s.Name == gem && s.State == gemspec.Required }) {
				return false, p + " on it does not set the flag for " + gem, nil
			}
		}
	}
	for p := range edited {
		if before[p] == after[p] {
			return false, "it does not change " + p, nil
		}
	}
	return true, "", nil
}
