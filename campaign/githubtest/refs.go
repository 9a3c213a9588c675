package githubtest

import (
	"net/http"
	"strings"
)

// refJSON is a git reference as the API shows it.
type refJSON struct {
	Ref    string    `json:"ref"`
	NodeID string    `json:"node_id"`
	URL    string    `json:"url"`
	Object objectRef `json:"object"`
}

// objectRef points at a git object.
type objectRef struct {
	Type string `json:"type"`
	SHA  string `json:"sha"`
	URL  string `json:"url"`
}

// refJSON renders ref of rp.
func (s *Server) refJSON(rp *repo, ref string) refJSON {
	sha := rp.refs[ref]
	kind := kindCommit
	if o, ok := rp.st.get(sha, ""); ok {
		kind = o.kind
	}
	return refJSON{
		Ref: ref, NodeID: "REF_" + sha, URL: s.repoAPI(rp) + "/git/" + ref,
		Object: objectRef{Type: kind, SHA: sha, URL: s.repoAPI(rp) + "/git/" + kind + "s/" + sha},
	}
}

// writeCheck returns the reply for a write the viewer may not make to rp.
func (s *Server) writeCheck(rp *repo) (reply, bool) {
	if !s.canPush(rp) {
		return notFound(), false
	}
	if rp.archived {
		return errorReply(http.StatusForbidden, "Repository was archived so is read-only."), false
	}
	return reply{}, true
}

// validRefName reports whether ref is a full ref name git accepts.
func validRefName(ref string) bool {
	if !strings.HasPrefix(ref, "refs/") || strings.Count(ref, "/") < 2 {
		return false
	}
	if strings.Contains(ref, "..") || strings.Contains(ref, "@{") || strings.Contains(ref, "//") ||
		strings.HasSuffix(ref, "/") || strings.HasSuffix(ref, ".") || strings.HasSuffix(ref, ".lock") ||
		strings.ContainsAny(ref, " ~^:?*[\\\x7f") {
		return false
	}
	for _, r := range ref {
		if r < ' ' {
			return false
		}
	}
	return true
}

// getRef serves GET /repos/{o}/{r}/git/ref/{ref}.
func (s *Server) getRef(_ *call, rp *repo, ref string) reply {
	full := "refs/" + ref
	if _, ok := rp.refs[full]; !ok {
		return notFound()
	}
	return reply{status: 200, body: s.refJSON(rp, full)}
}

// createRef serves POST /repos/{o}/{r}/git/refs.
func (s *Server) createRef(c *call, rp *repo, _ string) reply {
	if rep, ok := s.writeCheck(rp); !ok {
		return rep
	}
	var req struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	}
	if rep, ok := c.decode(&req); !ok {
		return rep
	}
	switch {
	case req.Ref == "" || req.SHA == "":
		return unprocessable("Invalid request.\n\n\"ref\" and \"sha\" are required.")
	case !validRefName(req.Ref):
		return unprocessable("Reference name is invalid: %q", req.Ref)
	}
	o, ok := rp.st.get(req.SHA, "")
	if !ok || (strings.HasPrefix(req.Ref, "refs/heads/") && o.kind != kindCommit) {
		return unprocessable("Object does not exist")
	}
	if _, exists := rp.refs[req.Ref]; exists {
		return unprocessable("Reference already exists")
	}
	rp.refs[req.Ref] = lower(req.SHA)
	return reply{status: http.StatusCreated, body: s.refJSON(rp, req.Ref)}
}

// updateRef serves PATCH /repos/{o}/{r}/git/refs/{ref}.
func (s *Server) updateRef(c *call, rp *repo, ref string) reply {
	if rep, ok := s.writeCheck(rp); !ok {
		return rep
	}
	var req struct {
		SHA   string `json:"sha"`
		Force bool   `json:"force"`
	}
	if rep, ok := c.decode(&req); !ok {
		return rep
	}
	full := "refs/" + ref
	old, exists := rp.refs[full]
	switch {
	case !exists:
		return unprocessable("Reference does not exist")
	case req.SHA == "":
		return unprocessable("Invalid request.\n\n\"sha\" wasn't supplied.")
	}
	if _, ok := rp.st.get(req.SHA, kindCommit); !ok {
		return unprocessable("Object does not exist")
	}
	if !req.Force && !rp.st.isAncestor(old, lower(req.SHA)) {
		return unprocessable("Update is not a fast forward")
	}
	rp.refs[full] = lower(req.SHA)
	return reply{status: 200, body: s.refJSON(rp, full)}
}

// deleteRef serves DELETE /repos/{o}/{r}/git/refs/{ref}.
func (s *Server) deleteRef(_ *call, rp *repo, ref string) reply {
	if rep, ok := s.writeCheck(rp); !ok {
		return rep
	}
	if _, exists := rp.refs["refs/"+ref]; !exists {
		return unprocessable("Reference does not exist")
	}
	delete(rp.refs, "refs/"+ref)
	return reply{status: http.StatusNoContent}
}
