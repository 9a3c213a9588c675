package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"
)

// Defaults for Options' zero values.
const (
	DefaultRate         = 10.0
	DefaultConcurrency  = 8
	DefaultRetries      = 4
	DefaultTimeout      = 30 * time.Second
	DefaultCacheTTL     = time.Hour
	DefaultNotFoundTTL  = 10 * time.Minute
	DefaultBackoff      = 500 * time.Millisecond
	DefaultMaxBackoff   = 30 * time.Second
	DefaultMaxBodyBytes = 64 << 20
)

// maxRetryAfter is the longest Retry-After the client waits out; a server
// asking for more gets the error instead of a hung audit.
const maxRetryAfter = 2 * time.Minute

// ErrTimeout is returned (wrapped) when one request gets no complete
// response within Options.Timeout, retries included.
var ErrTimeout = errors.New("request timed out")

// Options configure a Client. Zero values pick the defaults.
type Options struct {
	// BaseURL is http(s)://HOST[/PREFIX] or file://DIR; default DefaultBaseURL.
	// A file:// directory is laid out like the API: DIR/api/v1/versions/NAME.json
	// and DIR/api/v1/gems/NAME.json; a missing file means no such gem, but
	// DIR/api/v1/versions must exist.
	BaseURL string
	// HTTPClient defaults to a client with sane transport timeouts.
	HTTPClient *http.Client
	// Rate is the most requests a second (default 10); Burst the bucket size
	// (default 1).
	Rate  float64
	Burst int
	// Concurrency is the most requests in flight (default 8).
	Concurrency int
	// Retries is how often a 5xx answer or transport error is retried
	// (default 4; negative for none). A 429 is the server asking to slow
	// down, not a failure: it gets twice as many retries.
	Retries int
	// Timeout bounds one request (default 30s).
	Timeout time.Duration
	// CacheDir holds cached responses; "" disables the cache.
	CacheDir string
	// CacheTTL is how long a cached answer is used without asking (default 1h).
	CacheTTL time.Duration
	// NotFoundTTL is how long a cached 404 is used without asking (default
	// 10 minutes, never longer than CacheTTL).
	NotFoundTTL time.Duration
	// UserAgent defaults to UserAgent("devel"); see the UserAgent function.
	UserAgent string
	// OnDone, when set, is called once per distinct gem as its lookup ends,
	// possibly from several goroutines at once.
	OnDone func(name string, err error)
	// Backoff is the delay before the first retry, doubled for each further
	// retry up to MaxBackoff, with random jitter (defaults 500ms and 30s).
	// A Retry-After header takes precedence.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// MaxBodyBytes bounds one response body (default 64 MiB).
	MaxBodyBytes int64
	// Now is the clock that ages cache entries (default time.Now).
	Now func() time.Time
	// Record, when set, receives the body of every document the client
	// uses (fetched, revalidated or from the cache), for mfaudit mirror;
	// an error fails the lookup.
	Record func(kind, name string, body []byte) error
}

// UserAgent returns the User-Agent header mfaudit sends, naming its version.
func UserAgent(version string) string {
	if version == "" {
		version = "devel"
	}
	return "mfaudit/" + version + " (+https://github.com/mfaudit/mfaudit)"
}

// DefaultCacheDir returns the cache directory mfaudit uses unless told
// otherwise: mfaudit under the user's cache directory.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("registry: cache directory: %w", err)
	}
	return filepath.Join(dir, "mfaudit"), nil
}

// Stats counts what a Client did so far.
type Stats struct {
	Requests     int64   // HTTP requests sent, retries included
	CacheHits    int64   // answers taken from the cache without a request
	NotModified  int64   // 304 answers: the cached copy was still current
	Retries      int64   // requests repeated after a 429, 5xx or transport error
	RateLimited  int64   // 429 answers seen
	ServerErrors int64   // 5xx answers seen
	CacheErrors  int64   // cache entries that could not be written
	BadBodies    int64   // 200 answers whose body did not parse (retried)
	Rate         float64 // the request rate now in force (lowered after 429s)
}

