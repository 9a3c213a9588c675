package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	toolInfoURI  = "https://github.com/mfaudit/mfaudit"
	// fingerprintKey names mfaudit's own fingerprint; versioned so that a
	// future change of what it hashes cannot be mistaken for this one.
	fingerprintKey = "mfauditFinding/v1"
)

// sarifRule describes one rule; results refer to it by ID and index.
type sarifRule struct {
	status      Status
	id, name    string
	short, full string
	help        string
	level       string
	severity    string // security-severity, 0.0 to 10.0
	anchor      string // README section
}

// sarifRules lists the rules in a fixed order: ruleIndex values depend on it.
var sarifRules = []sarifRule{
	{
		status: Unprotected, id: "MFA001", name: "UnprotectedGem",
		short: "Gem can be pushed without MFA",
		full: "The latest release of this gem does not set spec.metadata[\"rubygems_mfa_required\"] to a true value, " +
			"and the gem is not popular enough for RubyGems.org to require MFA on its owners' accounts. " +
			"Anyone holding an owner's password or API key can push a new release, which the next `bundle update` installs.",
		help: "Ask the gem's maintainers to add `spec.metadata[\"rubygems_mfa_required\"] = \"true\"` to the gemspec " +
			"and release a new version; from then on every push needs a one-time code. Until then, pin the version, " +
			"review updates, or allowlist the gem with a reason and an expiry date.",
		level: "error", severity: "7.5", anchor: "verdicts",
	},
	{
		status: Unknown, id: "MFA002", name: "UnknownGem",
		short: "Gem's MFA protection could not be determined",
		full: "RubyGems.org has no gem of this name, or the lookup failed after retries. " +
			"A locked gem that RubyGems.org does not know can be registered by anyone under that name; " +
			"a failed lookup leaves the audit incomplete.",
		help: "Read the reason: for a gem RubyGems.org does not have, check which source the Gemfile meant it to come from " +
			"(a private gem should be locked to a private source block); for a failed lookup, run the audit again.",
		level: "warning", severity: "5.5", anchor: "verdicts",
	},
	{
		status: Partial, id: "MFA003", name: "PopularGemWithoutFlag",
		short: "Gem relies on RubyGems.org's popular-gem MFA policy only",
		full: "The latest release does not set rubygems_mfa_required, but the gem has more than 180 million downloads, " +
			"so RubyGems.org requires MFA on its owners' accounts. Depending on the owners' MFA level, " +
			"an API key that was created without MFA may still push without a one-time code.",
		help: "Ask the maintainers to set `spec.metadata[\"rubygems_mfa_required\"] = \"true\"` so that the protection " +
			"no longer depends on download counts and account settings.",
		level: "note", severity: "3.0", anchor: "verdicts",
	},
	{
		status: NotCovered, id: "MFA004", name: "SourceNotCovered",
		short: "Gem comes from a source outside RubyGems.org's MFA policy",
		full: "This spec is installed from a git repository, a local path, a plugin source or a gem server other than " +
			"RubyGems.org. RubyGems.org's MFA policy does not apply to it; its safety depends on that source's access control.",
		help: "Review who can push to the source. For git sources, lock a reviewed revision; for private gem servers, " +
			"require MFA for publishing there.",
		level: "note", severity: "2.0", anchor: "verdicts",
	},
}

