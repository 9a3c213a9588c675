package githubtest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
)

// gitCmd runs git in dir with extra environment and stdin, returning the
// trimmed output.
func gitCmd(t *testing.T, dir string, env []string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %v: %v: %s", args, err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// TestHashesMatchGit creates objects through the API and the same objects
// with the git binary, and compares their IDs.
func TestHashesMatchGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	gitCmd(t, dir, nil, "", "init", "-q")

	s := New(t)
	s.SetViewer("bot", 1, "Bot", "bot@example.com")
	s.AddRepo(Repo{Owner: "bot", Name: "r"})
	c := newClient(t, s)
	ctx := t.Context()

	files := []struct{ path, mode, content string }{
		{"a.txt", "100644", "top\n"},
		{"a-b", "100644", ""},
		{"a/x", "100644", "nested\x00binary\xff"},
		{"a/run.sh", "100755", "#!/bin/sh\necho hi\n"},
		{"b", "100644", strings.Repeat("long line of text ", 50)},
	}
	var entries []*github.TreeEntry
	gitSHA := map[string]string{}
	for _, f := range files {
		b, _, err := c.Git.CreateBlob(ctx, "bot", "r", &github.Blob{Content: github.String(b64(f.content)), Encoding: github.String("base64")})
		if err != nil {
			t.Fatal(err)
		}
		want := gitCmd(t, dir, nil, f.content, "hash-object", "-w", "--stdin")
		if b.GetSHA() != want {
			t.Errorf("blob %s: %s, git says %s", f.path, b.GetSHA(), want)
		}
		gitSHA[f.path] = want
		entries = append(entries, &github.TreeEntry{Path: github.String(f.path), Mode: github.String(f.mode), Type: github.String("blob"), SHA: b.SHA})
	}
	tree, _, err := c.Git.CreateTree(ctx, "bot", "r", "", entries)
	if err != nil {
		t.Fatal(err)
	}
	sub := gitCmd(t, dir, nil, "100644 blob "+gitSHA["a/x"]+"\tx\n100755 blob "+gitSHA["a/run.sh"]+"\trun.sh\n", "mktree")
	root := gitCmd(t, dir, nil, strings.Join([]string{
		"100644 blob " + gitSHA["a.txt"] + "\ta.txt",
		"100644 blob " + gitSHA["a-b"] + "\ta-b",
		"040000 tree " + sub + "\ta",
		"100644 blob " + gitSHA["b"] + "\tb",
	}, "\n")+"\n", "mktree")
	if tree.GetSHA() != root {
		t.Fatalf("tree %s, git says %s", tree.GetSHA(), root)
	}

	parent, _ := s.Branch("bot/r", "main")
	authorDate := time.Date(2023, 3, 4, 5, 6, 7, 0, time.FixedZone("", 2*3600))
	commitDate := time.Date(2024, 8, 9, 10, 11, 12, 0, time.UTC)
	cm, _, err := c.Git.CreateCommit(ctx, "bot", "r", &github.Commit{
		Message:   github.String("Require MFA\n\nLonger body.\n"),
		Tree:      &github.Tree{SHA: tree.SHA},
		Parents:   []*github.Commit{{SHA: github.String(parent)}},
		Author:    &github.CommitAuthor{Name: github.String("A U Thor"), Email: github.String("author@example.com"), Date: &github.Timestamp{Time: authorDate}},
		Committer: &github.CommitAuthor{Name: github.String("C O Mitter"), Email: github.String("committer@example.com"), Date: &github.Timestamp{Time: commitDate}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// git needs the parent object; rebuild it from the fake's own description.
	pc, _, err := c.Git.GetCommit(ctx, "bot", "r", parent)
	if err != nil {
		t.Fatal(err)
	}
	emptyTree := gitCmd(t, dir, nil, "", "mktree")
	if pc.GetTree().GetSHA() != emptyTree {
		t.Errorf("initial commit's tree %s, git's empty tree %s", pc.GetTree().GetSHA(), emptyTree)
	}
	sig := func(prefix string, a *github.CommitAuthor) []string {
		return []string{prefix + "_NAME=" + a.GetName(), prefix + "_EMAIL=" + a.GetEmail(), prefix + "_DATE=" + a.GetDate().Format(time.RFC3339)}
	}
	gitParent := gitCmd(t, dir, append(sig("GIT_AUTHOR", pc.GetAuthor()), sig("GIT_COMMITTER", pc.GetCommitter())...),
		pc.GetMessage(), "commit-tree", emptyTree)
	if gitParent != parent {
		t.Errorf("initial commit %s, git says %s", parent, gitParent)
	}
	want := gitCmd(t, dir, []string{
		"GIT_AUTHOR_NAME=A U Thor", "GIT_AUTHOR_EMAIL=author@example.com", "GIT_AUTHOR_DATE=2023-03-04T05:06:07+02:00",
		"GIT_COMMITTER_NAME=C O Mitter", "GIT_COMMITTER_EMAIL=committer@example.com", "GIT_COMMITTER_DATE=2024-08-09T10:11:12Z",
	}, "Require MFA\n\nLonger body.\n", "commit-tree", root, "-p", gitParent)
	if cm.GetSHA() != want {
		t.Errorf("commit %s, git says %s", cm.GetSHA(), want)
	}
	if got := gitCmd(t, dir, nil, "", "cat-file", "-p", want); !strings.Contains(got, "author A U Thor <author@example.com> 1677899167 +0200") {
		t.Errorf("git's commit:\n%s", got)
	}
}