// Client looks gems up. It is safe for concurrent use, and asks for each gem
// at most once in its lifetime.
type Client struct {
	opts    Options
	base    *url.URL // http(s) base, or nil
	dir     string   // file:// base, or ""
	http    *http.Client
	limiter *rate.Limiter
	sem     chan struct{}
	cache   *diskCache // nil when disabled
	mirror  *mirrorState

	mu   sync.Mutex
	memo map[string]*call

	rateMu      sync.Mutex
	rateChanged time.Time

	requests, cacheHits, notModified, retries         atomic.Int64
	rateLimited, serverErrors, cacheErrors, badBodies atomic.Int64
}

// call is one gem's lookup, shared by everyone asking for that gem.
type call struct {
	done      chan struct{}
	gem       *Gem
	err       error
	forgotten bool // the lookup was cancelled; ask again
}

// New returns a Client, or an error for an unusable base URL.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	if opts.Rate <= 0 {
		opts.Rate = DefaultRate
	}
	if opts.Burst <= 0 {
		opts.Burst = 1
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	} else if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.NotFoundTTL <= 0 {
		opts.NotFoundTTL = DefaultNotFoundTTL
	}
	opts.NotFoundTTL = min(opts.NotFoundTTL, opts.CacheTTL)
	if opts.UserAgent == "" {
		opts.UserAgent = UserAgent("")
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Client{
		opts:    opts,
		limiter: rate.NewLimiter(rate.Limit(opts.Rate), opts.Burst),
		sem:     make(chan struct{}, opts.Concurrency),
		memo:    make(map[string]*call),
	}
	if dir, ok := strings.CutPrefix(opts.BaseURL, "file://"); ok {
		if dir == "" {
			return nil, fmt.Errorf("registry: base URL %q: no directory", opts.BaseURL)
		}
		c.dir = filepath.FromSlash(dir)
		// A missing or misplaced directory would make every gem "not
		// found"; say so instead.
		fi, err := os.Stat(c.dir)
		if err != nil {
			return nil, fmt.Errorf("registry: base URL %q: %w", opts.BaseURL, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("registry: base URL %q: not a directory", opts.BaseURL)
		}
		if fi, err := os.Stat(filepath.Join(c.dir, "api", "v1", "versions")); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("registry: base URL %q: no api/v1/versions directory in it", opts.BaseURL)
		}
		m, err := ReadManifest(c.dir)
		if err != nil {
			return nil, err
		}
		if m != nil {
			c.mirror = newMirrorState(m)
		}
		return c, nil
	}
	u, err := url.Parse(opts.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("registry: base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("registry: base URL %q: want http(s)://HOST[/PREFIX] or file://DIR", redactURL(u))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("registry: base URL %q: must not have a query or fragment", redactURL(u))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c.base = u
	c.http = opts.HTTPClient
	if c.http == nil {
		c.http = &http.Client{}
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			t = t.Clone()
			t.MaxIdleConnsPerHost = opts.Concurrency + 2 // keep every worker's connection
			c.http.Transport = t
		}
	}
	if opts.CacheDir != "" {
		c.cache = &diskCache{dir: opts.CacheDir}
	}
	return c, nil
}

// Stats returns the client's counters so far.
func (c *Client) Stats() Stats {
	return Stats{
		Requests:     c.requests.Load(),
		CacheHits:    c.cacheHits.Load(),
		NotModified:  c.notModified.Load(),
		Retries:      c.retries.Load(),
		RateLimited:  c.rateLimited.Load(),
		ServerErrors: c.serverErrors.Load(),
		CacheErrors:  c.cacheErrors.Load(),
		BadBodies:    c.badBodies.Load(),
		Rate:         float64(c.limiter.Limit()),
	}
}

// Gem looks one gem up. Each name is fetched once in the client's lifetime;
// later calls share the answer (do not modify it). Errors wrap ErrNotFound,
// ErrInvalidName, ErrTimeout, the context's error or the last failure.
func (c *Client) Gem(ctx context.Context, name string) (*Gem, error) {
	if err := ValidName(name); err != nil {
		err = fmt.Errorf("registry: %w", err)
		c.done(name, err)
		return nil, err
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("registry: gem %q: %w", name, err)
		}
		c.mu.Lock()
		cl, ok := c.memo[name]
		if !ok {
			cl = &call{done: make(chan struct{})}
			c.memo[name] = cl
			c.mu.Unlock()
			cl.gem, cl.err = c.fetch(ctx, name)
			if cl.err != nil && ctx.Err() != nil {
				// The caller gave up; that says nothing about the gem.
				c.mu.Lock()
				delete(c.memo, name)
				c.mu.Unlock()
				cl.forgotten = true
			}
			close(cl.done)
			c.done(name, cl.err)
			return cl.gem, cl.err
		}
		c.mu.Unlock()
		select {
		case <-cl.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("registry: gem %q: %w", name, ctx.Err())
		}
		if !cl.forgotten {
			return cl.gem, cl.err
		}
	}
}

