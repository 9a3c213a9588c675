package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// httpSource asks RubyGems.org's API (or a server that answers like it)
// over HTTP: one shared rate limit, bounded concurrency, retries with
// backoff, and the on-disk cache with conditional requests belong to it
// alone.
type httpSource struct {
	opts    *Options
	base    *url.URL
	http    *http.Client
	limiter *rate.Limiter
	sem     chan struct{}
	cache   *diskCache // nil when disabled

	rateMu      sync.Mutex
	rateChanged time.Time

	requests, cacheHits, notModified, retries         atomic.Int64
	rateLimited, serverErrors, cacheErrors, badBodies atomic.Int64
}

// newHTTPSource checks an http(s) base URL.
func newHTTPSource(opts *Options) (*httpSource, error) {
	u, err := url.Parse(opts.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("registry: base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("registry: base URL %q: want http(s)://HOST[/PREFIX], file://DIR or postgres://…", redactURL(u))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("registry: base URL %q: must not have a query or fragment", redactURL(u))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c := &httpSource{
		opts:    opts,
		base:    u,
		http:    opts.HTTPClient,
		limiter: rate.NewLimiter(rate.Limit(opts.Rate), opts.Burst),
		sem:     make(chan struct{}, opts.Concurrency),
	}
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

func (c *httpSource) gem(ctx context.Context, name string) (*Gem, error) {
	return fetchGem(ctx, c.document, name, false)
}

func (c *httpSource) links(ctx context.Context, name string) (Links, error) {
	return fetchLinks(ctx, c.document, name)
}

func (c *httpSource) ownerGems(ctx context.Context, handle string) ([]string, error) {
	return fetchOwnerGems(ctx, c.document, handle)
}

func (c *httpSource) provenance() *Provenance { return nil }

func (c *httpSource) close() {}

func (c *httpSource) stats() Stats {
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

// document reads one API document for name, from the cache or the registry,
// and hands its body to parse. A cached body that does not parse is
// dropped and fetched afresh; a fetched one is cached only once it parses.
func (c *httpSource) document(ctx context.Context, kind, name string, requests *int, parse func([]byte) error) error {
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
func (c *httpSource) readDocument(ctx context.Context, kind, name string, requests *int, parse func([]byte) error) error {
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

func (c *httpSource) fresh(ent *cacheEntry) bool {
	ttl := c.opts.CacheTTL
	if ent.Status == http.StatusNotFound {
		ttl = c.opts.NotFoundTTL
	}
	age := c.opts.Now().Sub(ent.Stored)
	return age >= 0 && age < ttl
}

func (c *httpSource) save(key cacheKey, ent *cacheEntry) {
	if c.cache == nil {
		return
	}
	if err := c.cache.store(key, ent); err != nil {
		c.cacheErrors.Add(1)
	}
}

func (c *httpSource) url(kind, name string) *url.URL {
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

// do sends a GET, retrying 429s, 5xx answers and transport errors with
// jittered exponential backoff. It returns 200, 304 and 404 answers; any
// other status is an error. A 200 whose body parse rejects (cut short by a
// proxy or a mirror) is retried like a 5xx. requests counts what was sent.
func (c *httpSource) do(ctx context.Context, u *url.URL, hdr http.Header, requests *int, parse func([]byte) error) (*response, error) {
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
func (c *httpSource) attempt(ctx context.Context, u *url.URL, hdr http.Header, requests *int) (*response, error) {
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
func (c *httpSource) timeoutError(ctx, rctx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: no complete response within %v", ErrTimeout, c.opts.Timeout)
	}
	return err
}

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
func (c *httpSource) backoff(attempt int) time.Duration {
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
func (c *httpSource) slowDown() {
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
func (c *httpSource) speedUp() {
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

var errTooLarge = errors.New("response body too large")
