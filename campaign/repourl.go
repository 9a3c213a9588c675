package campaign

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// ForgeKind names the kind of code host a link points at.
type ForgeKind string

// The forges mfaudit recognises. Only GitHub is supported for pull
// requests; a gem hosted elsewhere is reported as an unsupported forge,
// with its URL, and never gets a pull request.
const (
	GitHub    ForgeKind = "github"
	GitLab    ForgeKind = "gitlab"
	Codeberg  ForgeKind = "codeberg"
	SourceHut ForgeKind = "sourcehut"
	Bitbucket ForgeKind = "bitbucket"
)

// ErrNotRepository is returned by ParseRepoURL for a link that names no
// repository on a known forge: a project page, a documentation site, an
// owner's profile. The caller tries the gem's next link.
var ErrNotRepository = errors.New("not a repository link")

// RepoURL is a repository named by one of a gem's links.
type RepoURL struct {
	Forge ForgeKind
	// Host is the forge's host name, lower case, without "www.".
	Host string
	// Owner and Name name the repository. On GitHub they are as linked
	// (GitHub compares them without regard to case; the canonical spelling
	// comes from the API). On GitLab, Owner holds every group
	// ("gitlab-org/ruby/gems"); on SourceHut it starts with "~".
	Owner, Name string
	// Dir is the subdirectory a /tree/REF/DIR or /blob/REF/DIR/FILE link
	// points into: a hint for where a monorepo keeps the gem's gemspec.
	Dir string
}

// FullName returns "owner/name".
func (r RepoURL) FullName() string { return r.Owner + "/" + r.Name }

// String returns the repository's web address, without the hint.
func (r RepoURL) String() string { return "https://" + r.Host + "/" + r.FullName() }

// githubReserved are first path segments of github.com that are not
// accounts, so a link under them names no repository.
var githubReserved = map[string]bool{
	"about": true, "apps": true, "collections": true, "contact": true,
	"customer-stories": true, "enterprise": true, "events": true,
	"explore": true, "features": true, "login": true, "marketplace": true,
	"notifications": true, "orgs": true, "organizations": true,
	"pricing": true, "pulls": true, "issues": true, "search": true,
	"security": true, "settings": true, "site": true, "sponsors": true,
	"topics": true, "trending": true, "users": true,
}

// ParseRepoURL reads a gem link as a repository. It accepts the shapes gem
// metadata uses: https and http, "www.", a missing scheme, "git@host:o/r",
// git:// and ssh:// URLs, a ".git" suffix, trailing slashes and dots, a
// query or fragment, and paths below the repository (/tree/REF/DIR,
// /blob/REF/FILE, /issues, /releases/tag/V, /wiki, a file name), which are
// cut off, keeping the directory of a tree or blob link as a hint. Links to
// the hosts in githubHosts (a GitHub Enterprise server) count as GitHub too.
// It returns an error wrapping ErrNotRepository for anything else.
func ParseRepoURL(raw string, githubHosts ...string) (RepoURL, error) {
	s := strings.TrimSpace(raw)
	s = strings.TrimRight(s, ".")
	if s == "" {
		return RepoURL{}, fmt.Errorf("%w: empty link", ErrNotRepository)
	}
	host, p, err := splitLink(s)
	if err != nil {
		return RepoURL{}, fmt.Errorf("%w: %q: %v", ErrNotRepository, raw, err)
	}
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	segs := splitPath(p)
	notRepo := func(why string) (RepoURL, error) {
		return RepoURL{}, fmt.Errorf("%w: %q: %s", ErrNotRepository, raw, why)
	}
	switch {
	case host == "github.com" || containsFold(githubHosts, host):
		return parseGitHub(raw, host, segs)
	case strings.HasSuffix(host, ".github.io") || strings.HasSuffix(host, ".github.com"):
		return notRepo("a GitHub Pages site, not the repository")
	case host == "gitlab.com" || strings.HasPrefix(host, "gitlab."):
		// Everything before "/-/" is the project, groups included.
		for i, seg := range segs {
			if seg == "-" {
				segs = segs[:i]
				break
			}
		}
		return ownerAndName(raw, GitLab, host, segs, len(segs))
	case host == "codeberg.org":
		return ownerAndName(raw, Codeberg, host, segs, 2)
	case host == "git.sr.ht" || host == "sr.ht" || host == "hg.sr.ht":
		if len(segs) > 0 && !strings.HasPrefix(segs[0], "~") {
			return notRepo("a SourceHut link names its owner as ~user")
		}
		return ownerAndName(raw, SourceHut, host, segs, 2)
	case host == "bitbucket.org":
		return ownerAndName(raw, Bitbucket, host, segs, 2)
	}
	return notRepo("not a known code forge")
}

