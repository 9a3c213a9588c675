// Package report turns a parsed lockfile and registry answers into verdicts,
// applies the allowlist and the CI gate, and renders the result as a table,
// JSON, SARIF, Markdown or GitHub Actions annotations.
//
// The JSON form of Report is the stable "mfaudit/v1" contract: fields may be
// added, never renamed or removed.
package report

import "time"

// Schema names the JSON contract.
const Schema = "mfaudit/v1"

// Status is the verdict on one locked spec.
type Status string

// The verdicts, from most to least severe.
const (
	// Unprotected: the latest release does not set the MFA flag and the gem
	// is under no other MFA policy; a stolen password or API key can push.
	Unprotected Status = "unprotected"
	// Unknown: the registry has no such gem, or the lookup failed.
	Unknown Status = "unknown"
	// Partial: no flag, but the gem is over RubyGems.org's popular-gem
	// download threshold, so its owners must use MFA on their accounts.
	Partial Status = "partial"
	// NotCovered: the spec comes from a GIT, PATH or plugin source, or a GEM
	// remote other than RubyGems.org, where RubyGems.org's policy does not apply.
	NotCovered Status = "not_covered"
	// Protected: the latest release sets the flag.
	Protected Status = "protected"
)

// Statuses lists every Status, most severe first.
func Statuses() []Status {
	return []Status{Unprotected, Unknown, Partial, NotCovered, Protected}
}

// Severity orders statuses: a lower number is more severe.
func (s Status) Severity() int {
	for i, t := range Statuses() {
		if s == t {
			return i
		}
	}
	return len(Statuses())
}

// Source is where the lockfile says a spec comes from. Remote is redacted:
// credentials in a remote URL never reach a report.
type Source struct {
	Type   string `json:"type"` // rubygems, git, path or plugin
	Remote string `json:"remote"`
	// Revision is the git revision, for git sources.
	Revision string `json:"revision,omitempty"`
}

// Finding is the verdict on one locked spec.
type Finding struct {
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Platform string   `json:"platform"`
	Source   Source   `json:"source"`
	Line     int      `json:"line"`
	Direct   bool     `json:"direct"`
	Path     []string `json:"path"`

	Status Status `json:"status"`
	Reason string `json:"reason"`

	// LatestVersion is the release the verdict is judged by ("" when none).
	LatestVersion string `json:"latest_version"`
	// MFAFlag is the latest release's raw rubygems_mfa_required value; nil
	// when the key is absent.
	MFAFlag *string `json:"mfa_flag"`
	// LockedVersionMFA says whether the locked build itself sets a truthy
	// flag; nil when the registry does not list it (yanked) or was not asked.
	LockedVersionMFA *bool `json:"locked_version_mfa"`
	// Downloads is the total (or a proven lower bound, see DownloadsExact).
	Downloads      int64 `json:"downloads"`
	DownloadsExact bool  `json:"downloads_exact"`
	// SourceCodeURI is the gem's source repository, when the registry names one.
	SourceCodeURI *string `json:"source_code_uri"`

	// Allowlisted is true when an unexpired allowlist entry covers the gem;
	// it then does not fail the gate.
	Allowlisted     bool   `json:"allowlisted"`
	AllowlistReason string `json:"allowlist_reason,omitempty"`
	// BaselineState is "new" or "unchanged" against the baseline given
	// (--baseline, --diff-base); "" without one, and for protected gems.
	BaselineState string `json:"baseline_state,omitempty"`
	// FailsGate is true when the finding's status is one the gate fails on
	// and it is neither allowlisted nor unchanged from the baseline.
	FailsGate bool `json:"fails_gate"`
	// LookupError says why the registry lookup failed after its retries;
	// such a finding is unknown and the audit is incomplete.
	LookupError string `json:"lookup_error,omitempty"`

	// via are the direct dependencies that pull an exposed gem in, as
	// Evaluate found them (for Aggregate).
	via []string
}

