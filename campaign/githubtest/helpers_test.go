package githubtest

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-github/v62/github"
)

// newClient returns a go-github client talking to s with a token.
func newClient(t *testing.T, s *Server) *github.Client {
	t.Helper()
	c, err := github.NewClient(nil).WithAuthToken("t0ken").WithEnterpriseURLs(s.URL()+"/", s.URL()+"/")
	if err != nil {
		t.Fatalf("WithEnterpriseURLs: %v", err)
	}
	return c
}

// setup returns a server with viewer "bot" and upstream repository
// "rails/rails", and a client for it.
func setup(t *testing.T) (*Server, *github.Client, context.Context) {
	t.Helper()
	s := New(t)
	s.SetViewer("bot", 42, "Bot Person", "bot@example.com")
	s.AddRepo(Repo{Owner: "rails", Name: "rails", Files: map[string]string{
		"README.md":           "# Rails\n",
		"rails.gemspec":       "Gem::Specification.new do |s|\nend\n",
		"lib/rails/x.rb":      "module Rails; end\n",
		"lib/rails/deep/y.rb": "y\n",
	}})
	return s, newClient(t, s), context.Background()
}

// statusOf returns the HTTP status carried by a go-github error, or 0.
func statusOf(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

// errMessage returns the message and first field error message of a
// go-github error.
func errMessage(err error) string {
	var er *github.ErrorResponse
	if !errors.As(err, &er) {
		return fmt.Sprint(err)
	}
	msg := er.Message
	for _, e := range er.Errors {
		msg += " | " + e.Message
	}
	return msg
}

// fakeTB records Errorf calls instead of failing the test.
type fakeTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

// Errorf records the message.
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

// errors returns the recorded messages.
func (f *fakeTB) errors() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errs...)
}

// commitFile creates, through the API, a commit on top of branch of
// owner/repo that sets path to content, and returns the commit's SHA.
func commitFile(t *testing.T, ctx context.Context, c *github.Client, owner, repo, parent, path, content string) string {
	t.Helper()
	pc, _, err := c.Git.GetCommit(ctx, owner, repo, parent)
	if err != nil {
		t.Fatalf("GetCommit: %v", err)
	}
	tree, _, err := c.Git.CreateTree(ctx, owner, repo, pc.GetTree().GetSHA(), []*github.TreeEntry{
		{Path: github.String(path), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String(content)},
	})
	if err != nil {
		t.Fatalf("CreateTree: %v", err)
	}
	cm, _, err := c.Git.CreateCommit(ctx, owner, repo, &github.Commit{
		Message: github.String("set " + path), Tree: &github.Tree{SHA: tree.SHA}, Parents: []*github.Commit{{SHA: github.String(parent)}},
	}, nil)
	if err != nil {
		t.Fatalf("CreateCommit: %v", err)
	}
	return cm.GetSHA()
}

// splitName splits "owner/name".
func splitName(full string) (string, string) {
	o, n, _ := strings.Cut(full, "/")
	return o, n
}

// itoa formats an int64.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// isAccepted reports whether err is go-github's 202 AcceptedError.
func isAccepted(err error) bool {
	var ae *github.AcceptedError
	return errors.As(err, &ae)
}

// asErr is errors.As.
func asErr(err error, target any) bool { return errors.As(err, target) }

// b64 base64-encodes s.
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
