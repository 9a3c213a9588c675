package report

import (
	"container/heap"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mfaudit/mfaudit/registry"
)

// CensusPath is the path of the report section that lists a census's
// top unprotected gems.
const CensusPath = "https://rubygems.org/"

// Census is a whole registry counted by verdict: how many gems, and how
// many of their downloads, are in each state. The states are disjoint:
// opted-out gems (the latest release sets the flag to a false value) are
// not counted as unprotected, and gems with no release (only prereleases,
// or every version yanked) are counted apart.
type Census struct {
	Gems      CensusCounts `json:"gems"`
	Downloads CensusCounts `json:"downloads"`
	// Attested counts the latest releases every build of which carries a
	// Sigstore attestation (published from CI with trusted publishing);
	// nil when the data holds no attestations.
	Attested *int64 `json:"attested_latest_releases"`
	// Top is how many unprotected gems the report lists, by downloads.
	Top int `json:"top"`
}

// CensusCounts counts gems, or their downloads, per state.
type CensusCounts struct {
	Total       int64 `json:"total"`
	Protected   int64 `json:"protected"`
	Partial     int64 `json:"partial"`
	Unprotected int64 `json:"unprotected"`
	OptedOut    int64 `json:"opted_out"`
	NoRelease   int64 `json:"no_release"`
}

func (c *CensusCounts) add(k censusKind, n int64) {
	c.Total += n
	switch k {
	case censusProtected:
		c.Protected += n
	case censusPartial:
		c.Partial += n
	case censusOptedOut:
		c.OptedOut += n
	case censusNoRelease:
		c.NoRelease += n
	default:
		c.Unprotected += n
	}
}

type censusKind int

const (
	censusProtected censusKind = iota
	censusPartial
	censusUnprotected
	censusOptedOut
	censusNoRelease
)

// kindOf places a gem in the census, by the verdict an audit gives it.
func kindOf(g *registry.Gem) censusKind {
	if g.Latest == nil {
		return censusNoRelease
	}
	switch GemStatus(g) {
	case Protected:
		return censusProtected
	case Partial:
		return censusPartial
	}
	if flag := g.Latest.MFA(); flag.Set && flag.Raw != "" {
		return censusOptedOut
	}
	return censusUnprotected
}

// downloadsOf is the best known total: exact when the data has it.
func downloadsOf(g *registry.Gem) int64 {
	if g.DownloadsExact {
		return g.Downloads
	}
	return g.ListedDownloads
}

// CensusBuilder counts gems one at a time and keeps the top unprotected
// ones: its memory holds the top list, never the registry.
type CensusBuilder struct {
	c        Census
	attested int64
	known    bool
	top      topHeap
}

// NewCensusBuilder returns a builder that keeps the top n unprotected gems
// by downloads.
func NewCensusBuilder(n int) *CensusBuilder {
	return &CensusBuilder{c: Census{Top: max(n, 0)}}
}

// Add counts one gem. The builder keeps g only if it is among the top.
func (b *CensusBuilder) Add(g *registry.Gem, ex registry.GemExtras) {
	k := kindOf(g)
	d := downloadsOf(g)
	b.c.Gems.add(k, 1)
	b.c.Downloads.add(k, d)
	if ex.AttestationsKnown {
		b.known = true
		if ex.Attested {
			b.attested++
		}
	}
	if k != censusUnprotected && k != censusOptedOut || b.c.Top == 0 {
		return
	}
	e := topEntry{downloads: d, gem: g}
	switch {
	case len(b.top) < b.c.Top:
		heap.Push(&b.top, e)
	case b.top.less(b.top[0], e):
		b.top[0] = e
		heap.Fix(&b.top, 0)
	}
}

// Report returns the census as a report whose one section lists the top
// unprotected gems, each judged as an audit judges it (the JSON that
// campaign plan reads), with the counts in Census.
func (b *CensusBuilder) Report(reg *RegistryData) *Report {
	c := b.c
	if b.known {
		n := b.attested
		c.Attested = &n
	}
	entries := append(topHeap(nil), b.top...)
	// Most downloads first.
	for i := 1; i < len(entries); i++ {
		for j := i; j > 0 && entries.less(entries[j-1], entries[j]); j-- {
			entries[j-1], entries[j] = entries[j], entries[j-1]
		}
	}
	names := make([]string, len(entries))
	results := make(map[string]registry.Result, len(entries))
	for i, e := range entries {
		names[i] = e.gem.Name
		results[e.gem.Name] = registry.Result{Name: e.gem.Name, Gem: e.gem}
	}
	lr := evaluatePortfolio(CensusPath, names, results)
	var sum Summary
	for i := range lr.Gems {
		sum.add(&lr.Gems[i], nil)
	}
	return &Report{
		Schema:    Schema,
		Lockfiles: []LockfileReport{lr},
		Summary:   sum,
		Gate:      Gate{FailOn: []Status{}},
		Registry:  reg,
		Census:    &c,
	}
}

// topEntry is one gem of the top list.
type topEntry struct {
	downloads int64
	gem       *registry.Gem
}

// topHeap is a min-heap: its root is the entry the next better one
// replaces.
type topHeap []topEntry

// less orders by downloads, then by name descending, so that among equal
// downloads the alphabetically first gems are kept.
func (h topHeap) less(a, b topEntry) bool {
	if a.downloads != b.downloads {
		return a.downloads < b.downloads
	}
	return a.gem.Name > b.gem.Name
}

