package githubtest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// PR describes a pull request, for AddPR and as PRs reports it.
type PR struct {
	Number                                int
	Title, Body, User                     string
	HeadOwner, HeadRepo, HeadRef, BaseRef string // HeadRepo is "owner/name" of the head repository
	State                                 string // "open" or "closed"
	Merged, Draft                         bool
}

// pull is a pull request's state.
type pull struct {
	id                  int64
	number              int
	title, body, user   string
	headRepo            *repo  // nil when the head repository does not exist
	headOwner, headName string // the head repository's name, kept if it is missing
	headRef, baseRef    string
	headSHA             string // the head commit when last seen
	state               string
	merged, draft       bool
	maintainerCanModify bool
	created, updated    time.Time
	closedAt, mergedAt  *time.Time
	order               int // creation order across the server
	searchFrom          int // the first search request (counting from 1) that finds it
}

// headOwnerLogin returns the login owning the head repository.
func (p *pull) headOwnerLogin() string {
	if p.headRepo != nil {
		return p.headRepo.owner
	}
	return p.headOwner
}

// liveHead returns the head commit, following the head branch while open.
func (p *pull) liveHead() string {
	if p.headRepo != nil && p.state == "open" {
		if sha, ok := p.headRepo.refs["refs/heads/"+p.headRef]; ok {
			p.headSHA = sha
		}
	}
	return p.headSHA
}

// headRepoFor returns the repository of base's network owned by owner that a
// head "owner:branch" refers to, or nil.
func (s *Server) headRepoFor(base *repo, owner string) *repo {
	if equalFold(base.owner, owner) {
		return base
	}
	var found *repo
	for _, rp := range s.repos {
		if rp.st == base.st && equalFold(rp.owner, owner) && (found == nil || rp.parent == base) {
			found = rp
		}
	}
	return found
}

// nextNumber returns the next free pull request number of rp.
func nextNumber(rp *repo) int {
	n := 0
	for _, p := range rp.pulls {
		n = max(n, p.number)
	}
	return n + 1
}

// findPull returns pull request number of rp, or nil.
func findPull(rp *repo, number int) *pull {
	for _, p := range rp.pulls {
		if p.number == number {
			return p
		}
	}
	return nil
}

// addPullLocked records p in rp. The caller holds s.mu.
func (s *Server) addPullLocked(rp *repo, p *pull) {
	s.nextPullID++
	s.nextCreated++
	p.id, p.order = s.nextPullID, s.nextCreated
	p.created, p.updated = now(), now()
	rp.pulls = append(rp.pulls, p)
}

// AddPR adds an existing pull request to fullName and returns its number,
// the next free one when pr.Number is 0. HeadRepo defaults to the repository
// of the network owned by HeadOwner (fullName itself when HeadOwner is empty),
// State to "open" ("closed" when Merged) and User to the head owner. It is
// visible to search at once.
func (s *Server) AddPR(fullName string, pr PR) int {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepo("AddPR", fullName)
	if rp == nil {
		return 0
	}
	if pr.Number == 0 {
		pr.Number = nextNumber(rp)
	} else if findPull(rp, pr.Number) != nil {
		s.t.Fatalf("githubtest: AddPR: %s#%d already exists", fullName, pr.Number)
		return 0
	}
	p := &pull{number: pr.Number, title: pr.Title, body: pr.Body, user: pr.User, headRef: pr.HeadRef,
		baseRef: pr.BaseRef, state: pr.State, merged: pr.Merged, draft: pr.Draft, headOwner: pr.HeadOwner}
	if p.baseRef == "" {
		p.baseRef = rp.defaultBranch
	}
	switch {
	case pr.HeadRepo != "":
		p.headRepo = s.findRepo(pr.HeadRepo)
		owner, name, _ := strings.Cut(pr.HeadRepo, "/")
		if p.headOwner == "" {
			p.headOwner = owner
		}
		p.headName = name
	case p.headOwner == "":
		p.headRepo, p.headOwner = rp, rp.owner
	default:
		p.headRepo = s.headRepoFor(rp, p.headOwner)
		p.headName = rp.name
	}
	if p.user == "" {
		p.user = p.headOwner
	}
	if p.merged {
		p.state = "closed"
	}
	if p.state == "" {
		p.state = "open"
	}
	if p.headRepo != nil {
		p.headSHA = p.headRepo.refs["refs/heads/"+p.headRef]
	}
	s.addPullLocked(rp, p)
	if p.state == "closed" {
		t := p.created
		p.closedAt = &t
		if p.merged {
			p.mergedAt = &t
		}
	}
	return p.number
}

