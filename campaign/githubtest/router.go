package githubtest

import (
	"net/http"
	"strconv"
	"strings"
)

// repoHandler serves an endpoint below a repository; param is the rest of
// the path after the endpoint's fixed prefix.
type repoHandler func(c *call, rp *repo, param string) reply

// route dispatches a request. The caller holds s.mu.
func (s *Server) route(c *call) reply {
	p, ok := strings.CutPrefix(c.r.URL.Path, apiPrefix+"/")
	if !ok {
		return s.unexpected(c)
	}
	m := c.r.Method
	switch {
	case p == "user" && m == http.MethodGet:
		return s.getUser(c)
	case p == "search/issues" && m == http.MethodGet:
		return s.searchIssues(c)
	case strings.HasPrefix(p, "repos/"):
		parts := strings.SplitN(strings.TrimPrefix(p, "repos/"), "/", 3)
		if len(parts) < 2 {
			return s.unexpected(c)
		}
		rest := ""
		if len(parts) == 3 {
			rest = parts[2]
		}
		h, param := s.repoEndpoint(m, rest)
		if h == nil {
			return s.unexpected(c)
		}
		rp := s.findRepo(parts[0] + "/" + parts[1])
		if rp == nil {
			if id, ok := s.redirects[lower(parts[0]+"/"+parts[1])]; ok {
				return s.redirect(c, id, rest)
			}
			return notFound()
		}
		return s.serveRepo(c, rp, h, param)
	case strings.HasPrefix(p, "repositories/"):
		idStr, rest, _ := strings.Cut(strings.TrimPrefix(p, "repositories/"), "/")
		h, param := s.repoEndpoint(m, rest)
		if h == nil {
			return s.unexpected(c)
		}
		id, err := strconv.ParseInt(idStr, 10, 64)
		rp := s.repoByID(id)
		if err != nil || rp == nil {
			return notFound()
		}
		return s.serveRepo(c, rp, h, param)
	}
	return s.unexpected(c)
}

// serveRepo runs h on rp, honouring a pending fork's delay.
func (s *Server) serveRepo(c *call, rp *repo, h repoHandler, param string) reply {
	if c.r.Method == http.MethodGet && rp.pendingGETs > 0 {
		rp.pendingGETs--
		return notFound()
	}
	return h(c, rp, param)
}

// redirect answers a request for a renamed repository as GitHub does.
func (s *Server) redirect(c *call, id int64, rest string) reply {
	loc := s.URL() + apiPrefix + "/repositories/" + strconv.FormatInt(id, 10)
	if rest != "" {
		loc += "/" + rest
	}
	if c.r.URL.RawQuery != "" {
		loc += "?" + c.r.URL.RawQuery
	}
	status := http.StatusMovedPermanently
	if c.r.Method != http.MethodGet && c.r.Method != http.MethodHead {
		status = http.StatusTemporaryRedirect
	}
	return reply{status: status, header: map[string]string{"Location": loc},
		body: map[string]string{"message": "Moved Permanently", "url": loc, "documentation_url": docsURL}}
}

// repoEndpoint finds the handler for method and the path below a repository.
func (s *Server) repoEndpoint(method, rest string) (repoHandler, string) {
	type route struct {
		method, path string
		prefix       bool // path is a prefix; the remainder is the param
		h            repoHandler
	}
	routes := []route{
		{http.MethodGet, "", false, s.getRepo},
		{http.MethodPost, "forks", false, s.createFork},
		{http.MethodGet, "git/ref/", true, s.getRef},
		{http.MethodPost, "git/refs", false, s.createRef},
		{http.MethodPatch, "git/refs/", true, s.updateRef},
		{http.MethodDelete, "git/refs/", true, s.deleteRef},
		{http.MethodGet, "git/commits/", true, s.getCommit},
		{http.MethodPost, "git/commits", false, s.createCommit},
		{http.MethodGet, "git/trees/", true, s.getTree},
		{http.MethodPost, "git/trees", false, s.createTree},
		{http.MethodGet, "git/blobs/", true, s.getBlob},
		{http.MethodPost, "git/blobs", false, s.createBlob},
		{http.MethodGet, "contents", false, s.getContents},
		{http.MethodGet, "contents/", false, s.getContents},
		{http.MethodGet, "contents/", true, s.getContents},
		{http.MethodGet, "pulls", false, s.listPulls},
		{http.MethodPost, "pulls", false, s.createPull},
		{http.MethodGet, "pulls/", true, s.getPull},
	}
	for _, r := range routes {
		if r.method != method {
			continue
		}
		if r.prefix {
			if param, ok := strings.CutPrefix(rest, r.path); ok && param != "" {
				return r.h, param
			}
		} else if rest == r.path {
			return r.h, ""
		}
	}
	return nil, ""
}