// splitLink returns the host and path of a link in any of the accepted
// forms.
func splitLink(s string) (host, p string, err error) {
	// scp-like: git@github.com:owner/repo.git
	if at := strings.Index(s, "@"); at >= 0 && !strings.Contains(s, "://") {
		rest := s[at+1:]
		h, p, ok := strings.Cut(rest, ":")
		if !ok || h == "" {
			return "", "", errors.New("no host")
		}
		return h, p, nil
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", "", errors.New("not a URL")
	}
	switch strings.TrimPrefix(strings.ToLower(u.Scheme), "git+") {
	case "http", "https", "git", "ssh":
	default:
		return "", "", fmt.Errorf("scheme %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return "", "", errors.New("no host")
	}
	return u.Hostname(), u.Path, nil
}

// splitPath splits a URL path into its non-empty segments.
func splitPath(p string) []string {
	var segs []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	return segs
}

func parseGitHub(raw, host string, segs []string) (RepoURL, error) {
	if len(segs) < 2 {
		return RepoURL{}, fmt.Errorf("%w: %q: names no repository", ErrNotRepository, raw)
	}
	if githubReserved[strings.ToLower(segs[0])] {
		return RepoURL{}, fmt.Errorf("%w: %q: a GitHub page, not a repository", ErrNotRepository, raw)
	}
	r, err := ownerAndName(raw, GitHub, host, segs, 2)
	if err != nil {
		return r, err
	}
	tail := segs[2:]
	if len(tail) >= 3 && (tail[0] == "tree" || tail[0] == "blob") {
		dir := tail[2:]
		if looksLikeFile(dir[len(dir)-1]) {
			// A file, not a directory: /blob/ links point at files, and
			// /tree/ links too (aws-sdk-core's changelog_uri ends in
			// /CHANGELOG.md); rspec-core's /blob/ link names a directory.
			dir = dir[:len(dir)-1]
		}
		r.Dir = cleanDir(strings.Join(dir, "/"))
	}
	return r, nil
}

// ownerAndName takes the repository from the first n segments: the last
// is the name, the rest the owner.
func ownerAndName(raw string, forge ForgeKind, host string, segs []string, n int) (RepoURL, error) {
	if len(segs) < 2 || len(segs) < n {
		return RepoURL{}, fmt.Errorf("%w: %q: names no repository", ErrNotRepository, raw)
	}
	owner := strings.Join(segs[:n-1], "/")
	name := strings.TrimSuffix(segs[n-1], ".git")
	for _, part := range append(strings.Split(owner, "/"), name) {
		if !validRepoPart(strings.TrimPrefix(part, "~")) {
			return RepoURL{}, fmt.Errorf("%w: %q: %q is not a valid account or repository name", ErrNotRepository, raw, part)
		}
	}
	return RepoURL{Forge: forge, Host: host, Owner: owner, Name: name}, nil
}

// validRepoPart accepts the characters GitHub, GitLab and friends allow in
// account and repository names, and nothing that could leave a URL path
// segment.
func validRepoPart(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// looksLikeFile reports whether a path segment names a document rather
// than a directory: README.md, History.rdoc, CHANGES.txt.
func looksLikeFile(seg string) bool {
	i := strings.LastIndexByte(seg, '.')
	if i <= 0 || i == len(seg)-1 {
		return false
	}
	switch strings.ToLower(seg[i+1:]) {
	case "md", "markdown", "rdoc", "txt", "html", "htm", "adoc", "org", "rst", "rb", "gemspec":
		return true
	}
	return false
}

// cleanDir returns a safe relative directory hint, or "".
func cleanDir(d string) string {
	if d == "" {
		return ""
	}
	d = path.Clean(d)
	if d == "." || !validRelPath(d) {
		return ""
	}
	return d
}

// validRelPath reports whether p is a relative slash path inside its root.
func validRelPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "\x00\\") {
			return false
		}
	}
	return true
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimPrefix(strings.ToLower(x), "www."), s) {
			return true
		}
	}
	return false
}
