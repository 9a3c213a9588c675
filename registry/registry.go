// Package registry asks RubyGems.org (or a mirror, or a directory laid out
// like its API) whether gems require MFA for pushes. It is a polite client:
// one shared rate limit, bounded concurrency, retries with backoff, and an
// on-disk cache with conditional requests.
//
// It judges a gem as RubyGems.org does: by the rubygems_mfa_required
// metadata of its latest release (the highest version that is neither
// yanked nor a prerelease, on any platform), cast like a Rails boolean; and
// separately by the popular-gem policy (strictly more than
// PopularThreshold downloads). One GET /api/v1/versions/NAME.json answers
// both in the common case; GET /api/v1/gems/NAME.json is asked only when
// the exact download total can change the verdict.
package registry

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
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

// ErrNoTotal is returned when a gem's exact download total is needed to
// settle the popular-gem policy but the registry serves no gem document
// (GET /api/v1/gems/NAME.json answered 404, or a file:// snapshot lacks it).
var ErrNoTotal = errors.New("the registry lists the gem's versions but has no gem document for its download total")

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
	// only fetched (DownloadsExact) when it can change the verdict. Otherwise
	// it repeats ListedDownloads, the best known lower bound.
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

// Popular reports whether the gem is proven to have strictly more than
// PopularThreshold downloads, by the listed sum or by the exact total, so
// that RubyGems.org's popular-gem policy makes every owner use strong MFA.
func (g *Gem) Popular() bool {
	return g.ListedDownloads > PopularThreshold || (g.DownloadsExact && g.Downloads > PopularThreshold)
}

// MFARequired reports whether RubyGems.org requires MFA to push a new
// release: the latest release carries a truthy rubygems_mfa_required flag.
// When that release has several platform builds, RubyGems.org judges by one
// of them and which one is not defined, so every build must carry the flag.
func (g *Gem) MFARequired() bool {
	if g.Latest == nil {
		return false
	}
	for _, v := range g.LatestBuilds() {
		if !v.MFA().Required() {
			return false
		}
	}
	return true
}

// LatestBuilds returns every listed build (one per platform) of the latest
// release's version number, Latest first; nil when there is no release.
func (g *Gem) LatestBuilds() []*Version {
	if g.Latest == nil {
		return nil
	}
	builds := []*Version{g.Latest}
	for i := range g.Versions {
		v := &g.Versions[i]
		if v != g.Latest && v.Number == g.Latest.Number {
			builds = append(builds, v)
		}
	}
	return builds
}

// SourceCodeURI returns where the gem's source lives, from the latest
// release's metadata: source_code_uri, else homepage_uri when it points at
// GitHub or GitLab, else "".
func (g *Gem) SourceCodeURI() string {
	if g.Latest == nil {
		return ""
	}
	if s := strings.TrimSpace(g.Latest.Metadata["source_code_uri"]); s != "" {
		return s
	}
	home := strings.TrimSpace(g.Latest.Metadata["homepage_uri"])
	u, err := url.Parse(home)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	switch strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") {
	case "github.com", "gitlab.com":
		if strings.Trim(u.Path, "/") != "" {
			return home
		}
	}
	return ""
}

// Links are the URLs RubyGems.org shows on a gem's page; "" when unset.
type Links struct {
	Homepage      string
	SourceCode    string
	BugTracker    string
	Changelog     string
	Documentation string
	Wiki          string
}

// maxNameLen bounds gem names; the longest on RubyGems.org is far shorter,
// and the bound keeps cache file names within every file system's limit.
const maxNameLen = 200

// ValidName checks a gem name against the characters RubyGems.org has ever
// accepted: ASCII letters, digits, ".", "-" and "_", with at least one
// letter or digit. (New gems must also contain a letter and must not start
// with ".", "-" or "_", but older gems predate those rules and are still
// served.) The error wraps ErrInvalidName.
func ValidName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty name", ErrInvalidName)
	}
	if len(name) > maxNameLen {
		return fmt.Errorf("%w %q: longer than %d characters", ErrInvalidName, name, maxNameLen)
	}
	alnum := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case isDigit(c) || isLetter(c):
			alnum = true
		case c == '.' || c == '-' || c == '_':
		default:
			return fmt.Errorf("%w %q: only letters, digits, '.', '-' and '_' are allowed", ErrInvalidName, name)
		}
	}
	if !alnum {
		return fmt.Errorf("%w %q: must contain a letter or digit", ErrInvalidName, name)
	}
	return nil
}

// Result is one gem's lookup: Gem, or an error (ErrNotFound, ErrInvalidName,
// or the last failure after retries).
type Result struct {
	Name string
	Gem  *Gem
	Err  error
}
