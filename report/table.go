package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	twrenderer "github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// tableRenderer prints one aligned, borderless table per lockfile, most
// severe findings first, one line per finding so that hundreds of gems stay
// scannable and grep-able; then the lockfile's warnings, the allowlist
// entries that need attention, a summary line and the gate's outcome.
type tableRenderer struct{}

var tableHeader = []string{"STATUS", "GEM", "VERSION", "LATEST", "FLAG", "DIRECT/VIA", "REASON"}

// Column indexes, and how the table fits opts.Width: first REASON, then
// DIRECT/VIA are shortened down to a minimum; if that is not enough, FLAG,
// LATEST and then DIRECT/VIA are left out, the shortening starts over, and
// at last REASON may shrink further. The status, name and version are never
// cut: a row without them is useless, and a line that wraps is better than
// a wrong gem name.
const (
	colStatus = iota
	colGem
	colVersion
	colLatest
	colFlag
	colVia
	colReason

	minReasonWidth  = 24
	lastReasonWidth = 10
	minViaWidth     = 12
	columnGap       = 2
)

// statusColor is the SGR colour of each status on a terminal.
var statusColor = map[Status]string{
	Unprotected: "1;31", // bold red
	Unknown:     "35",   // magenta
	Partial:     "33",   // yellow
	NotCovered:  "36",   // cyan
	Protected:   "32",   // green
}

func (*tableRenderer) begin(io.Writer, RenderOptions) error { return nil }

func (*tableRenderer) lockfile(w io.Writer, lf *LockfileReport, n int, opts RenderOptions) error {
	if n > 0 {
		fmt.Fprintln(w)
	}
	if lf.Error != "" {
		fmt.Fprintf(w, "%s: not audited: %s\n", safeText(lf.Path), safeText(lf.Error))
		return nil
	}
	rows := sortedRows(lf)
	if lf.Owner != "" {
		fmt.Fprintf(w, "owner %s: %s (%s)\n", safeText(lf.Owner), safeText(lf.Path), plural(len(rows), "gem", "gems"))
	} else {
		fmt.Fprintf(w, "%s (%s)\n", safeText(lf.Path), plural(len(rows), "gem", "gems"))
	}
	if len(rows) > 0 {
		fmt.Fprintln(w)
		if err := writeTable(w, rows, opts); err != nil {
			return fmt.Errorf("lockfile %s: %w", lf.Path, err)
		}
	}
	if len(lf.Warnings) > 0 {
		fmt.Fprintln(w)
		for _, wn := range lf.Warnings {
			fmt.Fprintf(w, "warning: %s: %s\n", location(lf.Path, wn.Line), safeText(wn.Message))
		}
	}
	return nil
}

func (*tableRenderer) end(w io.Writer, e *ending, opts RenderOptions) error {
	r := e.r
	if len(r.Aggregate) > 0 {
		writeAggregateTable(w, e, opts)
	}
	if notes := allowlistNotes(r); len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintf(w, "allowlist: %s: %s (reason: %s)\n", safeText(n.gem), n.msg, safeText(n.reason))
		}
	}
	t := r.Summary
	fmt.Fprintln(w)
	if line := registryLine(r.Registry); line != "" {
		fmt.Fprintln(w, line)
	}
	if e.lockfiles > 1 {
		fmt.Fprintf(w, "%s in %d lockfiles\n", summaryLine(t), e.lockfiles)
	} else {
		fmt.Fprintln(w, summaryLine(t))
	}
	fmt.Fprintln(w, gateLine(t, r.Gate))
	return nil
}

// writeAggregateTable prints the blast-radius ranking after the lockfiles.
func writeAggregateTable(w io.Writer, e *ending, opts RenderOptions) {
	shown, _ := topAggregate(e.r, opts)
	fmt.Fprintln(w)
	fmt.Fprintln(w, aggregateHeading(e, shown)+":")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, columnGap, ' ', 0)
	fmt.Fprintln(tw, "RANK\tGEM\tSTATUS\tLOCKFILES\tDIRECT VIA\tDOWNLOADS")
	for i, e := range shown {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d: %s\t%d: %s\t%s\n", i+1, safeText(e.Name), e.Status,
			len(e.Lockfiles), safeText(listShort(e.Lockfiles, 3)),
			len(e.DirectVia), safeText(listShort(e.DirectVia, 3)), thousands(e.Downloads))
	}
	tw.Flush()
}

// location is "path:line", or the path alone when the line is unknown.
func location(path string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", safeText(path), line)
	}
	return safeText(path)
}