func (h topHeap) Len() int           { return len(h) }
func (h topHeap) Less(i, j int) bool { return h.less(h[i], h[j]) }
func (h topHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topHeap) Push(x any)        { *h = append(*h, x.(topEntry)) }
func (h *topHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// CensusFormats are the formats RenderCensus writes.
func CensusFormats() []string { return []string{"table", "json", "markdown"} }

// RenderCensus writes a census report (see CensusBuilder.Report) as a
// table, JSON or Markdown.
func RenderCensus(w io.Writer, format string, r *Report, opts RenderOptions) error {
	if r == nil || r.Census == nil || len(r.Lockfiles) != 1 {
		return fmt.Errorf("report: not a census report")
	}
	switch format {
	case "json":
		return Render(w, "json", r, opts)
	case "table", "":
		return censusTable(w, r)
	case "markdown":
		return censusMarkdown(w, r)
	}
	return fmt.Errorf("report: census format %q: %w (valid formats: %s)", format, ErrUnknownFormat, strings.Join(CensusFormats(), ", "))
}

// censusRows are the states in the order the outputs list them.
func censusRows(c *Census) [][]string {
	rows := []struct {
		name        string
		gems, downl int64
	}{
		{"protected", c.Gems.Protected, c.Downloads.Protected},
		{"partial", c.Gems.Partial, c.Downloads.Partial},
		{"unprotected", c.Gems.Unprotected, c.Downloads.Unprotected},
		{"opted out", c.Gems.OptedOut, c.Downloads.OptedOut},
		{"no release", c.Gems.NoRelease, c.Downloads.NoRelease},
		{"total", c.Gems.Total, c.Downloads.Total},
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{r.name, thousands(r.gems), percent(r.gems, c.Gems.Total), thousands(r.downl), percent(r.downl, c.Downloads.Total)}
	}
	return out
}

// percent is n of total as a percentage with one decimal.
func percent(n, total int64) string {
	if total == 0 {
		return "-"
	}
	return strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64) + " %"
}

// censusLead says what was counted and from where.
func censusLead(r *Report) string {
	c := r.Census
	s := fmt.Sprintf("RubyGems.org census: %s gems; %s of them (%s) do not require MFA for pushes, by the flag or the popular-gem policy (unprotected or opted out)",
		thousands(c.Gems.Total), thousands(c.Gems.Unprotected+c.Gems.OptedOut), percent(c.Gems.Unprotected+c.Gems.OptedOut, c.Gems.Total))
	return s
}

// attestedLine says how many latest releases carry an attestation.
func attestedLine(c *Census) string {
	releases := c.Gems.Total - c.Gems.NoRelease
	if c.Attested == nil {
		return "latest releases with a Sigstore attestation: unknown (the data has no attestations table)"
	}
	return fmt.Sprintf("latest releases with a Sigstore attestation (trusted publishing): %s of %s (%s)",
		thousands(*c.Attested), thousands(releases), percent(*c.Attested, releases))
}

// topRows are the top list's rows: rank, gem, downloads, latest, flag,
// source repository.
func topRows(lr *LockfileReport) [][]string {
	out := make([][]string, len(lr.Gems))
	for i := range lr.Gems {
		f := &lr.Gems[i]
		src := "-"
		if f.SourceCodeURI != nil {
			src = *f.SourceCodeURI
		}
		out[i] = []string{strconv.Itoa(i + 1), f.Name, thousands(f.Downloads), orDash(f.LatestVersion), flagLabel(f), src}
	}
	return out
}

var topHeader = []string{"#", "GEM", "DOWNLOADS", "LATEST", "FLAG", "SOURCE"}

func censusTable(w io.Writer, r *Report) error {
	c := r.Census
	if _, err := fmt.Fprintln(w, censusLead(r)); err != nil {
		return err
	}
	if line := registryLine(r.Registry); line != "" {
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	if err := plainTable(w, []string{"STATE", "GEMS", "%", "DOWNLOADS", "%"}, censusRows(c)); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "\n%s\n", attestedLine(c)); err != nil {
		return err
	}
	lr := &r.Lockfiles[0]
	if c.Top == 0 {
		return nil
	}
	if _, err := fmt.Fprintf(w, "\ntop %d unprotected gems by downloads:\n", len(lr.Gems)); err != nil {
		return err
	}
	rows := topRows(lr)
	for _, row := range rows {
		for k := range row {
			row[k] = safeText(row[k])
		}
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "(none)")
		return err
	}
	return plainTable(w, topHeader, rows)
}

func censusMarkdown(w io.Writer, r *Report) error {
	c := r.Census
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", mdText(censusLead(r)))
	if line := registryLine(r.Registry); line != "" {
		fmt.Fprintf(&b, "%s\n\n", mdText(line))
	}
	b.WriteString("| State | Gems | % | Downloads | % |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, row := range censusRows(c) {
		fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
	}
	fmt.Fprintf(&b, "\n%s\n", mdText(attestedLine(c)))
	lr := &r.Lockfiles[0]
	if c.Top > 0 {
		fmt.Fprintf(&b, "\n### Top %d unprotected gems by downloads\n\n", len(lr.Gems))
		if len(lr.Gems) == 0 {
			b.WriteString("None.\n")
		} else {
			b.WriteString("| # | Gem | Downloads | Latest | Flag | Source |\n| ---: | --- | ---: | --- | --- | --- |\n")
			for _, row := range topRows(lr) {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", row[0], mdCode(row[1]), row[2], mdCode(row[3]), mdCode(row[4]), mdText(row[5]))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