// Warning is something a reader should know that is not a verdict, such as
// a lockfile line Bundler silently ignores.
type Warning struct {
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// LockfileReport holds the findings for one lockfile, in lockfile order.
type LockfileReport struct {
	Path string `json:"path"`
	// Owner is set for the gems of a RubyGems.org user (mfaudit owner):
	// the handle, with Path its profile page. Its findings have no line;
	// each gem is judged at its latest release.
	Owner string `json:"owner,omitempty"`
	// Error says why the lockfile could not be read ("path:line: message");
	// it then has no findings, and the report is incomplete.
	Error    string    `json:"error,omitempty"`
	Gems     []Finding `json:"gems"`
	Warnings []Warning `json:"warnings,omitempty"`

	// omitted holds the names of the locked gems left out of Gems (by
	// --only direct), so the allowlist does not call their entries stale.
	omitted map[string]bool
}

// Summary counts findings per status.
type Summary struct {
	Protected   int `json:"protected"`
	Partial     int `json:"partial"`
	Unprotected int `json:"unprotected"`
	NotCovered  int `json:"not_covered"`
	Unknown     int `json:"unknown"`
	// Allowlisted and Failing count findings covered by the allowlist and
	// findings that fail the gate; Known those that would fail it but are
	// unchanged from the baseline.
	Allowlisted int `json:"allowlisted"`
	Failing     int `json:"failing"`
	Known       int `json:"known,omitempty"`
}

// AllowlistEntryState reports how one allowlist entry was used.
type AllowlistEntryState struct {
	Gem     string     `json:"gem"`
	Reason  string     `json:"reason"`
	Expires *time.Time `json:"expires,omitempty"`
	// State is "active", "expired" (no longer allows) or "stale" (matched nothing).
	State string `json:"state"`
	// Version, when set, limits the entry to that locked version.
	Version string `json:"version,omitempty"`
	// File and Line locate the entry in its allowlist file.
	File string `json:"file"`
	Line int    `json:"line"`
	// Matches counts the findings the entry allowlisted.
	Matches int `json:"matches"`
}

// Report is the whole audit.
type Report struct {
	Schema    string                `json:"schema"`
	Lockfiles []LockfileReport      `json:"lockfiles"`
	Summary   Summary               `json:"summary"`
	Allowlist []AllowlistEntryState `json:"allowlist,omitempty"`
	// Gate lists the statuses that fail the gate, and Failed whether any
	// finding that is not allowlisted has one of them.
	Gate Gate `json:"gate"`
	// Incomplete is true when some registry lookup failed after its retries:
	// the report cannot be trusted to be complete.
	Incomplete bool `json:"incomplete"`
	// Registry says where the registry's answers came from, when that is
	// not the live registry (a mirror, a database), and how old they are.
	Registry *RegistryData `json:"registry,omitempty"`
	// Aggregate ranks the exposed gems across the lockfiles, when there
	// are several (see Aggregate).
	Aggregate []AggregateEntry `json:"aggregate,omitempty"`
	// Census counts the whole registry (mfaudit census); its one section
	// lists the top unprotected gems.
	Census *Census `json:"census,omitempty"`
}

// RegistryData describes answers that did not come from the live registry.
type RegistryData struct {
	// Kind is "mirror" (a directory mfaudit mirror wrote) or "postgresql"
	// (a database loaded with RubyGems.org's public dump).
	Kind string `json:"kind"`
	// Mirror is the file:// directory the answers were read from;
	// Database the postgres:// database (without credentials); Source
	// the registry either copies.
	Mirror   string `json:"mirror,omitempty"`
	Database string `json:"database,omitempty"`
	Source   string `json:"source"`
	// Taken is when the oldest document a mirror served was taken.
	Taken *time.Time `json:"taken,omitempty"`
	// Newest is when the newest version in the database was pushed: the
	// dump is at least that recent.
	Newest *time.Time `json:"newest_version,omitempty"`
}

// Gate is the CI gate's configuration and outcome.
type Gate struct {
	FailOn []Status `json:"fail_on"`
	Failed bool     `json:"failed"`
	// Baseline names what the gate compares with (--baseline FILE,
	// --diff-base REF): then only new findings fail it.
	Baseline string `json:"baseline,omitempty"`
}