// tableCells is a finding as the table's columns, before colour.
func tableCells(f *Finding) []string {
	reason := safeText(orDash(f.Reason))
	if f.BaselineState == BaselineUnchanged {
		reason = "[known] " + reason
	}
	if f.Allowlisted {
		// First in the cell, so that shortening the reason keeps it.
		reason = "[allowlisted: " + safeText(orDash(f.AllowlistReason)) + "] " + reason
	}
	return []string{
		string(f.Status),
		safeText(f.Name),
		safeText(versionLabel(f)),
		safeText(orDash(f.LatestVersion)),
		safeText(flagLabel(f)),
		safeText(dependencyLabel(f)),
		reason,
	}
}

func writeTable(w io.Writer, rows []*Finding, opts RenderOptions) error {
	cells := make([][]string, len(rows))
	for i, f := range rows {
		cells[i] = tableCells(f)
	}
	keep := []int{colStatus, colGem, colVersion, colLatest, colFlag, colVia, colReason}
	if opts.Width > 0 {
		keep = fitWidth(cells, opts.Width)
	}
	header := pick(tableHeader, keep)
	body := make([][]string, len(cells))
	for i, f := range rows {
		body[i] = pick(cells[i], keep)
		if c, ok := statusColor[f.Status]; ok && opts.Color {
			body[i][0] = "\x1b[" + c + "m" + body[i][0] + "\x1b[0m"
		}
	}

	return plainTable(w, header, body)
}

// plainTable writes rows under a header as aligned columns, with no
// borders and no trailing blanks.
func plainTable(w io.Writer, header []string, body [][]string) error {
	pad := tw.CellPadding{Global: tw.Padding{Right: strings.Repeat(" ", columnGap), Overwrite: true}}
	var buf bytes.Buffer
	table := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(twrenderer.NewBlueprint(tw.Rendition{
			Borders:  tw.BorderNone,
			Symbols:  tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{Separators: tw.SeparatorsNone, Lines: tw.LinesNone},
		})),
		tablewriter.WithConfig(tablewriter.Config{
			Header: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
				Padding:    pad,
			},
			Row: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
				Padding:    pad,
			},
		}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	table.Header(header)
	if err := table.Bulk(body); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	if err := table.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	// The last column is padded to its width; trailing blanks are noise in
	// a terminal and in saved output.
	for line := range strings.Lines(buf.String()) {
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// pick returns the cells at the given column indexes.
func pick(cells []string, cols []int) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = cells[c]
	}
	return out
}

// fitWidth shortens cells so that rows fit in width terminal columns, and
// returns the columns to show (see the column constants for the order).
func fitWidth(cells [][]string, width int) []int {
	natural := make([]int, len(tableHeader))
	for c, h := range tableHeader {
		natural[c] = twwidth.Width(h)
	}
	for _, rowCells := range cells {
		for c, v := range rowCells {
			natural[c] = max(natural[c], twwidth.Width(v))
		}
	}
	keep := []int{colStatus, colGem, colVersion, colLatest, colFlag, colVia, colReason}
	drops := []int{colFlag, colLatest, colVia}
	for {
		widths := make(map[int]int, len(keep))
		total := columnGap * (len(keep) - 1)
		for _, c := range keep {
			widths[c] = natural[c]
			total += natural[c]
		}
		over := total - width
		minReason := minReasonWidth
		if len(drops) == 0 {
			minReason = lastReasonWidth
		}
		for _, s := range []struct{ col, min int }{{colReason, minReason}, {colVia, minViaWidth}} {
			if over <= 0 || !slices.Contains(keep, s.col) {
				continue
			}
			if cut := min(over, widths[s.col]-s.min); cut > 0 {
				widths[s.col] -= cut
				over -= cut
			}
		}
		if over <= 0 || len(drops) == 0 {
			for _, c := range []int{colReason, colVia} {
				if slices.Contains(keep, c) && widths[c] < natural[c] {
					for _, rowCells := range cells {
						rowCells[c] = truncate(rowCells[c], widths[c])
					}
				}
			}
			return keep
		}
		keep = slices.DeleteFunc(keep, func(c int) bool { return c == drops[0] })
		drops = drops[1:]
	}
}

// truncate cuts s to at most width display columns, ending in "…" when it
// had to cut.
func truncate(s string, width int) string {
	if twwidth.Width(s) <= width {
		return s
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := twwidth.Width(string(r))
		if used+rw > width-1 {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	b.WriteString("…")
	return b.String()
}
