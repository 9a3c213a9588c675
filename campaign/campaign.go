// Package campaign opens pull requests that add
// metadata["rubygems_mfa_required"] = "true" to the gemspecs of gems that
// RubyGems.org lets be pushed without a one-time code.
//
// A campaign works in two stages. Plan reads — the registry, the
// repository, its gemspecs, its pull requests — and decides per
// repository what to do, every skip a value with its reason; it never
// writes. Apply walks a plan and, for each repository that needs it,
// forks (when the token cannot push), stores the edited gemspecs as one
// commit through the Git Data API (blobs, tree, commit, branch) and opens
// one pull request, recording each step in a State file before moving on.
//
// The campaign is idempotent: one pull request per repository, ever.
// Before any write it asks the forge whether the default branch already
// has the flag, whether its branch or pull request exists (found by the
// deterministic branch name and by a hidden marker in the body), and
// whether anyone's pull request about the flag is open or was closed
// unmerged — which means declined, and is never proposed again. A run
// that is interrupted at any point, or whose state file is lost, is
// finished by running it again.
package campaign

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mfaudit/mfaudit/registry"
)

// DefaultBranch is the branch a campaign pushes its commit to.
const DefaultBranch = "mfaudit/rubygems-mfa-required"

// SearchText is what the campaign searches pull requests for.
const SearchText = "rubygems_mfa_required"

// Registry is where the campaign reads gems: a *registry.Client.
type Registry interface {
	Gem(ctx context.Context, name string) (*registry.Gem, error)
	Links(ctx context.Context, name string) (registry.Links, error)
}

// Target is a gem the campaign is asked to protect.
type Target struct {
	Gem string
	// From says where it came from: lockfile paths, a report, "--gem".
	From []string
}

// Options configure a Campaign.
type Options struct {
	Forge    Forge
	Registry Registry
	// ForgeHost names the forge in the state file (default "github.com").
	ForgeHost string
	// GitHubHosts are link hosts that mean the forge, besides github.com
	// (a GitHub Enterprise server's host).
	GitHubHosts []string
	// Branch is the campaign's branch (default DefaultBranch).
	Branch string
	// Title and Body are text/template sources replacing the built-in
	// pull request title and body (see TextData). The marker that lets
	// mfaudit recognise its pull requests is always appended to the body.
	Title, Body string
	// Draft opens pull requests as drafts.
	Draft bool
	// Log receives a line for every step taken; nil discards them.
	Log func(msg string)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Campaign plans and applies pull requests.
type Campaign struct {
	opts  Options
	texts *texts
}

// New returns a Campaign, or an error for a template that does not parse.
func New(opts Options) (*Campaign, error) {
	if opts.Forge == nil || opts.Registry == nil {
		return nil, errors.New("campaign: a forge and a registry are required")
	}
	if opts.Branch == "" {
		opts.Branch = DefaultBranch
	}
	if opts.ForgeHost == "" {
		opts.ForgeHost = "github.com"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	t, err := parseTexts(opts.Title, opts.Body)
	if err != nil {
		return nil, err
	}
	return &Campaign{opts: opts, texts: t}, nil
}

func (c *Campaign) logf(format string, args ...any) {
	if c.opts.Log != nil {
		c.opts.Log(fmt.Sprintf(format, args...))
	}
}
