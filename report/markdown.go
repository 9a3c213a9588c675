package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// markdownRenderer writes GitHub-flavoured Markdown for pull request
// comments and $GITHUB_STEP_SUMMARY: the gate's outcome, the summary line,
// then per lockfile a table of the findings that are not protected (the
// protected ones are counted, not listed, to keep comments short), the
// lockfile's warnings and the allowlist entries that need attention.
//
// All text that comes from a lockfile or a registry is escaped: Markdown
// and HTML metacharacters lose their meaning, "|" cannot end a table cell,
// and "@" and "#" cannot mention a user or reference an issue.
type markdownRenderer struct {
	sections []mdSection
	rows     []mdRow
	dropped  int // rows let go early, beyond what the limit could show
}

// DefaultMarkdownLimit is the most characters a Markdown report has unless
// told otherwise: what a GitHub pull request comment holds. (A job
// summary holds 1 MiB.)
const DefaultMarkdownLimit = 65536

// mdSection is what the Markdown keeps of one lockfile until the end: the
// findings it lists (those not protected) and what it counts.
type mdSection struct {
	path      string
	owner     string
	err       string
	total     int
	listed    int // findings not protected
	warnings  []Warning
	protected int
}

// mdRow is a listed finding, with its lockfile and its place in it.
type mdRow struct {
	f   Finding
	sec int
	seq int
}

// lessSevere orders rows most severe first: by status, then failing the
// gate first, then in the order they came.
func lessSevere(a, b *mdRow) bool {
	if sa, sb := a.f.Status.Severity(), b.f.Status.Severity(); sa != sb {
		return sa < sb
	}
	if a.f.FailsGate != b.f.FailsGate {
		return a.f.FailsGate
	}
	return a.seq < b.seq
}

func (m *markdownRenderer) begin(io.Writer, RenderOptions) error { return nil }

func (m *markdownRenderer) lockfile(_ io.Writer, lf *LockfileReport, _ int, opts RenderOptions) error {
	sec := mdSection{path: lf.Path, owner: lf.Owner, err: lf.Error, total: len(lf.Gems), warnings: lf.Warnings}
	for _, f := range sortedRows(lf) {
		if f.Status == Protected {
			sec.protected++
			continue
		}
		sec.listed++
		m.rows = append(m.rows, mdRow{f: *f, sec: len(m.sections), seq: len(m.rows) + m.dropped})
	}
	m.sections = append(m.sections, sec)
	// No row can be shown in fewer than about 60 characters: beyond what
	// the limit holds, keep only the most severe rows, so that a fleet's
	// Markdown does not hold every finding.
	if limit := markdownLimit(opts); limit > 0 {
		if keep := limit/60 + 1; len(m.rows) > 2*keep {
			slices.SortStableFunc(m.rows, func(a, b mdRow) int {
				if lessSevere(&a, &b) {
					return -1
				}
				if lessSevere(&b, &a) {
					return 1
				}
				return 0
			})
			m.dropped += len(m.rows) - keep
			m.rows = m.rows[:keep]
		}
	}
	return nil
}

func markdownLimit(opts RenderOptions) int {
	switch {
	case opts.MarkdownLimit < 0:
		return 0
	case opts.MarkdownLimit == 0:
		return DefaultMarkdownLimit
	}
	return opts.MarkdownLimit
}

