package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
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
	// BaseURL is http(s)://HOST[/PREFIX], file://DIR or a libpq connection
	// URL (postgres:// or postgresql://); default DefaultBaseURL.
	// A file:// directory is laid out like the API: DIR/api/v1/versions/NAME.json
	// and DIR/api/v1/gems/NAME.json; a missing file means no such gem, but
	// DIR/api/v1/versions must exist. A database must hold RubyGems.org's
	// public dump (tables rubygems, versions, gem_downloads, linksets); its
	// password comes from the URL, PGPASSWORD or ~/.pgpass, as libpq's does,
	// and is never shown. The rate, concurrency, retry and cache options
	// apply to http(s) only.
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
	// Timeout bounds one request (default 30s), and a database's connection.
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
	// an error fails the lookup. A database source renders the documents
	// the API would serve for its answers.
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
	Queries      int64   // database queries sent (a postgres:// source)
}

// source is where a Client's gem data comes from: RubyGems.org's HTTP API
// (with its rate limit, retries and disk cache), a directory laid out like
// the API (file://), or a database loaded with RubyGems.org's public dump
// (postgres://). The Client above it memoises and fans out; it is the same
// whichever source answers.
type source interface {
	// gem looks one valid gem name up; errors wrap ErrNotFound and name
	// the gem.
	gem(ctx context.Context, name string) (*Gem, error)
	// links returns the links RubyGems.org shows on the gem's page.
	links(ctx context.Context, name string) (Links, error)
	// ownerGems lists the gems a valid handle owns; errors wrap
	// ErrUnknownOwner.
	ownerGems(ctx context.Context, handle string) ([]string, error)
	stats() Stats
	// provenance says where the answers come from when that is not the
	// live registry, else nil.
	provenance() *Provenance
	close()
}

// batcher is a source that answers many gems in one round trip.
type batcher interface {
	// gems looks valid names up, returning one answer per name.
	gems(ctx context.Context, names []string) map[string]answer
	// batchSize is how many names one round trip takes.
	batchSize() int
}

// answer is one gem's lookup result.
type answer struct {
	gem *Gem
	err error
}

// Client looks gems up. It is safe for concurrent use, and asks for each gem
// at most once in its lifetime.
type Client struct {
	opts Options
	src  source

	mu   sync.Mutex
	memo map[string]*call
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
	c := &Client{opts: opts, memo: make(map[string]*call)}
	var err error
	switch base := opts.BaseURL; {
	case strings.HasPrefix(base, "file://"):
		c.src, err = newDirSource(&c.opts)
	case strings.HasPrefix(base, "postgres://"), strings.HasPrefix(base, "postgresql://"):
		c.src, err = newPGSource(&c.opts)
	default:
		c.src, err = newHTTPSource(&c.opts)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Provenance says where the client's answers come from when that is not
// the live registry (a mirror, a database loaded with the public dump),
// and how old they are; nil for the live registry.
func (c *Client) Provenance() *Provenance { return c.src.provenance() }

// The kinds of Provenance.
const (
	ProvenanceMirror   = "mirror"     // a file:// directory mfaudit mirror wrote
	ProvenancePostgres = "postgresql" // a database loaded with RubyGems.org's public dump
)

// Provenance describes answers that do not come from the live registry.
type Provenance struct {
	// Kind is ProvenanceMirror or ProvenancePostgres.
	Kind string
	// Location is the mirror's file:// URL, or the database as
	// postgres://USER@HOST:PORT/DB with no password.
	Location string
	// Source is the registry a mirror copies.
	Source string
	// Time is, for a mirror, when the oldest document used was taken;
	// for a database, when its newest version was pushed (the dump is at
	// least that recent). Zero when unknown.
	Time time.Time
}

// Close releases what the client holds open (a database's connections).
func (c *Client) Close() { c.src.close() }

// Stats returns the client's counters so far.
func (c *Client) Stats() Stats { return c.src.stats() }

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
			g, err := c.src.gem(ctx, name)
			c.settle(ctx, name, cl, answer{g, err})
			return g, err
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
	if b, ok := c.src.(batcher); ok {
		c.prefetch(ctx, b, names)
	}
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

// prefetch looks up, in batches, the valid names no lookup has answered
// or started yet, so that Lookup's per-name calls find them answered.
func (c *Client) prefetch(ctx context.Context, b batcher, names []string) {
	var todo []string
	calls := map[string]*call{}
	c.mu.Lock()
	for _, name := range names {
		if _, ok := c.memo[name]; ok || ValidName(name) != nil {
			continue
		}
		cl := &call{done: make(chan struct{})}
		c.memo[name] = cl
		calls[name] = cl
		todo = append(todo, name)
	}
	c.mu.Unlock()
	size := max(b.batchSize(), 1)
	for len(todo) > 0 {
		n := min(size, len(todo))
		chunk := todo[:n]
		todo = todo[n:]
		answers := b.gems(ctx, chunk)
		for _, name := range chunk {
			a, ok := answers[name]
			if !ok {
				a.err = fmt.Errorf("registry: gem %q: no answer from the batch", name)
			}
			c.settle(ctx, name, calls[name], a)
		}
	}
}

// settle records a lookup's answer for everyone waiting on it.
func (c *Client) settle(ctx context.Context, name string, cl *call, a answer) {
	cl.gem, cl.err = a.gem, a.err
	if cl.err != nil && ctx.Err() != nil {
		// The caller gave up; that says nothing about the gem.
		c.mu.Lock()
		delete(c.memo, name)
		c.mu.Unlock()
		cl.forgotten = true
	}
	close(cl.done)
	c.done(name, cl.err)
}

// Links returns the links RubyGems.org shows on the gem's page. It fills
// them from the latest release's metadata when that sets any link, and
// otherwise from the links its owners edited on the site, with the
// gemspec's homepage as homepage_uri; so they name a repository for gems
// whose versions list does not. From the HTTP API it costs one request
// (GET /api/v1/gems/NAME.json; none from a fresh cache) and is not
// memoised: an audit never needs it.
func (c *Client) Links(ctx context.Context, name string) (Links, error) {
	if err := ValidName(name); err != nil {
		return Links{}, fmt.Errorf("registry: %w", err)
	}
	return c.src.links(ctx, name)
}

// The documents the client reads.
const (
	kindVersions = "versions" // /api/v1/versions/NAME.json
	kindGem      = "gems"     // /api/v1/gems/NAME.json
	kindOwner    = "owners"   // /api/v1/owners/HANDLE/gems.json
)

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

// setVersions sets the gem's builds and what follows from them: its latest
// release and the listed downloads (also Downloads, until an exact total
// replaces it).
func (g *Gem) setVersions(vs []Version) {
	g.Versions = vs
	g.Latest = latest(vs)
	g.ListedDownloads = 0
	for _, v := range vs {
		g.ListedDownloads += v.Downloads
	}
	g.Downloads = g.ListedDownloads
}
