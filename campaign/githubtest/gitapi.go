package githubtest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// noteCreated records that the API was asked to create object sha.
func (s *Server) noteCreated(kind, sha string) {
	if s.created[kind] == nil {
		s.created[kind] = map[string]bool{}
	}
	s.created[kind][sha] = true
}

// ObjectsCreated returns, per kind ("blob", "tree", "commit"), how many
// distinct objects were created through the API: blobs posted or given as
// tree entry content, trees posted (the root of each request) and commits
// posted. Creating an identical object again does not count twice.
func (s *Server) ObjectsCreated() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for kind, set := range s.created {
		out[kind] = len(set)
	}
	return out
}

// wrap64 base64-encodes data in lines of 60 characters, each ending in a
// newline, as GitHub sends file and blob content.
func wrap64(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(enc) > 60 {
		b.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	if enc != "" {
		b.WriteString(enc + "\n")
	}
	return b.String()
}

// getBlob serves GET /repos/{o}/{r}/git/blobs/{sha}.
func (s *Server) getBlob(_ *call, rp *repo, sha string) reply {
	o, ok := rp.st.get(sha, kindBlob)
	if !ok {
		return notFound()
	}
	sha = lower(sha)
	return reply{status: 200, body: map[string]any{
		"sha": sha, "node_id": "B_" + sha, "size": len(o.data), "url": s.repoAPI(rp) + "/git/blobs/" + sha,
		"content": wrap64(o.data), "encoding": "base64",
	}}
}

// createBlob serves POST /repos/{o}/{r}/git/blobs.
func (s *Server) createBlob(c *call, rp *repo, _ string) reply {
	if rep, ok := s.writeCheck(rp); !ok {
		return rep
	}
	var req struct {
		Content  *string `json:"content"`
		Encoding string  `json:"encoding"`
	}
	if rep, ok := c.decode(&req); !ok {
		return rep
	}
	if req.Content == nil {
		return unprocessable("Invalid request.\n\n\"content\" wasn't supplied.")
	}
	var data []byte
	switch req.Encoding {
	case "", "utf-8", "utf8":
		data = []byte(*req.Content)
	case "base64":
		var err error
		clean := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == ' ' {
				return -1
			}
			return r
		}, *req.Content)
		if data, err = base64.StdEncoding.DecodeString(clean); err != nil {
			return unprocessable("Invalid request.\n\n\"content\" is not valid base64.")
		}
	default:
		return unprocessable("Invalid request.\n\nencoding %q is not one of utf-8, base64.", req.Encoding)
	}
	sha := rp.st.putBlob(data)
	s.noteCreated(kindBlob, sha)
	return reply{status: http.StatusCreated, body: map[string]string{"sha": sha, "url": s.repoAPI(rp) + "/git/blobs/" + sha}}
}

// treeEntryJSON is a tree entry as the API shows it.
type treeEntryJSON struct {
	Path string `json:"path"`
	Mode string `json:"mode"`
	Type string `json:"type"`
	SHA  string `json:"sha"`
	Size *int   `json:"size,omitempty"`
	URL  string `json:"url"`
}

// apiMode converts a git tree mode to the API's six-digit form.
func apiMode(mode string) string {
	if mode == modeDir {
		return "040000"
	}
	return mode
}

// treeJSON renders tree sha, listing every entry below it when recursive.
func (s *Server) treeJSON(rp *repo, sha string, recursive bool) map[string]any {
	entries := []treeEntryJSON{}
	var walk func(sha, prefix string)
	walk = func(sha, prefix string) {
		t, _ := rp.st.get(sha, kindTree)
		if t == nil {
			return
		}
		for _, e := range t.entries {
			j := treeEntryJSON{Path: prefix + e.name, Mode: apiMode(e.mode), SHA: e.sha}
			if e.isTree() {
				j.Type, j.URL = kindTree, s.repoAPI(rp)+"/git/trees/"+e.sha
			} else {
				b, _ := rp.st.get(e.sha, kindBlob)
				size := 0
				if b != nil {
					size = len(b.data)
				}
				j.Type, j.Size, j.URL = kindBlob, &size, s.repoAPI(rp)+"/git/blobs/"+e.sha
			}
			entries = append(entries, j)
			if e.isTree() && recursive {
				walk(e.sha, prefix+e.name+"/")
			}
		}
	}
	walk(sha, "")
	return map[string]any{"sha": sha, "url": s.repoAPI(rp) + "/git/trees/" + sha, "tree": entries, "truncated": false}
}

