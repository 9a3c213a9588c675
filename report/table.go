package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

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

// Columns the table shortens, in order, when it must fit opts.Width, with
// the narrowest each may become.
const (
	colVia    = 5
	colReason = 6

	minReasonWidth = 24
	minViaWidth    = 12
	columnGap      = 2
)

// statusColor is the SGR colour of each status on a terminal.
var statusColor = map[Status]string{
	Unprotected: "1;31", // bold red
	Unknown:     "35",   // magenta
	Partial:     "33",   // yellow
	NotCovered:  "36",   // cyan
	Protected:   "32",   // green
}

func (tableRenderer) render(w io.Writer, r *Report, opts RenderOptions) error {
	all := sortedRows(r, nil)
	for i := range r.Lockfiles {
		lf := &r.Lockfiles[i]
		if i > 0 {
			fmt.Fprintln(w)
		}
		rows := sortedRows(r, []int{i})
		fmt.Fprintf(w, "%s (%s)\n", safeText(lf.Path), plural(len(rows), "gem", "gems"))
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
	}
	if notes := allowlistNotes(r); len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintf(w, "allowlist: %s: %s (reason: %s)\n", safeText(n.gem), n.msg, safeText(n.reason))
		}
	}
	t := tallyRows(all, r.Gate)
	fmt.Fprintln(w)
	if len(r.Lockfiles) > 1 {
		fmt.Fprintf(w, "%s in %d lockfiles\n", summaryLine(t), len(r.Lockfiles))
	} else {
		fmt.Fprintln(w, summaryLine(t))
	}
	fmt.Fprintln(w, gateLine(t, r.Gate))
	return nil
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
	status := string(f.Status)
	reason := safeText(f.Reason)
	if f.Allowlisted {
		status += " (allowlisted)"
		if f.AllowlistReason != "" {
			reason += " [allowlisted: " + safeText(f.AllowlistReason) + "]"
		}
	}
	return []string{
		status,
		safeText(f.Name),
		safeText(versionLabel(f)),
		safeText(orDash(f.LatestVersion)),
		safeText(flagLabel(f)),
		safeText(dependencyLabel(f)),
		orDash(reason),
	}
}

func writeTable(w io.Writer, rows []row, opts RenderOptions) error {
	cells := make([][]string, len(rows))
	for i, rw := range rows {
		cells[i] = tableCells(rw.f)
	}
	if opts.Width > 0 {
		fitWidth(cells, opts.Width)
	}
	if opts.Color {
		for i, rw := range rows {
			if c, ok := statusColor[rw.f.Status]; ok {
				cells[i][0] = "\x1b[" + c + "m" + cells[i][0] + "\x1b[0m"
			}
		}
	}

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
	table.Header(tableHeader)
	if err := table.Bulk(cells); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	if err := table.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	// The last column is padded to its width; trailing blanks are noise in
	// a terminal and in saved output.
	for line := range strings.Lines(buf.String()) {
		io.WriteString(w, strings.TrimRight(line, " \n")+"\n")
	}
	return nil
}

// fitWidth shortens the REASON column, then the DIRECT/VIA column, so that
// a row fits in width terminal columns. The other columns are short by
// nature and are kept whole: a gem name or version cut short would be
// worse than a line that wraps.
func fitWidth(cells [][]string, width int) {
	widths := make([]int, len(tableHeader))
	for c, h := range tableHeader {
		widths[c] = twwidth.Width(h)
	}
	for _, rowCells := range cells {
		for c, v := range rowCells {
			widths[c] = max(widths[c], twwidth.Width(v))
		}
	}
	total := columnGap * (len(widths) - 1)
	for _, cw := range widths {
		total += cw
	}
	over := total - width
	for _, shrink := range []struct{ col, min int }{{colReason, minReasonWidth}, {colVia, minViaWidth}} {
		if over <= 0 {
			break
		}
		cut := min(over, widths[shrink.col]-shrink.min)
		if cut <= 0 {
			continue
		}
		widths[shrink.col] -= cut
		over -= cut
		for _, rowCells := range cells {
			rowCells[shrink.col] = truncate(rowCells[shrink.col], widths[shrink.col])
		}
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