func (m *markdownRenderer) end(w io.Writer, e *ending, opts RenderOptions) error {
	// Rows most severe first: a report cut to the limit keeps a prefix.
	order := make([]*mdRow, len(m.rows))
	for i := range m.rows {
		order[i] = &m.rows[i]
	}
	slices.SortStableFunc(order, func(a, b *mdRow) int {
		if lessSevere(a, b) {
			return -1
		}
		if lessSevere(b, a) {
			return 1
		}
		return 0
	})
	render := func(keep, top int) []byte {
		var b bytes.Buffer
		m.write(&b, e, opts, order[:keep], m.dropped+len(order)-keep, top)
		return b.Bytes()
	}
	shown, _ := topAggregate(e.r, opts)
	top := len(shown)
	out := render(len(order), top)
	limit := markdownLimit(opts)
	if limit > 0 && (utf8.RuneCount(out) > limit || m.dropped > 0) {
		// The most rows that fit.
		lo, hi := 0, len(order)
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if utf8.RuneCount(render(mid, top)) <= limit {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		out = render(lo, top)
		for top > 0 && utf8.RuneCount(out) > limit {
			top /= 2
			out = render(0, top)
		}
	}
	_, err := w.Write(out)
	return err
}

// write renders the report with the given rows; left counts the findings
// left out to fit, top the aggregate entries shown.
func (m *markdownRenderer) write(w io.Writer, e *ending, opts RenderOptions, rows []*mdRow, left, top int) {
	r := e.r
	t := r.Summary
	fmt.Fprintln(w, "## mfaudit")
	fmt.Fprintln(w)
	switch word, detail := gateOutcome(t, r.Gate); word {
	case "failed":
		fmt.Fprintf(w, "**Gate failed:** %s.\n", detail)
	default:
		fmt.Fprintf(w, "**Gate %s** (%s).\n", word, detail)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, summaryLine(t))
	if line := registryLine(r.Registry); line != "" {
		fmt.Fprintln(w)
		fmt.Fprintln(w, mdText(line)+".")
	}
	if left > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "**%s not listed** to fit the %s-character limit (the least severe ones); `--format json` has them all.\n",
			plural(left, "finding is", "findings are"), thousands(int64(markdownLimit(opts))))
	}
	bySec := make([][]*mdRow, len(m.sections))
	for _, rw := range rows {
		bySec[rw.sec] = append(bySec[rw.sec], rw)
	}
	for i := range m.sections {
		sec := &m.sections[i]
		kept := bySec[i]
		slices.SortFunc(kept, func(a, b *mdRow) int { return a.seq - b.seq })
		fmt.Fprintln(w)
		if sec.err != "" {
			fmt.Fprintf(w, "### %s: not audited\n\n%s\n", mdCode(sec.path), mdText(sec.err))
			continue
		}
		if sec.owner != "" {
			fmt.Fprintf(w, "### Owner %s (%s)\n", mdCode(sec.owner), plural(sec.total, "gem", "gems"))
		} else {
			fmt.Fprintf(w, "### %s (%s)\n", mdCode(sec.path), plural(sec.total, "gem", "gems"))
		}
		fmt.Fprintln(w)
		for j, rw := range kept {
			if j == 0 {
				fmt.Fprintln(w, "| Status | Gem | Version | Latest | Flag | Dependency | Reason |")
				fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- |")
			}
			writeMarkdownRow(w, &rw.f, r.Gate)
		}
		switch {
		case sec.total == 0:
			fmt.Fprintln(w, "No locked gems.")
		case sec.listed == 0:
			fmt.Fprintf(w, "All %s protected.\n", plural(sec.protected, "gem is", "gems are"))
		default:
			var notes []string
			if n := sec.listed - len(kept); n > 0 {
				notes = append(notes, plural(n, "less severe finding", "less severe findings"))
			}
			if sec.protected > 0 {
				notes = append(notes, plural(sec.protected, "protected gem", "protected gems"))
			}
			if len(notes) > 0 {
				if len(kept) > 0 {
					fmt.Fprintln(w)
				}
				fmt.Fprintf(w, "%s not listed.\n", strings.Join(notes, " and "))
			}
		}
		if len(sec.warnings) > 0 {
			fmt.Fprintln(w)
			fmt.Fprintln(w, "Warnings:")
			fmt.Fprintln(w)
			for _, wn := range sec.warnings {
				fmt.Fprintf(w, "- %s: %s\n", mdCode(location(sec.path, wn.Line)), mdText(wn.Message))
			}
		}
	}

	if len(r.Aggregate) > 0 && top > 0 {
		writeAggregateMarkdown(w, e, opts, top)
	}
	if notes := allowlistNotes(r); len(notes) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "### Allowlist")
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintf(w, "- %s: %s (reason: %s)\n", mdCode(n.gem), n.msg, mdText(n.reason))
		}
	}
}

// writeAggregateMarkdown writes the blast-radius ranking.
func writeAggregateMarkdown(w io.Writer, e *ending, opts RenderOptions, top int) {
	shown, _ := topAggregate(e.r, opts)
	shown = shown[:min(top, len(shown))]
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### "+aggregateHeading(e, shown))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Rank | Gem | Status | Lockfiles | Direct via | Downloads |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	for i, e := range shown {
		lfs := make([]string, len(e.Lockfiles))
		for j, l := range e.Lockfiles {
			lfs[j] = mdCode(l)
		}
		via := make([]string, len(e.DirectVia))
		for j, v := range e.DirectVia {
			via[j] = mdCode(v)
		}
		fmt.Fprintf(w, "| %d | %s | %s | %d: %s | %d: %s | %s |\n", i+1, mdCode(e.Name), e.Status,
			len(lfs), listShort(lfs, 5), len(via), listShort(via, 5), thousands(e.Downloads))
	}
}

func writeMarkdownRow(w io.Writer, f *Finding, g Gate) {
	status := string(f.Status)
	switch {
	case f.FailsGate:
		status = "**" + status + "**"
	case f.Allowlisted:
		status += " (allowlisted)"
	case f.BaselineState == BaselineUnchanged:
		status += " (known)"
	}
	reason := mdText(orDash(f.Reason))
	if f.Allowlisted && f.AllowlistReason != "" {
		reason += " (allowlisted: " + mdText(f.AllowlistReason) + ")"
	}
	flag := "-"
	if f.MFAFlag != nil {
		flag = mdCode(flagLabel(f))
	}
	latest := "-"
	if f.LatestVersion != "" {
		latest = mdCode(f.LatestVersion)
	}
	fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n",
		status, mdCode(f.Name), mdCode(versionLabel(f)), latest, flag,
		mdText(dependencyLabel(f)), reason)
}

// mdText escapes untrusted text for Markdown. ASCII punctuation that can
// start emphasis, code, links, HTML, math, strikethrough or a table cell is
// backslash-escaped, and a word joiner (U+2060) after "@" and "#" stops
// GitHub from turning the text into a mention or an issue reference.
func mdText(s string) string {
	s = safeText(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '&', '|', '~', '$', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@', '#':
			b.WriteRune(r)
			b.WriteRune('\u2060')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode puts untrusted text in a code span, where Markdown, HTML,
// mentions and references are inert. The fence is longer than any run of
// backticks inside, and "|" is escaped because GitHub splits table cells
// before it parses code spans. A backslash is literal in a code span but
// not to the cell splitter ("\\|" ends a cell), so text with one is
// escaped as plain text instead.
func mdCode(s string) string {
	s = safeText(s)
	if s == "" {
		return "-"
	}
	if strings.Contains(s, `\`) {
		return mdText(s)
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