// getTree serves GET /repos/{o}/{r}/git/trees/{sha}, where sha may name a
// tree, a commit or a branch.
func (s *Server) getTree(c *call, rp *repo, x string) reply {
	sha := lower(x)
	if o, ok := rp.st.get(sha, ""); ok && o.kind == kindCommit {
		sha = o.commit.tree
	} else if !ok {
		head, ok := rp.refs["refs/heads/"+x]
		if !ok {
			return notFound()
		}
		o, _ := rp.st.get(head, kindCommit)
		sha = o.commit.tree
	}
	if _, ok := rp.st.get(sha, kindTree); !ok {
		return notFound()
	}
	return reply{status: 200, body: s.treeJSON(rp, sha, c.query().Get("recursive") != "")}
}

// createTree serves POST /repos/{o}/{r}/git/trees.
func (s *Server) createTree(c *call, rp *repo, _ string) reply {
	if rep, ok := s.writeCheck(rp); !ok {
		return rep
	}
	var req struct {
		BaseTree string          `json:"base_tree"`
		Tree     *[]treeEntryReq `json:"tree"`
	}
	if rep, ok := c.decode(&req); !ok {
		return rep
	}
	if req.Tree == nil {
		return unprocessable("Invalid request.\n\n\"tree\" wasn't supplied.")
	}
	files := map[string]fileEntry{}
	if req.BaseTree != "" {
		base, ok := rp.st.get(req.BaseTree, "")
		if ok && base.kind == kindCommit {
			req.BaseTree = base.commit.tree
		} else if !ok || base.kind != kindTree {
			return unprocessable("base_tree is not a valid tree oid")
		}
		rp.st.flatten(lower(req.BaseTree), "", files)
	}
	var blobs []string
	for i, e := range *req.Tree {
		ch, err := parseTreeEntry(rp.st, e)
		if err != nil {
			return unprocessable("tree[%d]: %v", i, err)
		}
		if ch.newBlob != "" {
			blobs = append(blobs, ch.newBlob)
		}
		rp.st.setPath(files, ch.path, ch.entry, ch.isTree)
	}
	sha := rp.st.buildTree(files)
	for _, b := range blobs {
		s.noteCreated(kindBlob, b)
	}
	s.noteCreated(kindTree, sha)
	return reply{status: http.StatusCreated, body: s.treeJSON(rp, sha, false)}
}

// treeEntryReq is one entry of a create-tree request.
type treeEntryReq struct {
	Path    string          `json:"path"`
	Mode    string          `json:"mode"`
	Type    string          `json:"type"`
	SHA     json.RawMessage `json:"sha"` // absent, null (delete) or a string
	Content *string         `json:"content"`
}

// treeChange is one validated entry of a create-tree request.
type treeChange struct {
	path    string
	entry   *fileEntry // nil deletes
	isTree  bool
	newBlob string // the blob stored for a content entry
}

// parseTreeEntry validates a create-tree entry, storing a content entry's
// blob.
func parseTreeEntry(st *store, e treeEntryReq) (treeChange, error) {
	if err := checkPath(e.Path); err != nil {
		return treeChange{}, err
	}
	mode, typ := e.Mode, e.Type
	switch mode {
	case modeFile, modeExec, modeSymlink:
		if typ != "" && typ != kindBlob {
			return treeChange{}, fmt.Errorf("type %q does not match mode %s", typ, mode)
		}
	case "040000", modeDir:
		if typ != "" && typ != kindTree {
			return treeChange{}, fmt.Errorf("type %q does not match mode %s", typ, mode)
		}
		typ, mode = kindTree, modeDir
	default:
		return treeChange{}, fmt.Errorf("mode %q is not supported", mode)
	}
	ch := treeChange{path: e.Path, isTree: typ == kindTree}
	var sha *string
	if len(e.SHA) > 0 {
		if err := json.Unmarshal(e.SHA, &sha); err != nil {
			return ch, fmt.Errorf("sha: %w", err)
		}
	}
	switch {
	case e.Content != nil && sha != nil:
		return ch, errors.New("only one of sha and content may be given")
	case e.Content != nil && ch.isTree:
		return ch, errors.New("content cannot make a tree")
	case e.Content != nil:
		ch.newBlob = st.putBlob([]byte(*e.Content))
		ch.entry = &fileEntry{mode: mode, sha: ch.newBlob}
		return ch, nil
	case sha == nil && len(e.SHA) > 0: // "sha": null deletes the path
		return ch, nil
	case sha == nil:
		return ch, errors.New("must supply either sha or content")
	}
	if _, ok := st.get(*sha, typ); !ok {
		return ch, fmt.Errorf("sha %s is not a valid %s", *sha, typ)
	}
	ch.entry = &fileEntry{mode: mode, sha: lower(*sha)}
	return ch, nil
}

