package campaign

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mfaudit/mfaudit/gemspec"
)

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
