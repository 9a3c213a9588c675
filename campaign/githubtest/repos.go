package githubtest

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Repo describes a repository to seed with AddRepo.
type Repo struct {
	Owner, Name   string
	DefaultBranch string            // "main" when empty
	Archived      bool              // an archived repository is read-only
	Files         map[string]string // path -> content at the default branch's tip, one initial commit
	Pushers       []string          // logins with push permission besides the owner
}

// repo is a repository's state.
type repo struct {
	id            int64
	owner, name   string
	defaultBranch string
	archived      bool
	pushers       []string
	refs          map[string]string // "refs/heads/x" -> commit ID
	st            *store            // shared by the fork network
	parent        *repo
	pendingGETs   int // GETs still answered 404 while the fork is created
	pulls         []*pull
}

// fullName returns "owner/name".
func (rp *repo) fullName() string { return rp.owner + "/" + rp.name }

// source returns the root of rp's fork network.
func (rp *repo) source() *repo {
	for rp.parent != nil {
		rp = rp.parent
	}
	return rp
}

// seedTime is the date of the initial commits AddRepo creates.
var seedTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// AddRepo adds a repository whose default branch holds r.Files in a single
// initial commit (with an empty tree when Files is empty).
func (s *Server) AddRepo(r Repo) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Owner == "" || r.Name == "" || strings.Contains(r.Owner+r.Name, "/") {
		s.t.Fatalf("githubtest: AddRepo: bad name %q/%q", r.Owner, r.Name)
		return
	}
	if s.findRepo(r.Owner+"/"+r.Name) != nil {
		s.t.Fatalf("githubtest: AddRepo: %s/%s already exists", r.Owner, r.Name)
		return
	}
	branch := r.DefaultBranch
	if branch == "" {
		branch = "main"
	}
	st := newStore()
	files := map[string]fileEntry{}
	for p, content := range r.Files {
		if err := checkPath(p); err != nil {
			s.t.Fatalf("githubtest: AddRepo %s/%s: %v", r.Owner, r.Name, err)
			return
		}
		st.setPath(files, p, &fileEntry{mode: modeFile, sha: st.putBlob([]byte(content))}, false)
	}
	sig := signature{name: r.Owner, email: r.Owner + "@users.noreply.github.com", when: seedTime}
	head := st.putCommit(commitObj{tree: st.buildTree(files), author: sig, committer: sig, message: "Initial commit\n"})
	s.addRepoLocked(&repo{
		owner: r.Owner, name: r.Name, defaultBranch: branch, archived: r.Archived,
		pushers: append([]string(nil), r.Pushers...), refs: map[string]string{"refs/heads/" + branch: head}, st: st,
	})
}

// addRepoLocked registers rp under a fresh id. The caller holds s.mu.
func (s *Server) addRepoLocked(rp *repo) {
	s.nextID++
	rp.id = s.nextID
	delete(s.redirects, lower(rp.fullName()))
	s.repos = append(s.repos, rp)
}

// findRepo returns the repository named fullName, ignoring case, or nil.
func (s *Server) findRepo(fullName string) *repo {
	for _, rp := range s.repos {
		if equalFold(rp.fullName(), fullName) {
			return rp
		}
	}
	return nil
}

// repoByID returns the repository with id, or nil.
func (s *Server) repoByID(id int64) *repo {
	for _, rp := range s.repos {
		if rp.id == id {
			return rp
		}
	}
	return nil
}

// mustRepo returns the repository fullName or fails the test.
func (s *Server) mustRepo(fn, fullName string) *repo {
	s.t.Helper()
	rp := s.findRepo(fullName)
	if rp == nil {
		s.t.Fatalf("githubtest: %s: no repository %s", fn, fullName)
	}
	return rp
}

// Rename renames (or transfers) a repository. Afterwards a GET under the old
// name answers 301 Moved Permanently with a Location under
// /api/v3/repositories/<id>, as GitHub does, and other methods answer 307.
func (s *Server) Rename(oldFullName, newFullName string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepo("Rename", oldFullName)
	if rp == nil {
		return
	}
	owner, name, ok := strings.Cut(newFullName, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		s.t.Fatalf("githubtest: Rename: bad new name %q", newFullName)
		return
	}
	if other := s.findRepo(newFullName); other != nil && other != rp {
		s.t.Fatalf("githubtest: Rename: %s already exists", newFullName)
		return
	}
	s.redirects[lower(rp.fullName())] = rp.id
	rp.owner, rp.name = owner, name
	delete(s.redirects, lower(newFullName))
}

// AddFork adds an existing fork of parentFullName owned by forkOwner and named
// forkName (the parent's name when empty). It shares the parent's objects
// and starts with all of the parent's branches.
func (s *Server) AddFork(parentFullName, forkOwner, forkName string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.mustRepo("AddFork", parentFullName)
	if parent == nil {
		return
	}
	if forkName == "" {
		forkName = parent.name
	}
	if s.findRepo(forkOwner+"/"+forkName) != nil {
		s.t.Fatalf("githubtest: AddFork: %s/%s already exists", forkOwner, forkName)
		return
	}
	s.forkLocked(parent, forkOwner, forkName, false)
}

// forkLocked creates a fork of parent. The caller holds s.mu.
func (s *Server) forkLocked(parent *repo, owner, name string, defaultOnly bool) *repo {
	refs := map[string]string{}
	for ref, sha := range parent.refs {
		if !defaultOnly || ref == "refs/heads/"+parent.defaultBranch {
			refs[ref] = sha
		}
	}
	fork := &repo{owner: owner, name: name, defaultBranch: parent.defaultBranch, refs: refs, st: parent.st, parent: parent}
	s.addRepoLocked(fork)
	return fork
}