func (c *Client) done(name string, err error) {
	if c.opts.OnDone != nil {
		c.opts.OnDone(name, err)
	}
}

// Lookup looks names up concurrently and returns one Result per name, in
// input order. Duplicate names are requested once. Only ctx ends it early;
// one gem's failure is that gem's Result.Err.
func (c *Client) Lookup(ctx context.Context, names []string) []Result {
	out := make([]Result, len(names))
	first := make(map[string]int, len(names))
	var g errgroup.Group
	g.SetLimit(c.opts.Concurrency)
	for i, name := range names {
		out[i].Name = name
		if _, dup := first[name]; dup {
			continue
		}
		first[name] = i
		if err := ctx.Err(); err != nil {
			out[i].Err = fmt.Errorf("registry: gem %q: %w", name, err)
			continue
		}
		g.Go(func() error {
			out[i].Gem, out[i].Err = c.Gem(ctx, name)
			return nil
		})
	}
	_ = g.Wait() // the goroutines report through out, never through the group
	for i := range out {
		if j := first[out[i].Name]; j != i {
			out[i].Gem, out[i].Err = out[j].Gem, out[j].Err
		}
	}
	return out
}

// The documents the client reads.
const (
	kindVersions = "versions" // /api/v1/versions/NAME.json
	kindGem      = "gems"     // /api/v1/gems/NAME.json
	kindOwner    = "owners"   // /api/v1/owners/HANDLE/gems.json
)

