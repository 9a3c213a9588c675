package campaign

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mfaudit/mfaudit/report/atomicfile"
)

// StateSchema names the state file's format.
const StateSchema = "mfaudit-campaign/v1"

// State is the campaign's journal: per repository, every step taken and
// what it produced, written atomically after each one so that nothing is
// lost to a crash. It is a record and a hint; the forge is always asked
// again before anything is written. It never holds a token.
type State struct {
	Schema string `json:"schema"`
	// Repos is keyed by forge host and lower-case repository name.
	Repos map[string]*RepoState `json:"repositories"`

	path   string
	unlock func()
	now    func() time.Time
}

// RepoState is what the campaign did to one repository.
type RepoState struct {
	Forge string `json:"forge"`
	Repo  string `json:"repository"`
	// ID is the forge's number for the repository, which survives renames.
	ID int64 `json:"id,omitempty"`
	// Gems are the targeted gems found in the repository; PRGems those
	// the campaign's pull request covers.
	Gems   []string `json:"gems"`
	PRGems []string `json:"pull_request_gems,omitempty"`
	Files  []string `json:"files,omitempty"`
	// Branch is the campaign's branch; HeadRepo the repository it is in.
	Branch   string `json:"branch,omitempty"`
	HeadRepo string `json:"head_repository,omitempty"`
	Base     *Base  `json:"base,omitempty"`
	// Blobs maps each edited path to its blob; Tree and Commit are the
	// objects built from them and the base, which Inputs names.
	Blobs  map[string]string `json:"blobs,omitempty"`
	Inputs string            `json:"inputs,omitempty"`
	Tree   string            `json:"tree,omitempty"`
	// Author is chosen, with its date, before the commit is created, so
	// that creating it again after a crash gives the same commit.
	Author *Signature `json:"author,omitempty"`
	Commit string     `json:"commit,omitempty"`
	// PullRequest is the campaign's pull request, as last seen.
	PullRequest *PullRequest `json:"pull_request,omitempty"`
	// Outcome and Reason are the last run's verdict.
	Outcome Outcome   `json:"outcome"`
	Reason  string    `json:"reason,omitempty"`
	Steps   []Step    `json:"steps,omitempty"`
	Updated time.Time `json:"updated"`
}

// Step is one write, journalled before it is made ("started") and after
// ("done", or "failed" with the error).
type Step struct {
	Name   string    `json:"step"`
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail,omitempty"`
}

// DefaultStatePath returns where the state file lives unless told
// otherwise: mfaudit/campaign.json under $XDG_STATE_HOME, else
// ~/.local/state.
func DefaultStatePath() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mfaudit", "campaign.json"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("campaign: no state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "mfaudit", "campaign.json"), nil
}

// ErrStateBusy is returned by OpenState when another run holds the state
// file.
var ErrStateBusy = errors.New("another mfaudit campaign is using this state file")

// OpenState reads the state file at path (an absent file is an empty
// state) and, when lock is set, holds it against other runs until Close.
// A file that is not a campaign state is an error, never overwritten.
func OpenState(path string, lock bool) (*State, error) {
	st := &State{Schema: StateSchema, Repos: map[string]*RepoState{}, path: path, now: time.Now}
	if lock {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("campaign: state %s: %w", path, err)
		}
		unlock, err := lockFile(path + ".lock")
		if err != nil {
			return nil, fmt.Errorf("campaign: state %s: %w", path, err)
		}
		st.unlock = unlock
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("campaign: state %s: %w", path, err)
	}
	if len(bytes.TrimSpace(data)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var loaded State
		if err := dec.Decode(&loaded); err != nil {
			st.Close()
			return nil, fmt.Errorf("campaign: state %s is not a campaign state file (%v); move it away or pass another --state", path, err)
		}
		if loaded.Schema != StateSchema {
			st.Close()
			return nil, fmt.Errorf("campaign: state %s has schema %q, want %q", path, loaded.Schema, StateSchema)
		}
		for k, rs := range loaded.Repos {
			if rs == nil {
				st.Close()
				return nil, fmt.Errorf("campaign: state %s: entry %q is empty; the file was edited or damaged (move it away to start afresh)", path, k)
			}
			st.Repos[k] = rs
		}
	}
	return st, nil
}

// Path returns the state file's path.
func (st *State) Path() string { return st.path }

// Close releases the lock.
func (st *State) Close() {
	if st.unlock != nil {
		st.unlock()
		st.unlock = nil
	}
}

// Save writes the state atomically.
func (st *State) Save() error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("campaign: state: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(st.path), 0o700); err != nil {
		return fmt.Errorf("campaign: state %s: %w", st.path, err)
	}
	if err := atomicfile.Replace(st.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("campaign: writing state %s: %w", st.path, err)
	}
	return nil
}

// Sorted returns the repositories in key order.
func (st *State) Sorted() []*RepoState {
	keys := make([]string, 0, len(st.Repos))
	for k := range st.Repos {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*RepoState, len(keys))
	for i, k := range keys {
		out[i] = st.Repos[k]
	}
	return out
}

// repoKey names a repository in the state: forge host and lower-case name.
func repoKey(forge, fullName string) string {
	return strings.ToLower(forge + "/" + fullName)
}

// step journals a step of rs and saves the state.
func (st *State) step(rs *RepoState, name, status, detail string) error {
	now := st.now().UTC()
	rs.Steps = append(rs.Steps, Step{Name: name, Status: status, At: now, Detail: detail})
	rs.Updated = now
	return st.Save()
}
