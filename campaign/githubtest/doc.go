// Package githubtest is a stateful fake of the GitHub REST API for tests.
//
// New starts an httptest server that answers the subset of the API a tool
// needs to open pull requests: the authenticated user, repositories and
// forks, git refs, blobs, trees and commits, repository contents, pull
// requests and issue search. Every path is served under /api/v3/, the
// GitHub Enterprise layout, so a go-github client configured with
//
//	github.NewClient(nil).WithEnterpriseURLs(s.URL()+"/", s.URL()+"/")
//
// talks to it. Git object IDs are computed exactly as git computes them, and
// the repositories of one fork network share one object store, as on GitHub.
//
// Tests seed state with AddRepo, AddFork and AddPR, inject failures with
// Script, AfterWrite, SetForkDelay and SetSearchLag, and inspect the result
// with File, Branch, Commits, PRs, Requests and Writes. A request the fake
// does not know fails the test.
package githubtest
