package report

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/mfaudit/mfaudit/registry"
)

// Formats lists the output formats Render accepts, in the order flag help
// shows them. "table" is for terminals, "json" is the mfaudit/v1 contract,
// "sarif" is for code scanning, "markdown" is for PR comments and job
// summaries, and "github" writes GitHub Actions workflow commands.
func Formats() []string {
	return []string{"table", "json", "sarif", "markdown", "github"}
}

// ErrUnknownFormat is returned (wrapped) by Render for a format that is not
// in Formats; the command line treats it as a usage error.
var ErrUnknownFormat = errors.New("unknown format")

// RenderOptions tunes the human-facing formats; the machine formats (json,
// sarif, github) ignore Color and Width.
type RenderOptions struct {
	// Color puts ANSI colour on the table's status column. Set it only when
	// the output is a terminal and NO_COLOR is unset.
	Color bool
	// Width is the terminal width the table should fit, in columns. When it
	// is set, REASON and DIRECT/VIA are shortened with "…", and on narrow
	// terminals FLAG, LATEST and DIRECT/VIA are left out, so that every row
	// stays on one line; 0 means no limit (for pipes and files).
	Width int
	// ToolVersion is mfaudit's version, recorded in SARIF.
	ToolVersion string
	// Top is how many aggregate entries the table and Markdown list
	// (default DefaultTop); JSON always has them all.
	Top int
	// MarkdownLimit is the most characters the Markdown report may have
	// (default DefaultMarkdownLimit, a GitHub comment; negative for no
	// limit). Beyond it the report keeps its summary, the aggregate and
	// the most severe rows, and says how many it left out.
	MarkdownLimit int
}

// renderer writes a report in one format, in three parts, so that a
// Stream can write lockfiles as they come: begin before the first
// lockfile, lockfile for each (n counts them from 0), end with what is
// known once all are written. A format that must show totals first (the
// Markdown) keeps what it needs of each lockfile until end.
type renderer interface {
	begin(w io.Writer, opts RenderOptions) error
	lockfile(w io.Writer, lr *LockfileReport, n int, opts RenderOptions) error
	end(w io.Writer, e *ending, opts RenderOptions) error
}

// ending is what a renderer learns after the last lockfile: the report's
// summary, gate, allowlist states, aggregate and completeness (r has no
// Lockfiles in a stream), and how many lockfiles there were.
type ending struct {
	r         *Report
	lockfiles int
}

func rendererFor(format string) renderer {
	switch format {
	case "table":
		return &tableRenderer{}
	case "json":
		return &jsonRenderer{}
	case "sarif":
		return &sarifRenderer{}
	case "markdown":
		return &markdownRenderer{}
	case "github":
		return &githubRenderer{}
	}
	return nil
}

