package githubtest

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// Request is the record of one request the server received.
type Request struct {
	Method   string
	Path     string // r.URL.Path, including the /api/v3 prefix
	RawQuery string
	Status   int  // the status answered (or that would have been, for a dropped response)
	Write    bool // a POST, PATCH, PUT or DELETE that was applied and succeeded (2xx)
	Auth     string
}

// Requests returns every request received so far, in the order handled.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Writes returns the POST, PATCH, PUT and DELETE requests that were applied
// and succeeded (2xx), in order. Scripted responses are never writes.
func (s *Server) Writes() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Write {
			out = append(out, r)
		}
	}
	return out
}

// Response is a canned response for Script.
type Response struct {
	Status int // 200 when 0
	Header map[string]string
	Body   string
}

// script is a pending canned response.
type script struct {
	method string
	path   *regexp.Regexp
	left   int // < 0: forever
	resp   Response
}

// Script makes the next times requests whose method equals method ("" for
// any) and whose URL path (including /api/v3) matches pathRegexp get resp
// instead of the normal handling; such a request is not applied. A negative
// times scripts every matching request from now on. Scripts are tried in the
// order they were added.
func (s *Server) Script(method, pathRegexp string, times int, resp Response) {
	s.t.Helper()
	re, err := regexp.Compile(pathRegexp)
	if err != nil {
		s.t.Fatalf("githubtest: Script: %v", err)
		return
	}
	if times == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts = append(s.scripts, &script{method: method, path: re, left: times, resp: resp})
}

// takeScript returns the canned response for r, if one is pending, and uses
// it up. The caller holds s.mu.
func (s *Server) takeScript(r *http.Request) *Response {
	for _, sc := range s.scripts {
		if sc.left == 0 || (sc.method != "" && sc.method != r.Method) || !sc.path.MatchString(r.URL.Path) {
			continue
		}
		if sc.left > 0 {
			sc.left--
		}
		resp := sc.resp
		return &resp
	}
	return nil
}

// RateLimited returns GitHub's primary rate limit response: 403 with
// X-RateLimit-Remaining 0 and the reset time; go-github turns it into a
// *github.RateLimitError.
func RateLimited(reset time.Time) Response {
	return Response{
		Status: http.StatusForbidden,
		Header: map[string]string{
			"X-RateLimit-Limit":     "5000",
			"X-RateLimit-Remaining": "0",
			"X-RateLimit-Used":      "5000",
			"X-RateLimit-Reset":     strconv.FormatInt(reset.Unix(), 10),
			"X-RateLimit-Resource":  "core",
		},
		Body: `{"message":"API rate limit exceeded for user.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`,
	}
}

// SecondaryLimited returns GitHub's secondary rate limit response: 403 with
// Retry-After (omitted when retryAfter is 0); go-github turns it into a
// *github.AbuseRateLimitError.
func SecondaryLimited(retryAfter time.Duration) Response {
	return Response{
		Status: http.StatusForbidden,
		Header: retryAfterHeader(retryAfter),
		Body:   `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`,
	}
}

// TooManyRequests returns a 429 response with Retry-After (omitted when
// retryAfter is 0).
func TooManyRequests(retryAfter time.Duration) Response {
	return Response{
		Status: http.StatusTooManyRequests,
		Header: retryAfterHeader(retryAfter),
		Body:   `{"message":"Too Many Requests","documentation_url":"https://docs.github.com/rest"}`,
	}
}

// retryAfterHeader renders d as a Retry-After header in whole seconds,
// rounded up.
func retryAfterHeader(d time.Duration) map[string]string {
	if d <= 0 {
		return nil
	}
	return map[string]string{"Retry-After": fmt.Sprint(int64(math.Ceil(d.Seconds())))}
}

// Action tells the server what to do with the response to a write.
type Action int

const (
	// Continue sends the response normally.
	Continue Action = iota
	// DropResponse keeps the applied write but closes the connection
	// without answering, so the client sees a transport error, as when a
	// server crashes after acting.
	DropResponse
)

// AfterWrite registers f to be called after each successful write has been
// applied and before its response is sent; n counts the writes from 1. f runs
// without the server's lock held, so it may inspect the server. When several
// functions are registered, each is called in order until one returns
// DropResponse.
func (s *Server) AfterWrite(f func(n int, r Request) Action) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.afterWrite = append(s.afterWrite, f)
}

// SetForkDelay makes each fork created through the API from now on answer
// 404 to its first n GET requests, as GitHub creates forks asynchronously.
func (s *Server) SetForkDelay(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forkDelay = n
}

// SetSearchLag makes each pull request created through the API from now on
// appear in search results only after n further search requests.
func (s *Server) SetSearchLag(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.searchLag = n
}
