package campaign

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"
)

// GitHubOptions configure NewGitHub. Zero values pick the defaults.
type GitHubOptions struct {
	// URL is a GitHub Enterprise Server's root (https://ghe.example.com),
	// whose API is under URL/api/v3/; "" means github.com.
	URL string
	// Token authenticates every request to the API host, and no other.
	Token string
	// HTTPClient defaults to http.DefaultClient's transport.
	HTTPClient *http.Client
	UserAgent  string

	// WriteInterval is the least time between two writes (default 1s);
	// WritesPerMinute and WritesPerHour bound them further (defaults 80
	// and 500, GitHub's limits for content creation).
	WriteInterval   time.Duration
	WritesPerMinute int
	WritesPerHour   int
	// SearchInterval spaces searches (default 2s: GitHub allows 30 a
	// minute); ReadInterval spaces other reads (default 100ms).
	SearchInterval time.Duration
	ReadInterval   time.Duration
	// MaxPause is the longest a rate-limit pause may last before the call
	// fails instead (default 1h).
	MaxPause time.Duration
	// ForkPoll is the first wait before asking whether a new fork exists,
	// doubled each time up to 30s (default 1s); ForkTimeout gives up
	// (default 5 minutes).
	ForkPoll    time.Duration
	ForkTimeout time.Duration
	// Retries is how often a 5xx answer or transport error is retried
	// (default 3; negative for none), after Backoff (default 1s), doubled
	// each time.
	Retries int
	Backoff time.Duration
	// Notify receives a line for every pause, so that a long wait is
	// never silent.
	Notify func(msg string)
}

// Defaults for GitHubOptions' zero values.
const (
	DefaultWriteInterval   = time.Second
	DefaultWritesPerMinute = 80
	DefaultWritesPerHour   = 500
	DefaultSearchInterval  = 2 * time.Second
	DefaultReadInterval    = 100 * time.Millisecond
	DefaultMaxPause        = time.Hour
)

// gitHub is the Forge for GitHub and GitHub Enterprise Server, through
// go-github. Writes are serialised and paced; rate limits pause the call
// and then retry it.
type gitHub struct {
	c                     *github.Client
	opts                  GitHubOptions
	reads, writes, search *pacer
	sleep                 func(context.Context, time.Duration) error

	viewerOnce sync.Once
	viewer     *Account
	viewerErr  error
}

// NewGitHub returns a Forge that talks to GitHub (or the Enterprise server
// at opts.URL).
func NewGitHub(opts GitHubOptions) (Forge, error) {
	if opts.WriteInterval <= 0 {
		opts.WriteInterval = DefaultWriteInterval
	}
	if opts.WritesPerMinute <= 0 {
		opts.WritesPerMinute = DefaultWritesPerMinute
	}
	if opts.WritesPerHour <= 0 {
		opts.WritesPerHour = DefaultWritesPerHour
	}
	if opts.SearchInterval <= 0 {
		opts.SearchInterval = DefaultSearchInterval
	}
	if opts.ReadInterval <= 0 {
		opts.ReadInterval = DefaultReadInterval
	}
	if opts.MaxPause <= 0 {
		opts.MaxPause = DefaultMaxPause
	}
	if opts.ForkPoll <= 0 {
		opts.ForkPoll = time.Second
	}
	if opts.ForkTimeout <= 0 {
		opts.ForkTimeout = 5 * time.Minute
	}
	if opts.Retries == 0 {
		opts.Retries = 3
	} else if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	base := opts.HTTPClient
	if base == nil {
		base = &http.Client{}
	}
	transport := base.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	apiHost := "api.github.com"
	if opts.URL != "" {
		u, err := url.Parse(opts.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("github: %q is not an http(s) URL", opts.URL)
		}
		apiHost = u.Host
	}
	hc := *base
	hc.Transport = &authTransport{next: transport, token: opts.Token, host: apiHost}
	c := github.NewClient(&hc)
	if opts.URL != "" {
		root := strings.TrimRight(opts.URL, "/") + "/"
		var err error
		if c, err = c.WithEnterpriseURLs(root, root); err != nil {
			return nil, fmt.Errorf("github: %w", err)
		}
	}
	if opts.UserAgent != "" {
		c.UserAgent = opts.UserAgent
	}
	return &gitHub{
		c:      c,
		opts:   opts,
		reads:  newPacer(opts.ReadInterval),
		search: newPacer(opts.SearchInterval),
		writes: newPacer(opts.WriteInterval,
			window{time.Minute, opts.WritesPerMinute},
			window{time.Hour, opts.WritesPerHour}),
		sleep: sleepCtx,
	}, nil
}