// fetch asks the registry about one valid gem name.
func (c *Client) fetch(ctx context.Context, name string) (*Gem, error) {
	g := &Gem{Name: name}
	var vs []Version
	err := c.document(ctx, kindVersions, name, &g.Requests, func(body []byte) error {
		var err error
		vs, err = parseVersions(body)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: gem %q: %w", name, err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("registry: gem %q: %w (no version listed)", name, ErrNotFound)
	}
	g.Versions = vs
	g.Latest = latest(vs)
	for _, v := range vs {
		g.ListedDownloads += v.Downloads
	}
	g.Downloads = g.ListedDownloads
	if !needsExactDownloads(g) {
		return g, nil
	}
	var total int64
	err = c.document(ctx, kindGem, name, &g.Requests, func(body []byte) error {
		var err error
		total, err = parseDownloads(body)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		// The gem exists (its versions are listed): a missing gem document
		// leaves the popular-gem policy unsettled, it does not make the gem
		// unknown to the registry.
		return nil, fmt.Errorf("registry: gem %q: total downloads: %w", name, ErrNoTotal)
	}
	if err != nil {
		return nil, fmt.Errorf("registry: gem %q: total downloads: %w", name, err)
	}
	g.Downloads, g.DownloadsExact = total, true
	return g, nil
}

// Links asks for the gem document (GET /api/v1/gems/NAME.json) and returns
// its links. RubyGems.org fills them from the latest release's metadata
// when that sets any link, and otherwise from the links its owners edited
// on the site, with the gemspec's homepage as homepage_uri; so they name a
// repository for gems whose versions list does not. It costs one request
// (none from a fresh cache) and is not memoised: an audit never needs it.
func (c *Client) Links(ctx context.Context, name string) (Links, error) {
	if err := ValidName(name); err != nil {
		return Links{}, fmt.Errorf("registry: %w", err)
	}
	var links Links
	requests := 0
	err := c.document(ctx, kindGem, name, &requests, func(body []byte) error {
		var err error
		links, err = parseLinks(body)
		return err
	})
	if err != nil {
		return Links{}, fmt.Errorf("registry: gem %q: links: %w", name, err)
	}
	return links, nil
}

// needsExactDownloads reports whether the exact total can change the
// verdict: the flag does not protect the gem, and the listed downloads are
// close to the popular-gem threshold but do not already exceed it.
func needsExactDownloads(g *Gem) bool {
	return !g.MFARequired() &&
		g.ListedDownloads >= PopularThreshold/2 &&
		g.ListedDownloads <= PopularThreshold
}

// latest picks the build RubyGems.org judges a gem by: the highest version
// number that is not a prerelease, preferring its "ruby" build.
func latest(vs []Version) *Version {
	var best *Version
	for i := range vs {
		v := &vs[i]
		if v.Prerelease || IsPrerelease(v.Number) {
			continue
		}
		if best == nil {
			best = v
			continue
		}
		switch c := CompareVersions(v.Number, best.Number); {
		case c > 0:
			best = v
		case c == 0 && v.Platform == "ruby" && best.Platform != "ruby":
			best = v
		}
	}
	return best
}

// document reads one API document for name, from the cache or the registry,
// and hands its body to parse. A cached body that does not parse is
// dropped and fetched afresh; a fetched one is cached only once it parses.
func (c *Client) document(ctx context.Context, kind, name string, requests *int, parse func([]byte) error) error {
	if c.dir != "" {
		body, err := c.readFile(kind, name)
		if err != nil {
			return err
		}
		if c.mirror != nil {
			c.mirror.read(name)
		}
		return parse(body)
	}
	if c.opts.Record != nil {
		// Record the body that parsed last; a failure to record is not
		// a bad body to retry, so it is reported after the read.
		var kept []byte
		inner := parse
		parse = func(body []byte) error {
			err := inner(body)
			if err == nil {
				kept = body
			}
			return err
		}
		if err := c.readDocument(ctx, kind, name, requests, parse); err != nil {
			return err
		}
		if err := c.opts.Record(kind, name, kept); err != nil {
			return fmt.Errorf("recording %s/%s: %w", kind, name, err)
		}
		return nil
	}
	return c.readDocument(ctx, kind, name, requests, parse)
}

// readDocument is document for an http(s) base.
func (c *Client) readDocument(ctx context.Context, kind, name string, requests *int, parse func([]byte) error) error {
	u := c.url(kind, name)
	key := cacheKey{kind: kind, name: name, url: u.String(), shown: redactURL(u)}
	var ent *cacheEntry
	if c.cache != nil {
		ent = c.cache.load(key)
	}
	if ent != nil && c.fresh(ent) {
		if ent.Status == http.StatusNotFound {
			c.cacheHits.Add(1)
			return ErrNotFound
		}
		if parse(ent.Body) == nil {
			c.cacheHits.Add(1)
			return nil
		}
		ent = nil // corrupt: ask again, unconditionally
	}
	hdr := make(http.Header)
	if ent != nil && ent.Status == http.StatusOK {
		if ent.ETag != "" {
			hdr.Set("If-None-Match", ent.ETag)
		}
		if ent.LastModified != "" {
			hdr.Set("If-Modified-Since", ent.LastModified)
		}
	}
	resp, err := c.do(ctx, u, hdr, requests, parse)
	if err != nil {
		return err
	}
	now := c.opts.Now()
	switch resp.status {
	case http.StatusNotModified:
		if len(hdr) == 0 {
			return fmt.Errorf("GET %s: 304 Not Modified to an unconditional request", redactURL(u))
		}
		c.notModified.Add(1)
		if err := parse(ent.Body); err != nil {
			// The stored copy is bad and the server will not resend it
			// conditionally: ask once more without validators.
			c.cache.remove(key)
			return c.readDocument(ctx, kind, name, requests, parse)
		}
		if et := resp.header.Get("ETag"); et != "" {
			ent.ETag = et
		}
		ent.Stored = now
		c.save(key, ent)
		return nil
	case http.StatusNotFound:
		c.save(key, &cacheEntry{URL: key.shown, Status: http.StatusNotFound, Stored: now})
		return ErrNotFound
	}
	// do has parsed the 200's body.
	c.save(key, &cacheEntry{
		URL:          key.shown,
		Status:       http.StatusOK,
		ETag:         resp.header.Get("ETag"),
		LastModified: resp.header.Get("Last-Modified"),
		Stored:       now,
		Body:         resp.body,
	})
	return nil
}

func (c *Client) fresh(ent *cacheEntry) bool {
	ttl := c.opts.CacheTTL
	if ent.Status == http.StatusNotFound {
		ttl = c.opts.NotFoundTTL
	}
	age := c.opts.Now().Sub(ent.Stored)
	return age >= 0 && age < ttl
}

func (c *Client) save(key cacheKey, ent *cacheEntry) {
	if c.cache == nil {
		return
	}
	if err := c.cache.store(key, ent); err != nil {
		c.cacheErrors.Add(1)
	}
}

func (c *Client) url(kind, name string) *url.URL {
	u := *c.base
	if kind == kindOwner {
		u.Path = c.base.Path + "/api/v1/owners/" + name + "/gems.json"
		u.RawPath = c.base.EscapedPath() + "/api/v1/owners/" + url.PathEscape(name) + "/gems.json"
		return &u
	}
	u.Path = c.base.Path + "/api/v1/" + kind + "/" + name + ".json"
	u.RawPath = c.base.EscapedPath() + "/api/v1/" + kind + "/" + url.PathEscape(name) + ".json"
	return &u
}

// readFile reads one document of a file:// base.
func (c *Client) readFile(kind, name string) ([]byte, error) {
	path := filepath.Join(c.dir, "api", "v1", kind, name+".json")
	if kind == kindOwner {
		path = filepath.Join(c.dir, "api", "v1", "owners", name, "gems.json")
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if kind == kindOwner {
			return nil, fmt.Errorf("%w (no file %s)", ErrNotFound, path)
		}
		if c.mirror != nil && !c.mirror.absent[name] {
			return nil, &NotMirroredError{Path: path, Taken: c.mirror.m.Taken}
		}
		return nil, fmt.Errorf("%w (no file %s)", ErrNotFound, path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	body, err := readLimited(f, c.opts.MaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return body, nil
}

// response is a fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// permanentError marks a failure that retrying cannot cure.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// do sends a GET, retrying 429s, 5xx answers and transport errors with
// jittered exponential backoff. It returns 200, 304 and 404 answers; any
// other status is an error. A 200 whose body parse rejects (cut short by a
// proxy or a mirror) is retried like a 5xx. requests counts what was sent.
func (c *Client) do(ctx context.Context, u *url.URL, hdr http.Header, requests *int, parse func([]byte) error) (*response, error) {
	shown := redactURL(u)
	throttled := 0 // 429 answers so far
	for attempt := 0; ; attempt++ {
		resp, err := c.attempt(ctx, u, hdr, requests)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var failure error
		var wait time.Duration
		switch {
		case err != nil:
			var perm permanentError
			if errors.As(err, &perm) {
				return nil, fmt.Errorf("GET %s: %w", shown, perm.err)
			}
			failure = fmt.Errorf("GET %s: %w", shown, err)
		case resp.status == http.StatusOK:
			perr := parse(resp.body)
			if perr == nil {
				c.speedUp()
				return resp, nil
			}
			c.badBodies.Add(1)
			failure = fmt.Errorf("GET %s: %w", shown, perr)
		case resp.status == http.StatusNotModified, resp.status == http.StatusNotFound:
			c.speedUp()
			return resp, nil
		case resp.status == http.StatusTooManyRequests:
			throttled++
			c.rateLimited.Add(1)
			c.slowDown()
			failure = statusError(shown, resp)
			wait = retryAfter(resp.header, time.Now())
		case resp.status >= 500:
			c.serverErrors.Add(1)
			c.slowDown()
			failure = statusError(shown, resp)
			wait = retryAfter(resp.header, time.Now())
		default:
			return nil, statusError(shown, resp)
		}
		if attempt >= c.opts.Retries+min(throttled, c.opts.Retries) {
			if attempt > 0 {
				return nil, fmt.Errorf("%w (gave up after %d retries)", failure, attempt)
			}
			return nil, failure
		}
		if wait > maxRetryAfter {
			return nil, fmt.Errorf("%w (server asks to retry after %v)", failure, wait.Round(time.Second))
		}
		if wait <= 0 {
			wait = c.backoff(attempt)
		}
		c.retries.Add(1)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends one request, within the concurrency and rate limits, and
// reads the whole body within the per-request timeout.
func (c *Client) attempt(ctx context.Context, u *url.URL, hdr http.Header, requests *int) (*response, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, permanentError{err}
	}
	rctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, permanentError{err}
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", "application/json")
	c.requests.Add(1)
	*requests++
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = redactURL(u) // net/http keeps a user name that may be a token
		}
		return nil, c.timeoutError(ctx, rctx, err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}()
	limit := c.opts.MaxBodyBytes
	if resp.StatusCode != http.StatusOK {
		limit = 4 << 10 // enough for an error message
	}
	body, err := readLimited(resp.Body, limit)
	if err != nil && (resp.StatusCode == http.StatusOK || !errors.Is(err, errTooLarge)) {
		if errors.Is(err, errTooLarge) {
			return nil, permanentError{err}
		}
		return nil, c.timeoutError(ctx, rctx, fmt.Errorf("reading body: %w", err))
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// timeoutError names a per-request timeout as such.
func (c *Client) timeoutError(ctx, rctx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: no complete response within %v", ErrTimeout, c.opts.Timeout)
	}
	return err
}

var errTooLarge = errors.New("response body too large")

// readLimited reads r to the end, failing if it holds more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return body[:limit], fmt.Errorf("%w (more than %d bytes)", errTooLarge, limit)
	}
	return body, nil
}

func statusError(shown string, resp *response) error {
	msg := fmt.Sprintf("GET %s: %s", shown, resp.statusText())
	if text := strings.TrimSpace(string(resp.body)); text != "" && !strings.HasPrefix(text, "<") {
		if len(text) > 200 {
			text = text[:200] + "..."
		}
		msg += ": " + Sanitize(text)
	}
	return errors.New(msg)
}

func (r *response) statusText() string {
	return strconv.Itoa(r.status) + " " + http.StatusText(r.status)
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date; 0
// when absent or unreadable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(min(s, 1<<31)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// backoff returns the jittered delay before retry number attempt+1: half
// the exponential step plus a random part of the other half.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.opts.Backoff
	for range attempt {
		d *= 2
		if d >= c.opts.MaxBackoff {
			d = c.opts.MaxBackoff
			break
		}
	}
	half := d / 2
	return half + rand.N(half+1)
}

// slowDown halves the shared request rate, at most once a second, down to
// a floor, so that the whole client backs off when the server pushes back.
func (c *Client) slowDown() {
	c.rateMu.Lock()
	defer c.rateMu.Unlock()
	now := time.Now()
	if now.Sub(c.rateChanged) < time.Second {
		return
	}
	floor := min(c.opts.Rate, 0.5)
	cur := float64(c.limiter.Limit())
	c.limiter.SetLimitAt(now, rate.Limit(max(cur/2, floor)))
	c.rateChanged = now
}

// speedUp restores the configured rate gradually after a slowdown: a tenth
// of it back per second of answers without pushback.
func (c *Client) speedUp() {
	c.rateMu.Lock()
	defer c.rateMu.Unlock()
	cur := float64(c.limiter.Limit())
	if cur >= c.opts.Rate {
		return
	}
	now := time.Now()
	if now.Sub(c.rateChanged) < time.Second {
		return
	}
	c.limiter.SetLimitAt(now, rate.Limit(min(cur+c.opts.Rate/10, c.opts.Rate)))
	c.rateChanged = now
}

// redactURL returns u for messages and cache entries with its whole
// userinfo replaced by "REDACTED": mirrors such as Gemfury put the token in
// the user name with no password, which url.URL.Redacted would keep.
func redactURL(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	r := *u
	r.User = url.User("REDACTED")
	return r.String()
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
