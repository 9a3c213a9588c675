package campaign

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/campaign/githubtest"
)

// resumeGems make a small campaign with every kind of write: forks,
// blobs (two in one repository), trees, commits, branches, pull requests.
var resumeGems = []string{"widget", "railsy-core", "railsy-web", "ownedgem"}

var resumeRepos = []struct{ upstream, head string }{
	{"acme/widget", viewerLogin + "/widget"},
	{"acme/railsy", viewerLogin + "/railsy"},
	{viewerLogin + "/ownedgem", viewerLogin + "/ownedgem"},
}

// checkDoneOnce asserts the campaign's end state: in each repository one
// pull request from one branch holding one commit on top of main, and one
// fork per forked repository.
func checkDoneOnce(t *testing.T, w *world) {
	t.Helper()
	for _, r := range resumeRepos {
		var ours []githubtest.PR
		for _, pr := range w.gh.PRs(r.upstream) {
			if pr.HeadRef == DefaultBranch {
				ours = append(ours, pr)
			}
		}
		if len(ours) != 1 || ours[0].State != "open" || ours[0].HeadRepo != r.head {
			t.Errorf("%s: campaign pull requests %+v, want one open from %s", r.upstream, ours, r.head)
		}
		commits := w.gh.Commits(r.head, DefaultBranch)
		base := w.gh.Commits(r.upstream, "main")
		if len(commits) != len(base)+1 {
			t.Errorf("%s: the branch has %d commits, want one over main's %d", r.head, len(commits), len(base))
		}
	}
	forks := map[string]int{}
	for _, r := range w.gh.Repos() {
		if owner, name, _ := strings.Cut(r, "/"); owner == viewerLogin {
			forks[name]++
		}
	}
	for name, n := range forks {
		if n != 1 {
			t.Errorf("%d repositories named %s in the viewer's account", n, name)
		}
	}
	var branches int
	for _, r := range w.gh.Repos() {
		for _, b := range w.gh.Branches(r) {
			if b != "main" {
				branches++
			}
		}
	}
	if branches != len(resumeRepos) {
		t.Errorf("%d campaign branches, want %d", branches, len(resumeRepos))
	}
}

// cleanWrites counts the writes of an uninterrupted run.
func cleanWrites(t *testing.T) int {
	w := newWorld(t)
	seedFleet(w)
	if _, err := w.run(context.Background(), ApplyOptions{}, resumeGems...); err != nil {
		t.Fatal(err)
	}
	checkDoneOnce(t, w)
	return len(w.gh.Writes())
}

// TestRunKilledAfterEachWrite kills the run right after each write took
// effect on the forge but before its answer came back — the worst moment —
// then runs again: the campaign finishes with no second fork, branch,
// commit or pull request, and the resumed run repeats no write that the
// journal or the forge shows was done.
func TestRunKilledAfterEachWrite(t *testing.T) {
	total := cleanWrites(t)
	// 2 forks, 4 blobs (railsy has two gemspecs), 3 trees, 3 commits,
	// 3 branches, 3 pull requests.
	if want := 2 + 4 + 3 + 3 + 3 + 3; total != want {
		t.Fatalf("an uninterrupted run makes %d writes, want %d", total, want)
	}
	for _, lose := range []bool{false, true} {
		for k := 1; k <= total; k++ {
			name := fmt.Sprintf("write %d", k)
			if lose {
				name += ", state file lost"
			}
			t.Run(name, func(t *testing.T) {
				w := newWorld(t)
				seedFleet(w)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var killed githubtest.Request
				w.gh.AfterWrite(func(n int, r githubtest.Request) githubtest.Action {
					if n == k {
						killed = r
						cancel()
						return githubtest.DropResponse
					}
					return githubtest.Continue
				})
				_, err := w.run(ctx, ApplyOptions{}, resumeGems...)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("the killed run returned %v, want context.Canceled", err)
				}
				done := len(w.gh.Writes())
				if done != k {
					t.Fatalf("%d writes took effect before the kill, want %d", done, k)
				}
				if lose {
					if err := os.Remove(w.state); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := w.run(context.Background(), ApplyOptions{}, resumeGems...); err != nil {
					t.Fatalf("the resumed run (after %s %s): %v", killed.Method, killed.Path, err)
				}
				checkDoneOnce(t, w)
				// The write whose answer was lost may be made once more,
				// and only when it creates a git object: the same content
				// gives the same object, so nothing is duplicated. Forks,
				// branches and pull requests are found on the forge instead.
				extra := len(w.gh.Writes()) - total
				gitObject := strings.Contains(killed.Path, "/git/blobs") || strings.Contains(killed.Path, "/git/trees") || strings.Contains(killed.Path, "/git/commits")
				if !lose && (extra > 1 || (extra == 1 && !gitObject)) {
					t.Errorf("after a kill at %s %s the runs made %d writes more than an uninterrupted run", killed.Method, killed.Path, extra)
				}
				// A commit is created again only when the state that fixed
				// its date was lost; it is then never referenced.
				if got := w.gh.ObjectsCreated()["commit"]; !lose && got != len(resumeRepos) {
					t.Errorf("%d commits created, want %d", got, len(resumeRepos))
				}
			})
		}
	}
}