// authTransport adds the token to requests for the API host only, so that
// a redirect elsewhere never carries it.
type authTransport struct {
	next  http.RoundTripper
	token string
	host  string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.token == "" || !strings.EqualFold(req.URL.Host, t.host) {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+t.token)
	return t.next.RoundTrip(r)
}

// The kinds of call, each paced on its own.
type callKind int

const (
	read callKind = iota
	write
	search
)

func (g *gitHub) pacerFor(k callKind) *pacer {
	switch k {
	case write:
		return g.writes
	case search:
		return g.search
	}
	return g.reads
}

// do runs one API call under its pacer. A rate limit pauses it (with a
// message) and then tries again; a 5xx answer or a transport error is
// retried with backoff. Every write the campaign makes is safe to repeat:
// git objects are content-addressed, and a second branch or pull request
// for the same head is refused with ErrExists.
func (g *gitHub) do(ctx context.Context, k callKind, what string, call func(context.Context) (*github.Response, error)) error {
	return g.scrub(g.try(ctx, k, what, call))
}

// scrub keeps the token out of an error, should a server echo it back.
// (Real tokens are 40 characters and more; a few letters would only
// garble the message.)
func (g *gitHub) scrub(err error) error {
	if err == nil || len(g.opts.Token) < 8 || !strings.Contains(err.Error(), g.opts.Token) {
		return err
	}
	return &scrubbed{err: err, token: g.opts.Token}
}

// scrubbed is an error whose text has the token replaced.
type scrubbed struct {
	err   error
	token string
}

func (e *scrubbed) Error() string { return strings.ReplaceAll(e.err.Error(), e.token, "REDACTED") }
func (e *scrubbed) Unwrap() error { return e.err }

func (g *gitHub) try(ctx context.Context, k callKind, what string, call func(context.Context) (*github.Response, error)) error {
	failures := 0
	pauses := 0
	for {
		release, err := g.pacerFor(k).wait(ctx)
		if err != nil {
			return err
		}
		resp, err := call(ctx)
		release()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d, why, ok := rateLimitPause(resp, err, time.Now()); ok {
			pauses++
			if d > g.opts.MaxPause || pauses > 20 {
				return fmt.Errorf("%s: %s: would have to wait %s (%w): %v", what, why, d.Round(time.Second), ErrRateLimited, err)
			}
			g.notify(fmt.Sprintf("GitHub %s during %s; pausing %s (until %s), then resuming",
				why, what, d.Round(time.Second), time.Now().Add(d).Format("15:04:05")))
			if err := g.sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		if transient(err) && failures < g.opts.Retries {
			failures++
			if err := g.sleep(ctx, g.opts.Backoff<<(failures-1)); err != nil {
				return err
			}
			continue
		}
		return classify(what, err)
	}
}

func (g *gitHub) notify(msg string) {
	if g.opts.Notify != nil {
		g.opts.Notify(msg)
	}
}

// rateLimitPause reports how long to wait after err when it is a rate
// limit: the primary limit (403 with X-RateLimit-Remaining: 0) until its
// reset; a secondary limit (403 naming it, or any 403 with Retry-After)
// and 429 (which go-github v62 does not classify) for Retry-After, or a
// minute when the header is missing, as GitHub's guidance asks.
func rateLimitPause(resp *github.Response, err error, now time.Time) (time.Duration, string, bool) {
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		if rl.Rate.Reset.IsZero() {
			return time.Minute, "primary rate limit", true
		}
		return max(rl.Rate.Reset.Sub(now)+time.Second, time.Second), "primary rate limit", true
	}
	var ab *github.AbuseRateLimitError
	if errors.As(err, &ab) {
		if ab.RetryAfter != nil && *ab.RetryAfter > 0 {
			return *ab.RetryAfter, "secondary rate limit", true
		}
		return time.Minute, "secondary rate limit", true
	}
	var hr *http.Response
	var er *github.ErrorResponse
	switch {
	case errors.As(err, &er) && er.Response != nil:
		hr = er.Response
	case resp != nil && resp.Response != nil:
		hr = resp.Response
	default:
		return 0, "", false
	}
	ra, hasRA := retryAfter(hr.Header, now)
	switch {
	case hr.StatusCode == http.StatusTooManyRequests:
		if !hasRA {
			ra = time.Minute
		}
		return ra, "rate limit (429)", true
	case hr.StatusCode == http.StatusForbidden && hasRA:
		return ra, "secondary rate limit", true
	}
	return 0, "", false
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return max(time.Duration(n)*time.Second, time.Second), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), time.Second), true
	}
	return time.Minute, true
}