// canPush reports whether the viewer may push to rp.
func (s *Server) canPush(rp *repo) bool {
	if equalFold(rp.owner, s.viewer.login) {
		return true
	}
	for _, p := range rp.pushers {
		if equalFold(p, s.viewer.login) {
			return true
		}
	}
	return false
}

// Repos returns the full names of all repositories, forks included, in the
// order they were created.
func (s *Server) Repos() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.repos))
	for _, rp := range s.repos {
		out = append(out, rp.fullName())
	}
	return out
}

// Branches returns the branch names of fullName, sorted.
func (s *Server) Branches(fullName string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.findRepo(fullName)
	if rp == nil {
		return nil
	}
	var out []string
	for ref := range rp.refs {
		if b, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
			out = append(out, b)
		}
	}
	sort.Strings(out)
	return out
}

// userJSON is a user as the API shows it.
type userJSON struct {
	Login   string `json:"login"`
	ID      int64  `json:"id"`
	NodeID  string `json:"node_id"`
	Type    string `json:"type"`
	HTMLURL string `json:"html_url"`
	URL     string `json:"url"`
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
}

// userJSON renders login.
func (s *Server) userJSON(login string) userJSON {
	id := s.userID(login)
	return userJSON{
		Login: login, ID: id, NodeID: fmt.Sprintf("U_%d", id), Type: "User",
		HTMLURL: s.URL() + "/" + login, URL: s.URL() + apiPrefix + "/users/" + login,
	}
}

// repoJSON is a repository as the API shows it.
type repoJSON struct {
	ID            int64     `json:"id"`
	NodeID        string    `json:"node_id"`
	Name          string    `json:"name"`
	FullName      string    `json:"full_name"`
	Owner         userJSON  `json:"owner"`
	Private       bool      `json:"private"`
	Visibility    string    `json:"visibility"`
	HTMLURL       string    `json:"html_url"`
	URL           string    `json:"url"`
	CloneURL      string    `json:"clone_url"`
	Fork          bool      `json:"fork"`
	DefaultBranch string    `json:"default_branch"`
	Archived      bool      `json:"archived"`
	Disabled      bool      `json:"disabled"`
	Permissions   perms     `json:"permissions"`
	Parent        *repoJSON `json:"parent,omitempty"`
	Source        *repoJSON `json:"source,omitempty"`
}

// perms is the viewer's permissions on a repository.
type perms struct {
	Admin bool `json:"admin"`
	Push  bool `json:"push"`
	Pull  bool `json:"pull"`
}

// repoJSON renders rp, with parent and source when nested is false.
func (s *Server) repoJSON(rp *repo, nested bool) *repoJSON {
	j := &repoJSON{
		ID: rp.id, NodeID: fmt.Sprintf("R_%d", rp.id), Name: rp.name, FullName: rp.fullName(),
		Owner: s.userJSON(rp.owner), Visibility: "public",
		HTMLURL: s.URL() + "/" + rp.fullName(), URL: s.repoAPI(rp), CloneURL: s.URL() + "/" + rp.fullName() + ".git",
		Fork: rp.parent != nil, DefaultBranch: rp.defaultBranch, Archived: rp.archived,
		Permissions: perms{Admin: equalFold(rp.owner, s.viewer.login), Push: s.canPush(rp), Pull: true},
	}
	if rp.parent != nil && !nested {
		j.Parent = s.repoJSON(rp.parent, true)
		j.Source = s.repoJSON(rp.source(), true)
	}
	return j
}

// repoAPI returns rp's API URL.
func (s *Server) repoAPI(rp *repo) string { return s.URL() + apiPrefix + "/repos/" + rp.fullName() }

// getUser serves GET /user.
func (s *Server) getUser(*call) reply {
	j := s.userJSON(s.viewer.login)
	j.Name, j.Email = s.viewer.name, s.viewer.email
	return reply{status: 200, body: j}
}

// getRepo serves GET /repos/{o}/{r}.
func (s *Server) getRepo(_ *call, rp *repo, _ string) reply {
	return reply{status: 200, body: s.repoJSON(rp, false)}
}

// createFork serves POST /repos/{o}/{r}/forks.
func (s *Server) createFork(c *call, rp *repo, _ string) reply {
	var req struct {
		Organization      string `json:"organization"`
		Name              string `json:"name"`
		DefaultBranchOnly bool   `json:"default_branch_only"`
	}
	if rep, ok := c.decode(&req); !ok {
		return rep
	}
	owner := s.viewer.login
	if req.Organization != "" {
		owner = req.Organization
	}
	for _, other := range s.repos {
		if other.st == rp.st && equalFold(other.owner, owner) {
			return reply{status: 202, body: s.repoJSON(other, false)}
		}
	}
	base := rp.name
	if req.Name != "" {
		if strings.ContainsAny(req.Name, "/ ") {
			return validationFailed(fieldError{Resource: "Repository", Field: "name", Code: "invalid"})
		}
		base = req.Name
	}
	name := base
	for i := 1; s.findRepo(owner+"/"+name) != nil; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	fork := s.forkLocked(rp, owner, name, req.DefaultBranchOnly)
	fork.pushers = []string{s.viewer.login}
	fork.pendingGETs = s.forkDelay
	return reply{status: 202, body: s.repoJSON(fork, false)}
}