func sarifRuleFor(s Status) (int, bool) {
	for i, rule := range sarifRules {
		if rule.status == s {
			return i, true
		}
	}
	return 0, false
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	ColumnKind  string            `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string                `json:"name"`
	Version        string                `json:"version,omitempty"`
	InformationURI string                `json:"informationUri"`
	Rules          []sarifReportingDescr `json:"rules"`
}

type sarifReportingDescr struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifMessage       `json:"shortDescription"`
	FullDescription      sarifMessage       `json:"fullDescription"`
	Help                 sarifMessage       `json:"help"`
	HelpURI              string             `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig    `json:"defaultConfiguration"`
	Properties           sarifRuleProperies `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperies struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	BaselineState       string            `json:"baselineState,omitempty"`
	Suppressions        []sarifSuppress   `json:"suppressions,omitempty"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifSuppress struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// sarifResultProps carries the finding's data for consumers that want
// more than the message; the values are exactly those of the JSON format.
type sarifResultProps struct {
	Gem           string   `json:"gem"`
	Version       string   `json:"version"`
	Platform      string   `json:"platform"`
	Status        Status   `json:"status"`
	Direct        bool     `json:"direct"`
	DependencyOf  []string `json:"path"`
	LatestVersion string   `json:"latest_version,omitempty"`
	MFAFlag       *string  `json:"mfa_flag"`
	Allowlisted   bool     `json:"allowlisted"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// sarifRenderer writes a SARIF 2.1.0 log for GitHub code scanning and other
// SARIF consumers.
//
// The mapping: each status but protected is a rule (MFA001 unprotected,
// MFA002 unknown, MFA003 partial, MFA004 not_covered), and each finding
// that is not protected is one result of its rule, located on the spec's
// line in the lockfile (the path as given on the command line, so relative
// paths stay relative to the repository root). A result is level "error"
// when it fails the gate, "warning" when it is unprotected or unknown but
// allowlisted or the gate is off, and "note" otherwise. Allowlisted results
// carry an accepted external suppression with the allowlist's reason.
//
// partialFingerprints hash the rule, lockfile path, gem name and platform,
// never the line or the version: an alert survives lines moving and version
// bumps, and is closed when the gem becomes protected (its rule changes).
// The hash is given both under mfaudit's own key and as
// primaryLocationLineHash: without the latter, GitHub's upload action would
// hash the lockfile line, which names the version, and a version bump would
// open a duplicate alert.
// Lockfile warnings and expired or stale allowlist entries become tool
// execution notifications.
//
// It streams the log: everything up to the results array in begin, each
// lockfile's results as they come, and the invocation (whose notifications
// gather the lockfiles' warnings) after them.
type sarifRenderer struct {
	results       int
	notifications []sarifNotification
}

func (s *sarifRenderer) begin(w io.Writer, opts RenderOptions) error {
	driver := sarifDriver{Name: "mfaudit", Version: opts.ToolVersion, InformationURI: toolInfoURI}
	for _, rule := range sarifRules {
		driver.Rules = append(driver.Rules, sarifReportingDescr{
			ID:                   rule.id,
			Name:                 rule.name,
			ShortDescription:     sarifMessage{Text: rule.short},
			FullDescription:      sarifMessage{Text: rule.full},
			Help:                 sarifMessage{Text: strings.ReplaceAll(rule.help, "`", ""), Markdown: rule.help},
			HelpURI:              toolInfoURI + "#" + rule.anchor,
			DefaultConfiguration: sarifRuleConfig{Level: rule.level},
			Properties: sarifRuleProperies{
				Tags:             []string{"security", "supply-chain", "mfa"},
				Precision:        "high",
				SecuritySeverity: rule.severity,
			},
		})
	}
	tool, err := indentJSON(sarifTool{Driver: driver}, "      ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "{\n  \"$schema\": %q,\n  \"version\": %q,\n  \"runs\": [\n    {\n      \"tool\": %s,\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [",
		sarifSchema, sarifVersion, tool)
	return err
}

