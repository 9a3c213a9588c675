package githubtest

// tipCommit returns the tip of branch in fullName. The caller holds s.mu.
func (s *Server) tipCommit(fullName, branch string) (*repo, string, bool) {
	rp := s.findRepo(fullName)
	if rp == nil {
		return nil, "", false
	}
	sha, ok := rp.refs["refs/heads/"+branch]
	return rp, sha, ok
}

// File returns the content of path at the tip of branch in fullName.
func (s *Server) File(fullName, branch, path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, sha, ok := s.tipCommit(fullName, branch)
	if !ok {
		return "", false
	}
	c, _ := rp.st.get(sha, kindCommit)
	e, ok := rp.st.lookupPath(c.commit.tree, path)
	if !ok || e.isTree() {
		return "", false
	}
	b, ok := rp.st.get(e.sha, kindBlob)
	if !ok {
		return "", false
	}
	return string(b.data), true
}

// Branch returns the commit at the tip of branch in fullName.
func (s *Server) Branch(fullName, branch string) (sha string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sha, ok = s.tipCommit(fullName, branch)
	return sha, ok
}

// Commits returns the commits of branch in fullName from the tip down,
// following first parents.
func (s *Server) Commits(fullName, branch string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, sha, ok := s.tipCommit(fullName, branch)
	if !ok {
		return nil
	}
	var out []string
	for sha != "" {
		out = append(out, sha)
		c, ok := rp.st.get(sha, kindCommit)
		if !ok || len(c.commit.parents) == 0 {
			break
		}
		sha = c.commit.parents[0]
	}
	return out
}