// SetPRState changes a pull request's state as a maintainer would: state
// "closed" closes it, "open" reopens it, and merged closes it as merged,
// fast-forwarding the base branch to the head commit when possible and
// otherwise committing the head commit's tree onto it as a merge commit.
func (s *Server) SetPRState(fullName string, number int, state string, merged bool) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepo("SetPRState", fullName)
	if rp == nil {
		return
	}
	p := findPull(rp, number)
	if p == nil {
		s.t.Fatalf("githubtest: SetPRState: no pull request %s#%d", fullName, number)
		return
	}
	head := p.liveHead()
	t := now()
	p.updated = t
	switch {
	case merged:
		p.state, p.merged, p.closedAt, p.mergedAt = "closed", true, &t, &t
		s.mergeLocked(rp, p, head)
	case state == "open":
		p.state, p.merged, p.closedAt, p.mergedAt = "open", false, nil, nil
	case state == "closed":
		p.state, p.closedAt = "closed", &t
	default:
		s.t.Fatalf("githubtest: SetPRState: bad state %q", state)
	}
}

// mergeLocked moves p's base branch to contain head. The caller holds s.mu.
func (s *Server) mergeLocked(rp *repo, p *pull, head string) {
	hc, ok := rp.st.get(head, kindCommit)
	if !ok {
		return
	}
	ref := "refs/heads/" + p.baseRef
	base, ok := rp.refs[ref]
	if !ok || rp.st.isAncestor(base, head) {
		rp.refs[ref] = head
		return
	}
	sig := signature{name: "GitHub", email: "noreply@github.com", when: now()}
	msg := fmt.Sprintf("Merge pull request #%d from %s:%s\n\n%s", p.number, p.headOwnerLogin(), p.headRef, p.title)
	rp.refs[ref] = rp.st.putCommit(commitObj{tree: hc.commit.tree, parents: []string{base, head}, author: sig, committer: sig, message: msg})
}

