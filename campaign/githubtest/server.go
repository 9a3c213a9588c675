package githubtest

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// apiPrefix is the path under which GitHub Enterprise serves the REST API.
const apiPrefix = "/api/v3"

// maxBody bounds the request bodies the fake reads.
const maxBody = 32 << 20

// Server is a running fake GitHub. It is safe for concurrent use.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	mu          sync.Mutex
	viewer      user
	userIDs     map[string]int64 // lower-case login -> id
	repos       []*repo          // in creation order
	redirects   map[string]int64 // lower-case old full name -> repo id
	nextID      int64
	forkDelay   int
	searchLag   int
	searches    int
	created     map[string]map[string]bool // kind -> object IDs created through the API
	requests    []Request
	writes      int
	afterWrite  []func(n int, r Request) Action
	scripts     []*script
	nextPullID  int64
	nextCreated int       // orders pull requests by creation
	rateReset   time.Time // the X-RateLimit-Reset of normal responses
}

// user is a GitHub account.
type user struct {
	login, name, email string
	id                 int64
}

// New starts a fake GitHub server and closes it when the test ends. Until
// SetViewer is called, requests are made as the user "octocat" (id 1).
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:         t,
		viewer:    user{login: "octocat", id: 1, name: "The Octocat", email: "octocat@github.com"},
		userIDs:   map[string]int64{},
		redirects: map[string]int64{},
		nextID:    1000,
		created:   map[string]map[string]bool{},
		rateReset: time.Now().Add(time.Hour),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL returns the server's root URL, such as http://127.0.0.1:1234. The API
// lives under URL()+"/api/v3/".
func (s *Server) URL() string { return s.srv.URL }

// APIURL returns the base URL of the API, URL()+"/api/v3/".
func (s *Server) APIURL() string { return s.srv.URL + apiPrefix + "/" }

// SetViewer sets the authenticated user: GET /user returns it, and every
// request acts as this user. Tokens are not checked.
func (s *Server) SetViewer(login string, id int64, name, email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.viewer = user{login: login, id: id, name: name, email: email}
}

// userID returns a stable id for login.
func (s *Server) userID(login string) int64 {
	if equalFold(login, s.viewer.login) {
		return s.viewer.id
	}
	k := lower(login)
	if id, ok := s.userIDs[k]; ok {
		return id
	}
	s.nextID++
	s.userIDs[k] = s.nextID
	return s.nextID
}

// now returns the current time as git stores it: whole seconds, UTC.
func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// reply is a response computed under the lock and sent after it is released.
type reply struct {
	status int
	header map[string]string
	body   any    // encoded as JSON unless nil
	raw    []byte // sent as is when body is nil
}

// serve handles one HTTP request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	rec := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Auth: r.Header.Get("Authorization")}

	s.mu.Lock()
	var rep reply
	applied := false
	if sc := s.takeScript(r); sc != nil {
		rep = reply{status: cmp.Or(sc.Status, http.StatusOK), header: sc.Header, raw: []byte(sc.Body)}
	} else if err != nil {
		rep = errorReply(http.StatusBadRequest, "Problems reading the request body")
	} else {
		rep = s.route(&call{r: r, body: body})
		rep.header = s.withRateHeaders(rep.header)
		applied = true
	}
	rec.Status = rep.status
	rec.Write = applied && isWriteMethod(r.Method) && rep.status >= 200 && rep.status < 300
	s.requests = append(s.requests, rec)
	var hooks []func(int, Request) Action
	n := 0
	if rec.Write {
		s.writes++
		n = s.writes
		hooks = append(hooks, s.afterWrite...)
	}
	s.mu.Unlock()

	for _, h := range hooks {
		if h(n, rec) == DropResponse {
			dropConnection(w)
			return
		}
	}
	writeReply(w, rep)
}

// withRateHeaders adds the rate limit headers GitHub sends with every
// response: a limit of 5000 that each request uses up by one, resetting an
// hour after the server started. The caller holds s.mu.
func (s *Server) withRateHeaders(h map[string]string) map[string]string {
	out := map[string]string{
		"X-RateLimit-Limit":     "5000",
		"X-RateLimit-Remaining": strconv.Itoa(max(1, 5000-len(s.requests)-1)),
		"X-RateLimit-Used":      strconv.Itoa(min(4999, len(s.requests)+1)),
		"X-RateLimit-Reset":     strconv.FormatInt(s.rateReset.Unix(), 10),
		"X-RateLimit-Resource":  "core",
	}
	for k, v := range h {
		out[k] = v
	}
	return out
}

// writeReply sends rep.
func writeReply(w http.ResponseWriter, rep reply) {
	data := rep.raw
	if rep.body != nil {
		var err error
		if data, err = json.Marshal(rep.body); err != nil {
			rep.status = http.StatusInternalServerError
			data = []byte(`{"message":"githubtest: cannot encode response"}`)
		}
	}
	h := w.Header()
	if len(data) > 0 {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	for k, v := range rep.header {
		h.Set(k, v)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(data)
}

// dropConnection closes the client's connection without answering.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // net/http's way to abort a response
	}
	_ = conn.Close()
}

// isWriteMethod reports whether method changes state.
func isWriteMethod(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// unexpected fails the test for a request the fake does not serve.
func (s *Server) unexpected(c *call) reply {
	s.t.Errorf("githubtest: unexpected request %s %s", c.r.Method, c.r.URL.RequestURI())
	return notFound()
}
