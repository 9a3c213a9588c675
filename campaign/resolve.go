package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mfaudit/mfaudit/registry"
)

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
		// A fork's gem lives upstream, at the root of its fork network
		// (a fork of a fork has its own parent) — unless that root is
		// archived and the linked fork is where the gem goes on.
		upstream := repo.Source
		if upstream == "" {
			upstream = repo.Parent
		}
		if repo.Fork && upstream != "" {
			parent, err := r.c.opts.Forge.Repo(ctx, upstream)
			switch {
			case err == nil && parent.Archived && !repo.Archived:
				a.note = fmt.Sprintf("the linked %s is a fork of the archived %s, and is used", repo.FullName, parent.FullName)
			case err == nil:
				a.repo = parent
				a.note = fmt.Sprintf("the linked %s is a fork of %s, which is used instead", repo.FullName, parent.FullName)
			case errors.Is(err, ErrNotFound):
				a.note = fmt.Sprintf("the linked %s is a fork of %s, which cannot be seen; the fork is used", repo.FullName, upstream)
			default:
				// Never fall back to the fork on a failed read: that
				// would open the pull request in the wrong place.
				a.repo, a.err = nil, fmt.Errorf("reading %s, of which the linked %s is a fork: %w", upstream, repo.FullName, err)
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
