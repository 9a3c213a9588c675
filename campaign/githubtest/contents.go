package githubtest

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// resolveCommit returns the commit a ref names in rp: a branch, a full ref
// ("refs/heads/x" or "heads/x") or a commit ID; "" is the default branch.
func resolveCommit(rp *repo, ref string) (string, bool) {
	if ref == "" {
		ref = rp.defaultBranch
	}
	for _, full := range []string{"refs/heads/" + ref, "refs/" + ref, ref} {
		if sha, ok := rp.refs[full]; ok {
			_, isCommit := rp.st.get(sha, kindCommit)
			return sha, isCommit
		}
	}
	if _, ok := rp.st.get(ref, kindCommit); ok {
		return lower(ref), true
	}
	return "", false
}

// contentJSON is a file or directory entry as the contents API shows it.
type contentJSON struct {
	Type        string            `json:"type"`
	Encoding    string            `json:"encoding,omitempty"`
	Size        int               `json:"size"`
	Name        string            `json:"name"`
	Path        string            `json:"path"`
	Content     *string           `json:"content,omitempty"`
	SHA         string            `json:"sha"`
	URL         string            `json:"url"`
	GitURL      string            `json:"git_url"`
	HTMLURL     string            `json:"html_url"`
	DownloadURL *string           `json:"download_url"`
	Links       map[string]string `json:"_links"`
}

// contentJSON renders the entry e at p; withContent includes a file's data.
func (s *Server) contentJSON(rp *repo, ref, p string, e treeEntry, withContent bool) contentJSON {
	kind, gitKind, web := "file", "blobs", "blob"
	switch {
	case e.isTree():
		kind, gitKind, web = "dir", "trees", "tree"
	case e.mode == modeSymlink:
		kind = "symlink"
	}
	j := contentJSON{
		Type: kind, Name: path.Base(p), Path: p, SHA: e.sha,
		URL:     s.repoAPI(rp) + "/contents/" + p + "?ref=" + url.QueryEscape(ref),
		GitURL:  s.repoAPI(rp) + "/git/" + gitKind + "/" + e.sha,
		HTMLURL: s.URL() + "/" + rp.fullName() + "/" + web + "/" + ref + "/" + p,
	}
	j.Links = map[string]string{"self": j.URL, "git": j.GitURL, "html": j.HTMLURL}
	if !e.isTree() {
		dl := s.URL() + "/raw/" + rp.fullName() + "/" + ref + "/" + p
		j.DownloadURL = &dl
		if b, ok := rp.st.get(e.sha, kindBlob); ok {
			j.Size = len(b.data)
			if withContent {
				enc := wrap64(b.data)
				j.Encoding, j.Content = "base64", &enc
			}
		}
	}
	return j
}

// getContents serves GET /repos/{o}/{r}/contents/{path}?ref=X.
func (s *Server) getContents(c *call, rp *repo, p string) reply {
	p = strings.Trim(p, "/")
	ref := c.query().Get("ref")
	head, ok := resolveCommit(rp, ref)
	if !ok {
		return errorReply(http.StatusNotFound, "No commit found for the ref "+ref)
	}
	if ref == "" {
		ref = rp.defaultBranch
	}
	co, _ := rp.st.get(head, kindCommit)
	e, ok := rp.st.lookupPath(co.commit.tree, p)
	if !ok {
		return notFound()
	}
	if !e.isTree() {
		return reply{status: 200, body: s.contentJSON(rp, ref, p, e, true)}
	}
	t, _ := rp.st.get(e.sha, kindTree)
	list := []contentJSON{}
	for _, child := range t.entries {
		cp := child.name
		if p != "" {
			cp = p + "/" + child.name
		}
		list = append(list, s.contentJSON(rp, ref, cp, child, false))
	}
	return reply{status: 200, body: list}
}