// authorJSON is a commit signature as the API shows it.
type authorJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Date  string `json:"date"`
}

// sigJSON renders a signature.
func sigJSON(sg signature) authorJSON {
	return authorJSON{Name: sg.name, Email: sg.email, Date: sg.when.Format(time.RFC3339)}
}

// commitJSON renders commit sha.
func (s *Server) commitJSON(rp *repo, sha string, c *commitObj) map[string]any {
	parents := []map[string]string{}
	for _, p := range c.parents {
		parents = append(parents, map[string]string{"sha": p, "url": s.repoAPI(rp) + "/git/commits/" + p, "html_url": s.URL() + "/" + rp.fullName() + "/commit/" + p})
	}
	return map[string]any{
		"sha": sha, "node_id": "C_" + sha, "url": s.repoAPI(rp) + "/git/commits/" + sha,
		"html_url": s.URL() + "/" + rp.fullName() + "/commit/" + sha,
		"author":   sigJSON(c.author), "committer": sigJSON(c.committer), "message": c.message,
		"tree":         map[string]string{"sha": c.tree, "url": s.repoAPI(rp) + "/git/trees/" + c.tree},
		"parents":      parents,
		"verification": map[string]any{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil},
	}
}

// getCommit serves GET /repos/{o}/{r}/git/commits/{sha}.
func (s *Server) getCommit(_ *call, rp *repo, sha string) reply {
	o, ok := rp.st.get(sha, kindCommit)
	if !ok {
		return notFound()
	}
	return reply{status: 200, body: s.commitJSON(rp, lower(sha), o.commit)}
}

// createCommit serves POST /repos/{o}/{r}/git/commits.
func (s *Server) createCommit(c *call, rp *repo, _ string) reply {
	if rep, ok := s.writeCheck(rp); !ok {
		return rep
	}
	type person struct {
		Name  string `json:"name"`
		Email string `json:"email"`
		Date  string `json:"date"`
	}
	var req struct {
		Message   *string  `json:"message"`
		Tree      string   `json:"tree"`
		Parents   []string `json:"parents"`
		Author    *person  `json:"author"`
		Committer *person  `json:"committer"`
	}
	if rep, ok := c.decode(&req); !ok {
		return rep
	}
	switch {
	case req.Message == nil:
		return unprocessable("Invalid request.\n\n\"message\" wasn't supplied.")
	case req.Tree == "":
		return unprocessable("Invalid request.\n\n\"tree\" wasn't supplied.")
	}
	if _, ok := rp.st.get(req.Tree, kindTree); !ok {
		return unprocessable("Tree SHA does not exist")
	}
	co := commitObj{tree: lower(req.Tree), message: *req.Message}
	for _, p := range req.Parents {
		if _, ok := rp.st.get(p, kindCommit); !ok {
			return unprocessable("Parent SHA does not exist or is not a commit object")
		}
		co.parents = append(co.parents, lower(p))
	}
	toSig := func(p *person, def signature) (signature, error) {
		if p == nil {
			return def, nil
		}
		sg := signature{name: p.Name, email: p.Email, when: now()}
		if sg.name == "" || sg.email == "" {
			return sg, errMissingIdentity
		}
		if p.Date != "" {
			t, err := parseDate(p.Date)
			if err != nil {
				return sg, err
			}
			sg.when = t
		}
		return sg, nil
	}
	name := s.viewer.name
	if name == "" {
		name = s.viewer.login
	}
	var err error
	if co.author, err = toSig(req.Author, signature{name: name, email: s.viewer.email, when: now()}); err != nil {
		return unprocessable("Invalid request.\n\nauthor: %v", err)
	}
	if co.committer, err = toSig(req.Committer, co.author); err != nil {
		return unprocessable("Invalid request.\n\ncommitter: %v", err)
	}
	sha := rp.st.putCommit(co)
	s.noteCreated(kindCommit, sha)
	o, _ := rp.st.get(sha, kindCommit)
	return reply{status: http.StatusCreated, body: s.commitJSON(rp, sha, o.commit)}
}
