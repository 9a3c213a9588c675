package campaign

import (
	"context"
	"fmt"
	"strings"
)

// PRState is where a campaign's pull request stands.
type PRState string

// The states of a pull request, as status reports them.
const (
	PROpen     PRState = "open"
	PRDraft    PRState = "draft"
	PRDeclined PRState = "declined" // closed without being merged
	// PRMergedUnreleased: merged, but RubyGems.org's latest release of
	// some gem still lacks the flag; the gem is not protected yet.
	PRMergedUnreleased PRState = "merged, not released"
	// PRReleased: merged, and every gem's latest release sets the flag.
	PRReleased PRState = "released"
	PRUnknown  PRState = "unknown" // the forge or the registry could not say
)

// PRStatus is one pull request of the state file, refreshed.
type PRStatus struct {
	Repo   string   `json:"repository"`
	Number int      `json:"number"`
	URL    string   `json:"url"`
	Title  string   `json:"title"`
	Gems   []string `json:"gems"`
	State  PRState  `json:"state"`
	// Releases says, for a merged pull request, whether each gem's latest
	// release on RubyGems.org sets the flag.
	Releases []GemRelease `json:"releases,omitempty"`
	Detail   string       `json:"detail,omitempty"`
}

// GemRelease is a gem's latest release as RubyGems.org lists it.
type GemRelease struct {
	Gem       string `json:"gem"`
	Latest    string `json:"latest_version"`
	Protected bool   `json:"protected"`
}

// Status refreshes every pull request the state file records for this
// forge, and for merged ones asks RubyGems.org whether a release with the
// flag is out: only then is a gem protected. It writes nothing.
func (c *Campaign) Status(ctx context.Context, st *State) ([]PRStatus, error) {
	var out []PRStatus
	for _, rs := range st.Sorted() {
		// A state file may hold campaigns on several forges; ask this
		// one about its own pull requests only.
		if rs.PullRequest == nil || rs.PullRequest.Number == 0 || !strings.EqualFold(rs.Forge, c.opts.ForgeHost) {
			continue
		}
		gems := rs.PRGems
		if len(gems) == 0 {
			gems = rs.Gems
		}
		s := PRStatus{Repo: rs.Repo, Number: rs.PullRequest.Number, URL: rs.PullRequest.URL,
			Title: rs.PullRequest.Title, Gems: gems}
		pr, err := c.opts.Forge.PullRequest(ctx, rs.Repo, rs.PullRequest.Number)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			s.State, s.Detail = PRUnknown, err.Error()
			out = append(out, s)
			continue
		}
		s.URL, s.Title = pr.URL, pr.Title
		switch {
		case pr.Merged:
			s.State, s.Detail = c.released(ctx, &s)
		case pr.State == "closed":
			s.State, s.Detail = PRDeclined, "closed without being merged"
		case pr.Draft:
			s.State = PRDraft
		default:
			s.State = PROpen
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out = append(out, s)
	}
	return out, nil
}

// released asks the registry about each gem of a merged pull request.
func (c *Campaign) released(ctx context.Context, s *PRStatus) (PRState, string) {
	state := PRReleased
	var waiting []string
	for _, gem := range s.Gems {
		g, err := c.opts.Registry.Gem(ctx, gem)
		if err != nil {
			return PRUnknown, fmt.Sprintf("merged; RubyGems.org lookup of %s failed: %v", gem, err)
		}
		r := GemRelease{Gem: gem, Protected: g.MFARequired()}
		if g.Latest != nil {
			r.Latest = g.Latest.Number
		}
		s.Releases = append(s.Releases, r)
		if !r.Protected {
			state = PRMergedUnreleased
			waiting = append(waiting, fmt.Sprintf("%s %s", gem, r.Latest))
		}
	}
	if state == PRMergedUnreleased {
		return state, "merged; the latest release lacks the flag: " + strings.Join(waiting, ", ")
	}
	return state, "merged, and the latest release sets the flag"
}
