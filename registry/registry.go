// Package registry asks RubyGems.org (or a mirror, or a directory laid out
// like its API) whether gems require MFA for pushes. It is a polite client:
// one shared rate limit, bounded concurrency, retries with backoff, and an
// on-disk cache with conditional requests.
package registry

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// DefaultBaseURL is RubyGems.org.
const DefaultBaseURL = "https://rubygems.org"

// PopularThreshold is RubyGems.org's popular-gem policy: every owner of a gem
// with strictly more total downloads than this must use strong MFA.
const PopularThreshold int64 = 180_000_000

// ErrNotFound is returned when the registry has no such gem (404), or lists
// no version of it.
var ErrNotFound = errors.New("no such gem on the registry")

// ErrInvalidName is returned for a name RubyGems would never accept; such a
// name never reaches a URL or a cache path.
var ErrInvalidName = errors.New("invalid gem name")

// Version is one build (version number and platform) of a gem, as listed by
// GET /api/v1/versions/NAME.json. Text fields are stripped of terminal
// control characters.
type Version struct {
	Number     string
	Platform   string
	Prerelease bool
	Metadata   map[string]string
	Downloads  int64
	CreatedAt  time.Time
}

// Flag is the rubygems_mfa_required metadata value of one build.
type Flag struct {
	Set bool   // the key is present
	Raw string // its value as published
}

// Required reports whether RubyGems.org treats the flag as true: it casts the
// value like Rails' ActiveModel::Type::Boolean, so only "", and exactly
// "0" "f" "F" "false" "FALSE" "off" "OFF" are false; every other string is true.
func (f Flag) Required() bool { return f.Set && castBool(f.Raw) }

func castBool(s string) bool {
	switch s {
	case "", "0", "f", "F", "false", "FALSE", "off", "OFF":
		return false
	}
	return true
}

// MFA returns the build's rubygems_mfa_required flag.
func (v *Version) MFA() Flag {
	raw, ok := v.Metadata["rubygems_mfa_required"]
	return Flag{Set: ok, Raw: raw}
}

// Gem is what the registry says about one gem.
type Gem struct {
	Name string
	// Versions lists every non-yanked build, as the registry orders them.
	Versions []Version
	// Latest is the build RubyGems.org judges the gem by: the highest version
	// that is neither yanked nor a prerelease (the "ruby" build when that
	// version has several); nil when the gem has only prereleases.
	Latest *Version
	// ListedDownloads sums the listed builds' downloads: a lower bound of the
	// total, since yanked versions are not listed.
	ListedDownloads int64
	// Downloads is the exact total from GET /api/v1/gems/NAME.json; it is
	// only fetched (DownloadsExact) when it can change the verdict.
	Downloads      int64
	DownloadsExact bool
	// Requests counts the HTTP requests this answer cost (0 from the cache).
	Requests int
}

// Find returns the build with this version number and platform, or nil.
func (g *Gem) Find(number, platform string) *Version {
	for i := range g.Versions {
		if g.Versions[i].Number == number && g.Versions[i].Platform == platform {
			return &g.Versions[i]
		}
	}
	return nil
}

// Options configure a Client. Zero values pick the defaults.
type Options struct {
	// BaseURL is http(s)://HOST[/PREFIX] or file://DIR; default DefaultBaseURL.
	BaseURL string
	// HTTPClient defaults to a client with sane transport timeouts.
	HTTPClient *http.Client
	// Rate is the most requests a second (default 10); Burst the bucket size.
	Rate  float64
	Burst int
	// Concurrency is the most requests in flight (default 8).
	Concurrency int
	// Retries is how often a 429, 5xx or transport error is retried (default 4).
	Retries int
	// Timeout bounds one request (default 30s).
	Timeout time.Duration
	// CacheDir holds cached responses; "" disables the cache.
	CacheDir string
	// CacheTTL is how long a cached answer is used without asking (default 1h).
	CacheTTL time.Duration
	// UserAgent defaults to "mfaudit/VERSION (+https://github.com/mfaudit/mfaudit)".
	UserAgent string
	// OnDone, when set, is called once per distinct gem as its lookup ends.
	OnDone func(name string, err error)
}

// Client looks gems up. It is safe for concurrent use, and asks for each gem
// at most once in its lifetime.
type Client struct {
	opts Options
}

// New returns a Client.
func New(opts Options) (*Client, error) {
	return &Client{opts: opts}, nil
}

// Gem looks one gem up.
func (c *Client) Gem(ctx context.Context, name string) (*Gem, error) {
	return nil, errors.New("not implemented")
}

// Result is one gem's lookup: Gem, or an error (ErrNotFound, ErrInvalidName,
// or the last failure after retries).
type Result struct {
	Name string
	Gem  *Gem
	Err  error
}

// Lookup looks names up concurrently and returns one Result per name, in
// input order. Duplicate names are requested once. Only ctx ends it early.
func (c *Client) Lookup(ctx context.Context, names []string) []Result {
	out := make([]Result, len(names))
	for i, n := range names {
		g, err := c.Gem(ctx, n)
		out[i] = Result{Name: n, Gem: g, Err: err}
	}
	return out
}