// PRs returns the pull requests of fullName, by number.
func (s *Server) PRs(fullName string) []PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.findRepo(fullName)
	if rp == nil {
		return nil
	}
	var out []PR
	for _, p := range rp.pulls {
		pr := PR{Number: p.number, Title: p.title, Body: p.body, User: p.user, HeadOwner: p.headOwnerLogin(),
			HeadRepo: p.headOwner + "/" + p.headName, HeadRef: p.headRef, BaseRef: p.baseRef,
			State: p.state, Merged: p.merged, Draft: p.draft}
		if p.headRepo != nil {
			pr.HeadRepo = p.headRepo.fullName()
		}
		out = append(out, pr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// branchJSON is a pull request's head or base.
type branchJSON struct {
	Label string    `json:"label"`
	Ref   string    `json:"ref"`
	SHA   string    `json:"sha"`
	User  userJSON  `json:"user"`
	Repo  *repoJSON `json:"repo"`
}

// timeJSON renders an optional time as GitHub does, null when absent.
func timeJSON(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := t.UTC().Format(time.RFC3339)
	return &v
}

// nullable returns nil for "", as GitHub sends null for an empty body.
func nullable(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// pullJSON renders pull request p of rp.
func (s *Server) pullJSON(rp *repo, p *pull) map[string]any {
	api := fmt.Sprintf("%s/pulls/%d", s.repoAPI(rp), p.number)
	html := fmt.Sprintf("%s/%s/pull/%d", s.URL(), rp.fullName(), p.number)
	head := branchJSON{Label: p.headOwnerLogin() + ":" + p.headRef, Ref: p.headRef, SHA: p.liveHead(), User: s.userJSON(p.headOwnerLogin())}
	if p.headRepo != nil {
		head.Repo = s.repoJSON(p.headRepo, false)
	}
	base := branchJSON{Label: rp.owner + ":" + p.baseRef, Ref: p.baseRef, SHA: rp.refs["refs/heads/"+p.baseRef],
		User: s.userJSON(rp.owner), Repo: s.repoJSON(rp, false)}
	return map[string]any{
		"id": p.id, "node_id": fmt.Sprintf("PR_%d", p.id), "number": p.number, "state": p.state, "locked": false,
		"title": p.title, "body": nullable(p.body), "user": s.userJSON(p.user), "draft": p.draft, "merged": p.merged,
		"merged_at": timeJSON(p.mergedAt), "closed_at": timeJSON(p.closedAt),
		"created_at": p.created.Format(time.RFC3339), "updated_at": p.updated.Format(time.RFC3339),
		"url": api, "html_url": html, "diff_url": html + ".diff", "patch_url": html + ".patch",
		"issue_url":             fmt.Sprintf("%s/issues/%d", s.repoAPI(rp), p.number),
		"maintainer_can_modify": p.maintainerCanModify, "head": head, "base": base,
	}
}

// listPulls serves GET /repos/{o}/{r}/pulls.
func (s *Server) listPulls(c *call, rp *repo, _ string) reply {
	q := c.query()
	state := q.Get("state")
	switch state {
	case "":
		state = "open"
	case "open", "closed", "all":
	default:
		return validationFailed(fieldError{Resource: "PullRequest", Field: "state", Code: "invalid"})
	}
	headOwner, headRef, byRef := strings.Cut(q.Get("head"), ":")
	var out []*pull
	for _, p := range rp.pulls {
		switch {
		case state != "all" && p.state != state:
		case headOwner != "" && !equalFold(p.headOwnerLogin(), headOwner):
		case byRef && p.headRef != headRef:
		case q.Get("base") != "" && p.baseRef != q.Get("base"):
		default:
			out = append(out, p)
		}
	}
	asc := q.Get("direction") == "asc"
	sort.SliceStable(out, func(i, j int) bool { return (out[i].order < out[j].order) == asc })
	start, end, link := s.paginate(c, len(out))
	items := []map[string]any{}
	for _, p := range out[start:end] {
		items = append(items, s.pullJSON(rp, p))
	}
	return reply{status: 200, header: link, body: items}
}

// getPull serves GET /repos/{o}/{r}/pulls/{n}.
func (s *Server) getPull(c *call, rp *repo, param string) reply {
	if strings.Contains(param, "/") {
		return s.unexpected(c)
	}
	n, err := strconv.Atoi(param)
	p := findPull(rp, n)
	if err != nil || p == nil {
		return notFound()
	}
	return reply{status: 200, body: s.pullJSON(rp, p)}
}

// createPull serves POST /repos/{o}/{r}/pulls.
func (s *Server) createPull(c *call, rp *repo, _ string) reply {
	if rp.archived {
		return errorReply(http.StatusForbidden, "Repository was archived so is read-only.")
	}
	var req struct {
		Title               string `json:"title"`
		Head                string `json:"head"`
		HeadRepo            string `json:"head_repo"`
		Base                string `json:"base"`
		Body                string `json:"body"`
		Draft               bool   `json:"draft"`
		MaintainerCanModify bool   `json:"maintainer_can_modify"`
		Issue               *int   `json:"issue"`
	}
	if rep, ok := c.decode(&req); !ok {
		return rep
	}
	missing := func(field string) reply {
		return validationFailed(fieldError{Resource: "PullRequest", Field: field, Code: "missing_field"})
	}
	switch {
	case req.Issue != nil:
		return unprocessable("githubtest: converting an issue to a pull request is not supported")
	case req.Title == "":
		return missing("title")
	case req.Head == "":
		return missing("head")
	case req.Base == "":
		return missing("base")
	}
	invalid := func(field string) reply {
		return validationFailed(fieldError{Resource: "PullRequest", Field: field, Code: "invalid"})
	}
	baseSHA, ok := rp.refs["refs/heads/"+req.Base]
	if !ok {
		return invalid("base")
	}
	owner, ref, cross := strings.Cut(req.Head, ":")
	if !cross {
		owner, ref = rp.owner, req.Head
	}
	headRepo := s.headRepoFor(rp, owner)
	if req.HeadRepo != "" {
		headRepo = s.findRepo(req.HeadRepo)
		if headRepo != nil && headRepo.st != rp.st {
			headRepo = nil
		}
	}
	if headRepo == nil {
		return invalid("head")
	}
	headSHA, ok := headRepo.refs["refs/heads/"+ref]
	if !ok {
		return invalid("head")
	}
	for _, p := range rp.pulls {
		if p.state == "open" && p.headRepo == headRepo && p.headRef == ref && p.baseRef == req.Base {
			return validationFailed(fieldError{Resource: "PullRequest", Code: "custom",
				Message: fmt.Sprintf("A pull request already exists for %s:%s.", headRepo.owner, ref)})
		}
	}
	if rp.st.isAncestor(headSHA, baseSHA) {
		return validationFailed(fieldError{Resource: "PullRequest", Code: "custom",
			Message: fmt.Sprintf("No commits between %s and %s", req.Base, req.Head)})
	}
	p := &pull{number: nextNumber(rp), title: req.Title, body: req.Body, user: s.viewer.login,
		headRepo: headRepo, headOwner: headRepo.owner, headName: headRepo.name, headRef: ref, baseRef: req.Base,
		headSHA: headSHA, state: "open", draft: req.Draft, maintainerCanModify: req.MaintainerCanModify,
		searchFrom: s.searches + s.searchLag + 1}
	s.addPullLocked(rp, p)
	return reply{status: http.StatusCreated, body: s.pullJSON(rp, p)}
}