func (s *sarifRenderer) lockfile(w io.Writer, lf *LockfileReport, _ int, _ RenderOptions) error {
	if lf.Error != "" {
		s.notifications = append(s.notifications, sarifNotification{
			Level:     "error",
			Message:   sarifMessage{Text: "lockfile not audited: " + safeText(lf.Error)},
			Locations: []sarifLocation{sarifLocationFor(lf.Path, 0)},
		})
	}
	for _, wn := range lf.Warnings {
		s.notifications = append(s.notifications, sarifNotification{
			Level:     "warning",
			Message:   sarifMessage{Text: safeText(wn.Message)},
			Locations: []sarifLocation{sarifLocationFor(lf.Path, wn.Line)},
		})
	}
	for _, f := range sortedRows(lf) {
		idx, ok := sarifRuleFor(f.Status)
		if !ok {
			// Protected, or a status this version does not know: no alert.
			continue
		}
		rule := sarifRules[idx]
		msg := fmt.Sprintf("%s %s is %s: %s", safeText(f.Name), safeText(versionLabel(f)),
			statusWord(f.Status), safeText(orDash(f.Reason)))
		loc := sarifLocationFor(lf.Path, f.Line)
		if lf.Owner != "" {
			// No lockfile: the gem's page on RubyGems.org.
			loc = sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: (&url.URL{Scheme: "https", Host: "rubygems.org", Path: "/gems/" + f.Name}).String()}}}
		}
		res := sarifResult{
			RuleID:              rule.id,
			RuleIndex:           idx,
			Level:               findingLevel(f),
			Locations:           []sarifLocation{loc},
			PartialFingerprints: sarifFingerprints(rule.id, lf.Path, f),
			BaselineState:       f.BaselineState,
			Properties: sarifResultProps{
				Gem:           f.Name,
				Version:       f.Version,
				Platform:      f.Platform,
				Status:        f.Status,
				Direct:        f.Direct,
				DependencyOf:  nonNil(f.Path),
				LatestVersion: f.LatestVersion,
				MFAFlag:       f.MFAFlag,
				Allowlisted:   f.Allowlisted,
			},
		}
		if f.Allowlisted {
			msg += " (allowlisted)"
			res.Suppressions = []sarifSuppress{{
				Kind:          "external",
				Status:        "accepted",
				Justification: safeText(f.AllowlistReason),
			}}
		}
		res.Message = sarifMessage{Text: msg}
		b, err := indentJSON(res, "        ")
		if err != nil {
			return err
		}
		sep := ",\n        "
		if s.results == 0 {
			sep = "\n        "
		}
		s.results++
		if _, err := fmt.Fprintf(w, "%s%s", sep, b); err != nil {
			return err
		}
	}
	return nil
}

func (s *sarifRenderer) end(w io.Writer, e *ending, _ RenderOptions) error {
	inv := sarifInvocation{ExecutionSuccessful: !e.r.Incomplete, ToolExecutionNotifications: s.notifications}
	for _, n := range allowlistNotes(e.r) {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "warning",
			Message: sarifMessage{Text: fmt.Sprintf("allowlist entry %q %s (reason: %s)",
				safeText(n.gem), n.msg, safeText(n.reason))},
		})
	}
	invs, err := indentJSON([]sarifInvocation{inv}, "      ")
	if err != nil {
		return err
	}
	closing := "\n      ]"
	if s.results == 0 {
		closing = "]"
	}
	props := ""
	if e.r.Registry != nil {
		b, err := indentJSON(map[string]any{"registryData": e.r.Registry}, "      ")
		if err != nil {
			return err
		}
		props = ",\n      \"properties\": " + string(b)
	}
	_, err = fmt.Fprintf(w, "%s,\n      \"invocations\": %s%s\n    }\n  ]\n}\n", closing, invs, props)
	return err
}

// indentJSON encodes v as the JSON renderers do (indented by two spaces,
// HTML left alone, terminal-unsafe runes escaped), for a value that sits
// prefix deep in a document.
func indentJSON(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return escapeJSONUnsafe(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// sarifFingerprint identifies a finding across runs: the rule, the lockfile
// and the gem's name and platform. The line and the version are left out on
// purpose, so that editing the Gemfile or bumping the gem does not open a
// duplicate alert.
func sarifFingerprint(ruleID, lockfilePath string, f *Finding) string {
	h := sha256.New()
	for _, part := range []string{ruleID, cleanSlashPath(lockfilePath), f.Name, f.Platform} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sarifFingerprints is a result's partialFingerprints (see sarifRenderer).
func sarifFingerprints(ruleID, lockfilePath string, f *Finding) map[string]string {
	fp := sarifFingerprint(ruleID, lockfilePath, f)
	return map[string]string{fingerprintKey: fp, "primaryLocationLineHash": fp}
}

// cleanSlashPath writes a path with forward slashes and without "./" or
// doubled separators, so "./Gemfile.lock" and "Gemfile.lock" are one file.
func cleanSlashPath(p string) string {
	return path.Clean(filepath.ToSlash(p))
}

// sarifLocationFor points at a lockfile line; line 0 means the whole file.
func sarifLocationFor(file string, line int) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(file)}}}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line}
	}
	return loc
}

// sarifURI turns a file path into a URI reference: relative paths stay
// relative (code scanning resolves them against the repository root),
// absolute ones become file: URIs.
func sarifURI(file string) string {
	p := cleanSlashPath(file)
	if filepath.IsAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive path
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
