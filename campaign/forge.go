package campaign

import (
	"context"
	"errors"
	"time"
)

// Errors a Forge returns (wrapped) that the campaign acts on.
var (
	// ErrNotFound: the repository, branch, object or pull request does
	// not exist (or the token may not see it).
	ErrNotFound = errors.New("not found")
	// ErrExists: the branch or pull request being created already exists;
	// an earlier run got this far.
	ErrExists = errors.New("already exists")
	// ErrRateLimited: the forge asks to wait longer than the run may
	// pause. The limit holds for every call, so the run stops; running it
	// again later carries on.
	ErrRateLimited = errors.New("rate limited for longer than the run may wait")
	// ErrNoToken: Viewer was asked without a token; reads still work,
	// anonymously.
	ErrNoToken = errors.New("no token")
	// ErrUnauthorized: the forge refused the token (revoked, expired,
	// mistyped); nothing can be done with it.
	ErrUnauthorized = errors.New("the forge refused the token")
)

// Forge is the part of a code host the campaign uses: a dozen calls, read
// and write, with rate limits, pauses and retries left to the
// implementation. Repositories are named "owner/name". Every text it
// returns comes from the forge and is untrusted.
type Forge interface {
	// Viewer returns the account the token belongs to.
	Viewer(ctx context.Context) (*Account, error)
	// Repo returns a repository under its canonical name, following
	// renames.
	Repo(ctx context.Context, fullName string) (*Repo, error)
	// BranchHead returns the commit a branch points at.
	BranchHead(ctx context.Context, repo, branch string) (string, error)
	// Commit returns a commit's tree and parents.
	Commit(ctx context.Context, repo, sha string) (*CommitInfo, error)
	// Tree lists every file of a commit.
	Tree(ctx context.Context, repo, commit string) (*Tree, error)
	// Blob returns a file's contents by its blob SHA.
	Blob(ctx context.Context, repo, sha string) ([]byte, error)
	// PullRequests lists the pull requests of repo, in any state, whose
	// head is head ("owner:branch").
	PullRequests(ctx context.Context, repo, head string) ([]PullRequest, error)
	// SearchPullRequests finds pull requests of repo, in any state, whose
	// title or body mentions text. Search lags behind: a pull request
	// opened a minute ago may be missing.
	SearchPullRequests(ctx context.Context, repo, text string) ([]PullRequest, error)
	// PullRequest returns one pull request.
	PullRequest(ctx context.Context, repo string, number int) (*PullRequest, error)

	// Fork forks repo into the viewer's account, or returns the fork it
	// already has, once the fork can be used.
	Fork(ctx context.Context, repo string) (*Repo, error)
	// CreateBlob stores a file's contents and returns its SHA.
	CreateBlob(ctx context.Context, repo string, data []byte) (string, error)
	// CreateTree returns the SHA of base with files replaced.
	CreateTree(ctx context.Context, repo, base string, files []TreeFile) (string, error)
	// CreateCommit creates a commit object and returns its SHA.
	CreateCommit(ctx context.Context, repo string, c NewCommit) (string, error)
	// CreateBranch points a new branch at a commit; ErrExists when the
	// branch is already there.
	CreateBranch(ctx context.Context, repo, branch, sha string) error
	// CreatePullRequest opens a pull request on repo; ErrExists when one
	// is already open for that head.
	CreatePullRequest(ctx context.Context, repo string, pr NewPullRequest) (*PullRequest, error)
}

// Account is a forge user.
type Account struct {
	Login string
	ID    int64
	Name  string
	Email string
}

// Repo is a repository as the forge describes it.
type Repo struct {
	// FullName is the canonical "owner/name", after any rename.
	FullName      string
	DefaultBranch string
	Archived      bool
	// ID is the forge's number for the repository; it survives renames.
	ID int64
	// Fork is set for a fork; Parent is then the repository it was
	// forked from and Source the root of its fork network ("" if the
	// forge does not say).
	Fork   bool
	Parent string
	Source string
	// CanPush says whether the token may push branches to it.
	CanPush bool
	HTMLURL string
}

// CommitInfo is what the campaign reads of a commit.
type CommitInfo struct {
	SHA     string
	Tree    string
	Parents []string
	Message string
}

// Tree is the file listing of a commit.
type Tree struct {
	SHA   string
	Files []TreeFile
	// Truncated is set when the forge listed only part of a very large
	// tree.
	Truncated bool
}

// TreeFile is one file of a tree: its path and blob.
type TreeFile struct {
	Path string
	Mode string // "100644", "100755"
	SHA  string
}

// Signature names who made a commit, and when.
type Signature struct {
	Name  string    `json:"name"`
	Email string    `json:"email"`
	When  time.Time `json:"when"`
}

// NewCommit is a commit to create.
type NewCommit struct {
	Message string
	Tree    string
	Parents []string
	// Author is also the committer. With the date fixed, creating the
	// same commit twice gives the same SHA.
	Author Signature
}

// NewPullRequest is a pull request to open.
type NewPullRequest struct {
	Title, Body string
	// Head is "owner:branch"; Base the branch to merge into.
	Head, Base string
	Draft      bool
}

// PullRequest is a pull request as the forge describes it.
type PullRequest struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	URL    string `json:"url"`
	Author string `json:"author"`
	// State is "open" or "closed"; a merged pull request is closed with
	// Merged set.
	State    string     `json:"state"`
	Draft    bool       `json:"draft,omitempty"`
	Merged   bool       `json:"merged,omitempty"`
	MergedAt *time.Time `json:"merged_at,omitempty"`
	// HeadOwner and HeadRef locate the pull request's branch.
	HeadOwner string `json:"head_owner,omitempty"`
	HeadRef   string `json:"head_ref,omitempty"`
	Body      string `json:"-"`
}