// transient reports whether a failure may pass: a 5xx answer or no answer.
func transient(err error) bool {
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		return er.Response != nil && er.Response.StatusCode >= 500
	}
	var ae *github.AcceptedError
	return !errors.As(err, &ae)
}

// classify wraps an API error with what was being done, and with
// ErrNotFound or ErrExists where they apply.
func classify(what string, err error) error {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusNotFound:
			return fmt.Errorf("%s: %w", what, ErrNotFound)
		case http.StatusUnprocessableEntity:
			text := strings.ToLower(er.Message)
			for _, e := range er.Errors {
				text += " " + strings.ToLower(e.Message) + " " + strings.ToLower(e.Code)
			}
			if strings.Contains(text, "already exists") {
				return fmt.Errorf("%s: %w (%s)", what, ErrExists, oneLine(text))
			}
		case http.StatusUnauthorized:
			return fmt.Errorf("%s: %w (401 %s)", what, ErrUnauthorized, oneLine(er.Message))
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// split returns the owner and name of "owner/name", checked, so that
// nothing but a valid name reaches a URL.
func split(fullName string) (string, string, error) {
	owner, name, ok := strings.Cut(fullName, "/")
	if !ok || !validRepoPart(owner) || !validRepoPart(name) {
		return "", "", fmt.Errorf("github: %q is not a repository name", fullName)
	}
	return owner, name, nil
}

func (g *gitHub) Viewer(ctx context.Context) (*Account, error) {
	if g.opts.Token == "" {
		return nil, ErrNoToken
	}
	g.viewerOnce.Do(func() {
		var u *github.User
		g.viewerErr = g.do(ctx, read, "GET /user", func(ctx context.Context) (resp *github.Response, err error) {
			u, resp, err = g.c.Users.Get(ctx, "")
			return resp, err
		})
		if g.viewerErr == nil {
			g.viewer = &Account{Login: safe(u.GetLogin()), ID: u.GetID(), Name: safe(u.GetName()), Email: safe(u.GetEmail())}
		}
	})
	return g.viewer, g.viewerErr
}

func (g *gitHub) Repo(ctx context.Context, fullName string) (*Repo, error) {
	owner, name, err := split(fullName)
	if err != nil {
		return nil, err
	}
	var r *github.Repository
	err = g.do(ctx, read, "repository "+fullName, func(ctx context.Context) (resp *github.Response, err error) {
		r, resp, err = g.c.Repositories.Get(ctx, owner, name)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	return repoFrom(r), nil
}

func repoFrom(r *github.Repository) *Repo {
	out := &Repo{
		ID:            r.GetID(),
		FullName:      safe(r.GetFullName()),
		DefaultBranch: safe(r.GetDefaultBranch()),
		Archived:      r.GetArchived(),
		Fork:          r.GetFork(),
		CanPush:       r.GetPermissions()["push"],
		HTMLURL:       safe(r.GetHTMLURL()),
	}
	if p := r.GetParent(); p != nil {
		out.Parent = safe(p.GetFullName())
	}
	if s := r.GetSource(); s != nil {
		out.Source = safe(s.GetFullName())
	}
	return out
}

func (g *gitHub) BranchHead(ctx context.Context, repo, branch string) (string, error) {
	owner, name, err := split(repo)
	if err != nil {
		return "", err
	}
	var ref *github.Reference
	err = g.do(ctx, read, fmt.Sprintf("branch %s of %s", branch, repo), func(ctx context.Context) (resp *github.Response, err error) {
		ref, resp, err = g.c.Git.GetRef(ctx, owner, name, "heads/"+branch)
		return resp, err
	})
	if err != nil {
		return "", err
	}
	if ref.GetObject().GetSHA() == "" {
		return "", fmt.Errorf("branch %s of %s: no commit", branch, repo)
	}
	return ref.GetObject().GetSHA(), nil
}

func (g *gitHub) Commit(ctx context.Context, repo, sha string) (*CommitInfo, error) {
	owner, name, err := split(repo)
	if err != nil {
		return nil, err
	}
	var c *github.Commit
	err = g.do(ctx, read, fmt.Sprintf("commit %s of %s", short(sha), repo), func(ctx context.Context) (resp *github.Response, err error) {
		c, resp, err = g.c.Git.GetCommit(ctx, owner, name, sha)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	info := &CommitInfo{SHA: c.GetSHA(), Tree: c.GetTree().GetSHA(), Message: c.GetMessage()}
	for _, p := range c.Parents {
		info.Parents = append(info.Parents, p.GetSHA())
	}
	return info, nil
}

func (g *gitHub) Tree(ctx context.Context, repo, commit string) (*Tree, error) {
	owner, name, err := split(repo)
	if err != nil {
		return nil, err
	}
	var t *github.Tree
	err = g.do(ctx, read, fmt.Sprintf("tree of %s at %s", repo, short(commit)), func(ctx context.Context) (resp *github.Response, err error) {
		t, resp, err = g.c.Git.GetTree(ctx, owner, name, commit, true)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	out := &Tree{SHA: t.GetSHA(), Truncated: t.GetTruncated()}
	for _, e := range t.Entries {
		if e.GetType() == "blob" {
			out.Files = append(out.Files, TreeFile{Path: e.GetPath(), Mode: e.GetMode(), SHA: e.GetSHA()})
		}
	}
	return out, nil
}

func (g *gitHub) Blob(ctx context.Context, repo, sha string) ([]byte, error) {
	owner, name, err := split(repo)
	if err != nil {
		return nil, err
	}
	var b *github.Blob
	what := fmt.Sprintf("blob %s of %s", short(sha), repo)
	err = g.do(ctx, read, what, func(ctx context.Context) (resp *github.Response, err error) {
		b, resp, err = g.c.Git.GetBlob(ctx, owner, name, sha)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	switch b.GetEncoding() {
	case "base64":
		data, err := base64.StdEncoding.DecodeString(strings.Map(dropSpace, b.GetContent()))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return data, nil
	case "utf-8", "":
		return []byte(b.GetContent()), nil
	}
	return nil, fmt.Errorf("%s: unknown encoding %q", what, b.GetEncoding())
}

func dropSpace(r rune) rune {
	if r == '\n' || r == '\r' || r == ' ' {
		return -1
	}
	return r
}

func (g *gitHub) PullRequests(ctx context.Context, repo, head string) ([]PullRequest, error) {
	owner, name, err := split(repo)
	if err != nil {
		return nil, err
	}
	var prs []*github.PullRequest
	err = g.do(ctx, read, fmt.Sprintf("pull requests of %s from %s", repo, head), func(ctx context.Context) (resp *github.Response, err error) {
		prs, resp, err = g.c.PullRequests.List(ctx, owner, name, &github.PullRequestListOptions{
			State: "all", Head: head, ListOptions: github.ListOptions{PerPage: 100},
		})
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	out := make([]PullRequest, 0, len(prs))
	for _, p := range prs {
		out = append(out, pullFrom(p))
	}
	return out, nil
}

func pullFrom(p *github.PullRequest) PullRequest {
	// Forge text is untrusted: it is made safe where it enters. The body
	// is only searched for the marker, never shown.
	pr := PullRequest{
		Number:    p.GetNumber(),
		Title:     safe(p.GetTitle()),
		URL:       safe(p.GetHTMLURL()),
		Author:    safe(p.GetUser().GetLogin()),
		State:     safe(p.GetState()),
		Draft:     p.GetDraft(),
		Merged:    p.GetMerged() || p.MergedAt != nil,
		HeadOwner: safe(p.GetHead().GetUser().GetLogin()),
		HeadRef:   safe(p.GetHead().GetRef()),
		Body:      p.GetBody(),
	}
	if p.MergedAt != nil {
		t := p.MergedAt.Time
		pr.MergedAt = &t
	}
	return pr
}

func (g *gitHub) SearchPullRequests(ctx context.Context, repo, text string) ([]PullRequest, error) {
	if _, _, err := split(repo); err != nil {
		return nil, err
	}
	q := fmt.Sprintf("repo:%s is:pr %s in:title,body", repo, text)
	var res *github.IssuesSearchResult
	err := g.do(ctx, search, "search "+strconv.Quote(q), func(ctx context.Context) (resp *github.Response, err error) {
		res, resp, err = g.c.Search.Issues(ctx, q, &github.SearchOptions{ListOptions: github.ListOptions{PerPage: 100}})
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	if res.GetIncompleteResults() {
		// GitHub timed out part of the search: a declined pull request
		// may be among what it left out.
		return nil, fmt.Errorf("search %q: GitHub answered with incomplete results; try again later", q)
	}
	var out []PullRequest
	for _, is := range res.Issues {
		if !is.IsPullRequest() {
			continue
		}
		pr := PullRequest{
			Number: is.GetNumber(),
			Title:  safe(is.GetTitle()),
			URL:    safe(is.GetHTMLURL()),
			Author: safe(is.GetUser().GetLogin()),
			State:  safe(is.GetState()),
			Draft:  is.GetDraft(),
			Body:   is.GetBody(),
		}
		if m := is.GetPullRequestLinks().MergedAt; m != nil {
			t := m.Time
			pr.Merged, pr.MergedAt = true, &t
		}
		out = append(out, pr)
	}
	return out, nil
}

func (g *gitHub) PullRequest(ctx context.Context, repo string, number int) (*PullRequest, error) {
	owner, name, err := split(repo)
	if err != nil {
		return nil, err
	}
	var p *github.PullRequest
	err = g.do(ctx, read, fmt.Sprintf("pull request %s#%d", repo, number), func(ctx context.Context) (resp *github.Response, err error) {
		p, resp, err = g.c.PullRequests.Get(ctx, owner, name, number)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	pr := pullFrom(p)
	return &pr, nil
}

func (g *gitHub) Fork(ctx context.Context, repo string) (*Repo, error) {
	owner, name, err := split(repo)
	if err != nil {
		return nil, err
	}
	var fork *github.Repository
	err = g.do(ctx, write, "fork "+repo, func(ctx context.Context) (resp *github.Response, err error) {
		fork, resp, err = g.c.Repositories.CreateFork(ctx, owner, name, &github.RepositoryCreateForkOptions{DefaultBranchOnly: true})
		var accepted *github.AcceptedError
		if errors.As(err, &accepted) {
			// 202: GitHub is creating the fork; that is success.
			err = nil
		}
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	full := fork.GetFullName()
	if full == "" {
		return nil, fmt.Errorf("fork %s: GitHub did not name the fork", repo)
	}
	// The fork appears asynchronously: poll until it answers.
	deadline := time.Now().Add(g.opts.ForkTimeout)
	wait := g.opts.ForkPoll
	for {
		r, err := g.Repo(ctx, full)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if time.Now().Add(wait).After(deadline) {
			return nil, fmt.Errorf("fork %s: %s did not appear within %s", repo, full, g.opts.ForkTimeout)
		}
		if err := g.sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait = min(2*wait, 30*time.Second)
	}
}

func (g *gitHub) CreateBlob(ctx context.Context, repo string, data []byte) (string, error) {
	owner, name, err := split(repo)
	if err != nil {
		return "", err
	}
	var b *github.Blob
	err = g.do(ctx, write, "create blob in "+repo, func(ctx context.Context) (resp *github.Response, err error) {
		b, resp, err = g.c.Git.CreateBlob(ctx, owner, name, &github.Blob{
			Content:  github.String(base64.StdEncoding.EncodeToString(data)),
			Encoding: github.String("base64"),
		})
		return resp, err
	})
	if err != nil {
		return "", err
	}
	return b.GetSHA(), nil
}

func (g *gitHub) CreateTree(ctx context.Context, repo, base string, files []TreeFile) (string, error) {
	owner, name, err := split(repo)
	if err != nil {
		return "", err
	}
	entries := make([]*github.TreeEntry, len(files))
	for i, f := range files {
		mode := f.Mode
		if mode == "" {
			mode = "100644"
		}
		entries[i] = &github.TreeEntry{Path: github.String(f.Path), Mode: github.String(mode), Type: github.String("blob"), SHA: github.String(f.SHA)}
	}
	var t *github.Tree
	err = g.do(ctx, write, "create tree in "+repo, func(ctx context.Context) (resp *github.Response, err error) {
		t, resp, err = g.c.Git.CreateTree(ctx, owner, name, base, entries)
		return resp, err
	})
	if err != nil {
		return "", err
	}
	return t.GetSHA(), nil
}

func (g *gitHub) CreateCommit(ctx context.Context, repo string, nc NewCommit) (string, error) {
	owner, name, err := split(repo)
	if err != nil {
		return "", err
	}
	sig := &github.CommitAuthor{
		Name:  github.String(nc.Author.Name),
		Email: github.String(nc.Author.Email),
		Date:  &github.Timestamp{Time: nc.Author.When},
	}
	commit := &github.Commit{
		Message:   github.String(nc.Message),
		Tree:      &github.Tree{SHA: github.String(nc.Tree)},
		Author:    sig,
		Committer: sig,
	}
	for _, p := range nc.Parents {
		commit.Parents = append(commit.Parents, &github.Commit{SHA: github.String(p)})
	}
	var c *github.Commit
	err = g.do(ctx, write, "create commit in "+repo, func(ctx context.Context) (resp *github.Response, err error) {
		c, resp, err = g.c.Git.CreateCommit(ctx, owner, name, commit, nil)
		return resp, err
	})
	if err != nil {
		return "", err
	}
	return c.GetSHA(), nil
}

func (g *gitHub) CreateBranch(ctx context.Context, repo, branch, sha string) error {
	owner, name, err := split(repo)
	if err != nil {
		return err
	}
	return g.do(ctx, write, fmt.Sprintf("create branch %s in %s", branch, repo), func(ctx context.Context) (*github.Response, error) {
		_, resp, err := g.c.Git.CreateRef(ctx, owner, name, &github.Reference{
			Ref:    github.String("refs/heads/" + branch),
			Object: &github.GitObject{SHA: github.String(sha)},
		})
		return resp, err
	})
}

func (g *gitHub) CreatePullRequest(ctx context.Context, repo string, npr NewPullRequest) (*PullRequest, error) {
	owner, name, err := split(repo)
	if err != nil {
		return nil, err
	}
	var p *github.PullRequest
	err = g.do(ctx, write, "open pull request on "+repo, func(ctx context.Context) (resp *github.Response, err error) {
		p, resp, err = g.c.PullRequests.Create(ctx, owner, name, &github.NewPullRequest{
			Title:               github.String(npr.Title),
			Head:                github.String(npr.Head),
			Base:                github.String(npr.Base),
			Body:                github.String(npr.Body),
			Draft:               github.Bool(npr.Draft),
			MaintainerCanModify: github.Bool(true),
		})
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	pr := pullFrom(p)
	return &pr, nil
}

// short abbreviates a SHA for messages.
func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