// Render writes r to w in the given format (one of Formats). The output is
// deterministic: findings are sorted or kept in lockfile order, never in
// map or lookup order. Nothing is written when rendering fails, so a
// failed render never leaves a partial report behind.
func Render(w io.Writer, format string, r *Report, opts RenderOptions) error {
	rd := rendererFor(format)
	if rd == nil {
		return fmt.Errorf("report: format %q: %w (valid formats: %s)",
			format, ErrUnknownFormat, strings.Join(Formats(), ", "))
	}
	if r == nil {
		return fmt.Errorf("report: format %s: no report to render", format)
	}
	var buf bytes.Buffer
	err := rd.begin(&buf, opts)
	for i := 0; err == nil && i < len(r.Lockfiles); i++ {
		err = rd.lockfile(&buf, &r.Lockfiles[i], i, opts)
	}
	if err == nil {
		err = rd.end(&buf, &ending{r: r, lockfiles: len(r.Lockfiles)}, opts)
	}
	if err != nil {
		return fmt.Errorf("report: format %s: %w", format, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("report: write %s output: %w", format, err)
	}
	return nil
}

// sortedRows returns a lockfile's findings sorted by severity, then gem
// name, version, platform and line, so every run prints the same order.
func sortedRows(lr *LockfileReport) []*Finding {
	rows := make([]*Finding, len(lr.Gems))
	for i := range lr.Gems {
		rows[i] = &lr.Gems[i]
	}
	slices.SortFunc(rows, func(a, b *Finding) int {
		return cmp.Or(
			cmp.Compare(a.Status.Severity(), b.Status.Severity()),
			cmp.Compare(a.Name, b.Name),
			compareVersions(a.Version, b.Version),
			cmp.Compare(a.Platform, b.Platform),
			cmp.Compare(a.Line, b.Line),
		)
	})
	return rows
}

// compareVersions orders version strings segment by segment, numerically
// where both segments are numbers ("1.10" after "1.9"), and falls back to
// plain string order otherwise. It only has to be total and stable, not
// RubyGems-exact: it orders rows for reading.
func compareVersions(a, b string) int {
	for ra, rb := a, b; ra != "" && rb != ""; {
		var sa, sb string
		sa, ra, _ = strings.Cut(ra, ".")
		sb, rb, _ = strings.Cut(rb, ".")
		an, aerr := strconv.ParseUint(sa, 10, 64)
		bn, berr := strconv.ParseUint(sb, 10, 64)
		var c int
		if aerr == nil && berr == nil {
			c = cmp.Compare(an, bn)
		} else {
			c = cmp.Compare(sa, sb)
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Or(cmp.Compare(strings.Count(a, "."), strings.Count(b, ".")), cmp.Compare(a, b))
}

// findingLevel is the SARIF level of f, reused by the GitHub annotations:
// "error" when it fails the gate, "warning" for an unprotected or unknown
// gem that does not (allowlisted, or the gate is off), "note" otherwise.
func findingLevel(f *Finding) string {
	switch {
	case f.FailsGate:
		return "error"
	case f.Status == Unprotected || f.Status == Unknown:
		return "warning"
	}
	return "note"
}

// statusWord is a status as prose ("not covered").
func statusWord(s Status) string {
	return strings.ReplaceAll(string(s), "_", " ")
}

// summaryLine reads "12 gems: 2 unprotected, 1 unknown, 0 partial,
// 1 not covered, 8 protected (1 allowlisted)". Every status is named, even
// at zero, so scripts and eyes find the same words every time.
func summaryLine(t Summary) string {
	var b strings.Builder
	b.WriteString(plural(t.Total(), "gem", "gems"))
	b.WriteString(": ")
	for i, s := range Statuses() {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", t.Count(s), statusWord(s))
	}
	var notes []string
	if t.Allowlisted > 0 {
		notes = append(notes, fmt.Sprintf("%d allowlisted", t.Allowlisted))
	}
	if t.Known > 0 {
		notes = append(notes, fmt.Sprintf("%d known from the baseline", t.Known))
	}
	if len(notes) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(notes, ", "))
	}
	return b.String()
}

// registryLine says where the answers came from, when not from the live
// registry: "registry data from 2026-12-01 (mirror of https://rubygems.org
// in file:///srv/mirror)", "registry data: PostgreSQL dump
// postgres://me@db/rubygems, newest version 2026-11-30".
func registryLine(d *RegistryData) string {
	if d == nil {
		return ""
	}
	if d.Kind == "postgresql" {
		when := "no version in it"
		if d.Newest != nil {
			when = "newest version " + d.Newest.UTC().Format("2006-01-02")
		}
		return fmt.Sprintf("registry data: PostgreSQL dump %s, %s", safeText(d.Database), when)
	}
	when := "a mirror"
	if d.Taken != nil {
		when = d.Taken.UTC().Format("2006-01-02")
	}
	return fmt.Sprintf("registry data from %s (mirror of %s in %s)", when, safeText(d.Source), safeText(d.Mirror))
}

// gateOutcome says whether the gate fails, as a word ("off", "passed" or
// "failed") and a detail in prose.
func gateOutcome(t Summary, g Gate) (word, detail string) {
	if len(g.FailOn) == 0 {
		return "off", "fail-on none"
	}
	words := make([]string, len(g.FailOn))
	for i, s := range g.FailOn {
		words[i] = statusWord(s)
	}
	since := ""
	if g.Baseline != "" {
		since = " since " + g.Baseline
	}
	if t.Failing == 0 && !g.Failed {
		if since != "" {
			return "passed", "fails on new " + strings.Join(words, ", ") + since
		}
		return "passed", "fails on " + strings.Join(words, ", ")
	}
	verb := "are"
	if t.Failing == 1 {
		verb = "is"
	}
	if since != "" {
		return "failed", fmt.Sprintf("%s %s new%s, %s and not allowlisted",
			plural(t.Failing, "finding", "findings"), verb, since, strings.Join(words, " or "))
	}
	return "failed", fmt.Sprintf("%s %s %s and not allowlisted",
		plural(t.Failing, "finding", "findings"), verb, strings.Join(words, " or "))
}

// gateLine is the gate's outcome as one line of text.
func gateLine(t Summary, g Gate) string {
	word, detail := gateOutcome(t, g)
	if word == "failed" {
		return "gate: failed: " + detail
	}
	return "gate: " + word + " (" + detail + ")"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// safeText makes untrusted text safe to print: control characters and
// bidirectional overrides are shown escaped instead of obeyed, so a
// reason or metadata value can neither move the cursor nor start a line.
func safeText(s string) string {
	return registry.Sanitize(s)
}

// versionLabel is the version as Bundler writes it in a lockfile, with the
// platform suffix for platform-specific builds ("1.15.4-x86_64-linux").
func versionLabel(f *Finding) string {
	if f.Platform == "" || f.Platform == "ruby" {
		return f.Version
	}
	return f.Version + "-" + f.Platform
}

// dependencyLabel says how the gem gets into the bundle: "direct", or
// "via" the direct dependency that pulls it in and, for deeper chains, its
// immediate parent ("via rails > … > actionpack").
func dependencyLabel(f *Finding) string {
	if f.Direct {
		return "direct"
	}
	via := f.Path
	if n := len(via); n > 0 && via[n-1] == f.Name {
		via = via[:n-1]
	}
	switch len(via) {
	case 0:
		return "-"
	case 1:
		return "via " + via[0]
	case 2:
		return "via " + via[0] + " > " + via[1]
	}
	return "via " + via[0] + " > … > " + via[len(via)-1]
}

// flagLabel shows the raw rubygems_mfa_required value in quotes, or "-"
// when the latest release does not carry the key.
func flagLabel(f *Finding) string {
	if f.MFAFlag == nil {
		return "-"
	}
	return `"` + *f.MFAFlag + `"`
}

// orDash stands in "-" for an empty cell.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// expiryLabel formats an allowlist expiry as a date.
func expiryLabel(e AllowlistEntryState) string {
	if e.Expires == nil {
		return ""
	}
	return e.Expires.UTC().Format("2006-01-02")
}

// allowlistNotes describes the allowlist entries a reader must act on:
// expired ones (they no longer allow anything) and stale ones (they match
// no locked gem and can be removed), sorted by state then gem.
func allowlistNotes(r *Report) []allowlistNote {
	if r == nil {
		return nil
	}
	var notes []allowlistNote
	for _, e := range r.Allowlist {
		var msg string
		switch e.State {
		case "expired":
			msg = fmt.Sprintf("expired on %s and no longer allows the gem", orDash(expiryLabel(e)))
		case "stale":
			msg = "matches no finding that needs it; remove it"
		default:
			continue
		}
		notes = append(notes, allowlistNote{state: e.State, gem: e.Gem, msg: msg, reason: e.Reason})
	}
	slices.SortStableFunc(notes, func(a, b allowlistNote) int {
		return cmp.Or(cmp.Compare(a.state, b.state), cmp.Compare(a.gem, b.gem))
	})
	return notes
}

type allowlistNote struct {
	state, gem, msg, reason string
}

// jsonUnsafe reports runes that encoding/json leaves raw but a terminal
// may obey: C1 controls and bidirectional overrides.
func jsonUnsafe(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) ||
		(r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}

// escapeJSONUnsafe rewrites the runes jsonUnsafe names as \uXXXX escapes.
// They can only occur inside JSON strings, so the document means the same
// but can be shown on a terminal without being obeyed.
func escapeJSONUnsafe(b []byte) []byte {
	if !bytes.ContainsFunc(b, jsonUnsafe) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for _, r := range string(b) {
		if jsonUnsafe(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		out = append(out, string(r)...)
	}
	return out
}
