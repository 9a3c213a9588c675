package githubtest

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
)

func TestScriptedRateLimits(t *testing.T) {
	reset := time.Now().Add(-time.Minute).Truncate(time.Second) // in the past, so the client does not refuse the next call
	tests := []struct {
		name  string
		resp  Response
		check func(t *testing.T, err error)
	}{
		{"primary", RateLimited(reset), func(t *testing.T, err error) {
			var rl *github.RateLimitError
			if !errors.As(err, &rl) || rl.Rate.Remaining != 0 || rl.Rate.Limit != 5000 || !rl.Rate.Reset.Time.Equal(reset) ||
				!strings.HasPrefix(rl.Message, "API rate limit exceeded") {
				t.Errorf("err = %#v", err)
			}
		}},
		{"secondary", SecondaryLimited(3 * time.Second), func(t *testing.T, err error) {
			var ab *github.AbuseRateLimitError
			if !errors.As(err, &ab) || ab.RetryAfter == nil || *ab.RetryAfter != 3*time.Second {
				t.Errorf("err = %#v", err)
			}
		}},
		{"too many requests", TooManyRequests(7 * time.Second), func(t *testing.T, err error) {
			var er *github.ErrorResponse
			if !errors.As(err, &er) || er.Response.StatusCode != http.StatusTooManyRequests || er.Response.Header.Get("Retry-After") != "7" {
				t.Errorf("err = %#v", err)
			}
		}},
		{"too many requests without Retry-After", TooManyRequests(0), func(t *testing.T, err error) {
			var er *github.ErrorResponse
			if !errors.As(err, &er) || er.Response.StatusCode != http.StatusTooManyRequests || er.Response.Header.Get("Retry-After") != "" {
				t.Errorf("err = %#v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, ctx := setup(t)
			s.SetViewer("rails", 7, "", "r@example.com")
			main, _ := s.Branch("rails/rails", "main")
			s.Script("POST", `^/api/v3/repos/rails/rails/git/refs$`, 1, tt.resp)
			ref := &github.Reference{Ref: github.String("refs/heads/x"), Object: &github.GitObject{SHA: github.String(main)}}
			_, _, err := c.Git.CreateRef(ctx, "rails", "rails", ref)
			tt.check(t, err)
			if _, ok := s.Branch("rails/rails", "x"); ok {
				t.Errorf("a scripted request was applied")
			}
			if tt.name == "secondary" {
				c = newClient(t, s) // go-github refuses requests until Retry-After has passed
			}
			if _, _, err := c.Git.CreateRef(ctx, "rails", "rails", ref); err != nil {
				t.Errorf("second CreateRef (script used up): %v", err)
			}
			if w := s.Writes(); len(w) != 1 || w[0].Path != "/api/v3/repos/rails/rails/git/refs" {
				t.Errorf("writes = %+v", w)
			}
		})
	}
}

func TestScriptForeverAndAnyMethod(t *testing.T) {
	s, c, ctx := setup(t)
	s.Script("", `/repos/rails/`, -1, Response{Status: http.StatusBadGateway, Body: `{"message":"Server Error"}`})
	for i := 0; i < 3; i++ {
		if _, _, err := c.Repositories.Get(ctx, "rails", "rails"); statusOf(err) != http.StatusBadGateway {
			t.Errorf("request %d: %v", i, err)
		}
	}
	if _, _, err := c.Users.Get(ctx, ""); err != nil {
		t.Errorf("unscripted path: %v", err)
	}
}

func TestDropResponseAfterWrite(t *testing.T) {
	s, c, _ := forkWithChange(t)
	ctx := t.Context()
	var mu sync.Mutex
	var seen []int
	s.AfterWrite(func(n int, r Request) Action {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, n)
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/pulls") {
			if len(s.PRs("rails/rails")) != 1 { // already applied
				t.Errorf("AfterWrite ran before the write was applied")
			}
			return DropResponse
		}
		return Continue
	})
	_, _, err := c.PullRequests.Create(ctx, "rails", "rails", &github.NewPullRequest{
		Title: github.String("Require MFA"), Head: github.String("bot:fix"), Base: github.String("main")})
	if err == nil || statusOf(err) != 0 {
		t.Fatalf("Create after a dropped response: err = %v, want a transport error", err)
	}
	if prs := s.PRs("rails/rails"); len(prs) != 1 || prs[0].HeadRef != "fix" {
		t.Errorf("PRs = %+v", prs)
	}
	writes := s.Writes() // the writes of forkWithChange, then the pull
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != len(writes) || !strings.HasSuffix(writes[len(writes)-1].Path, "/pulls") {
		t.Errorf("AfterWrite saw %v; writes = %+v", seen, writes)
	}
}

func TestUnexpectedRequestFailsTest(t *testing.T) {
	ft := &fakeTB{TB: t}
	s := New(ft)
	c := newClient(t, s)
	ctx := t.Context()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"unknown endpoint", func() error {
			_, _, err := c.Issues.ListComments(ctx, "a", "b", 1, nil)
			return err
		}, "githubtest: unexpected request GET /api/v3/repos/a/b/issues/1/comments"},
		{"unknown method", func() error {
			_, err := c.Repositories.Delete(ctx, "a", "b")
			return err
		}, "githubtest: unexpected request DELETE /api/v3/repos/a/b"},
		{"outside /api/v3", func() error {
			resp, err := http.Get(s.URL() + "/login")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound {
					return errors.New(resp.Status)
				}
			}
			return err
		}, "githubtest: unexpected request GET /login"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if i < 2 && statusOf(err) != http.StatusNotFound {
				t.Errorf("err = %v, want 404", err)
			}
			if i == 2 && err != nil {
				t.Errorf("err = %v", err)
			}
			errs := ft.errors()
			if len(errs) != i+1 || errs[i] != tt.want {
				t.Errorf("Errorf calls = %q, want last %q", errs, tt.want)
			}
		})
	}
	// A known endpoint for a missing repository is a plain 404, not a failure.
	if _, _, err := c.Repositories.Get(ctx, "a", "b"); statusOf(err) != http.StatusNotFound || len(ft.errors()) != 3 {
		t.Errorf("missing repo: %v, errors %q", err, ft.errors())
	}
}

func TestConcurrentRequests(t *testing.T) {
	s, _, _ := setup(t)
	s.SetViewer("rails", 7, "", "r@example.com")
	c := newClient(t, s)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				content := string(rune('a' + j)) // 5 distinct blobs, each created 8 times
				if _, _, err := c.Git.CreateBlob(t.Context(), "rails", "rails", &github.Blob{Content: github.String(content)}); err != nil {
					t.Error(err)
				}
				if _, _, err := c.Repositories.Get(t.Context(), "rails", "rails"); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if got := s.ObjectsCreated()["blob"]; got != 5 {
		t.Errorf("distinct blobs = %d, want 5", got)
	}
	if w, r := len(s.Writes()), len(s.Requests()); w != 40 || r != 80 {
		t.Errorf("writes = %d, requests = %d", w, r)
	}
}
