package campaign

// Outcome is what the campaign does, or did, for a gem or a repository.
type Outcome string

// What a run will do.
const (
	// OutcomeOpen: a pull request will be opened with the edit shown.
	OutcomeOpen Outcome = "open-pr"
	// OutcomeResume: an earlier run pushed the branch; the pull request
	// will be opened from it.
	OutcomeResume Outcome = "resume"
)

// What a run did (campaign run --apply).
const (
	// OutcomeOpened: the pull request was opened by this run.
	OutcomeOpened Outcome = "opened"
	// OutcomeFailed: a step failed; a re-run carries on from there.
	OutcomeFailed Outcome = "failed"
	// OutcomeHeld: not attempted, because --max-prs was reached.
	OutcomeHeld Outcome = "held"
)

// Why nothing is done. None of them is an error.
const (
	// OutcomeProtected: the gem's latest release already sets the flag.
	OutcomeProtected Outcome = "protected"
	// OutcomeNotOnRubyGems: RubyGems.org has no such gem.
	OutcomeNotOnRubyGems Outcome = "not-on-rubygems"
	// OutcomeNoRepository: no link of the gem names a repository.
	OutcomeNoRepository Outcome = "no-repository"
	// OutcomeUnsupportedForge: the repository is not on GitHub.
	OutcomeUnsupportedForge Outcome = "unsupported-forge"
	// OutcomeRepoNotFound: the linked repository does not exist.
	OutcomeRepoNotFound Outcome = "repo-not-found"
	// OutcomeArchived: the repository is archived (read-only).
	OutcomeArchived Outcome = "archived"
	// OutcomeNoGemspec: no gemspec in the repository names the gem.
	OutcomeNoGemspec Outcome = "no-gemspec"
	// OutcomeFixedUpstream: the default branch already sets the flag;
	// the next release will carry it.
	OutcomeFixedUpstream Outcome = "fixed-upstream"
	// OutcomeOptedOut: the gemspec sets the flag to false on purpose.
	OutcomeOptedOut Outcome = "opted-out"
	// OutcomeComputed: the metadata comes from code mfaudit does not
	// follow.
	OutcomeComputed Outcome = "computed"
	// OutcomeInvalid: the metadata is invalid as written (Symbol keys).
	OutcomeInvalid Outcome = "invalid"
	// OutcomeGenerated: the gemspec is generated; its source must change.
	OutcomeGenerated Outcome = "generated"
	// OutcomeNotPublished: the gemspec is not one mfaudit edits (it
	// pushes elsewhere, or only evaluates another file).
	OutcomeNotPublished Outcome = "not-edited"
	// OutcomePROpen: a pull request about the flag is open (ours or
	// someone else's).
	OutcomePROpen Outcome = "pr-open"
	// OutcomePRMerged: a pull request about the flag was merged.
	OutcomePRMerged Outcome = "pr-merged"
	// OutcomeDeclined: a pull request about the flag was closed without
	// being merged; mfaudit never opens another.
	OutcomeDeclined Outcome = "declined"
	// OutcomeBranchConflict: the campaign's branch exists but does not
	// hold the edit; mfaudit never overwrites a branch.
	OutcomeBranchConflict Outcome = "branch-conflict"
	// OutcomeError: something could not be read; the run exits 1.
	OutcomeError Outcome = "error"
)

// OutcomeSkipMixed sums up a repository whose gems are skipped for
// different reasons.
const OutcomeSkipMixed Outcome = "skipped"

// rank orders outcomes for display: what will happen first, errors last.
func (o Outcome) rank() int {
	switch o {
	case OutcomeOpened, OutcomeOpen:
		return 0
	case OutcomeResume:
		return 1
	case OutcomeHeld:
		return 2
	case OutcomeFailed, OutcomeError:
		return 4
	}
	return 3
}

// Failed reports whether the outcome makes the run exit 1.
func (o Outcome) Failed() bool { return o == OutcomeError || o == OutcomeFailed }
