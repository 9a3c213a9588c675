package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mfaudit/mfaudit/lockfile"
)

// AggregateEntry is one exposed gem across all the lockfiles of a report:
// where it is locked and which direct dependencies bring it in. The
// entries are the blast-radius ranking of a fleet, the list a campaign
// starts from.
type AggregateEntry struct {
	Name string `json:"name"`
	// Status is unprotected or unknown (the more severe, should the
	// lockfiles differ).
	Status Status `json:"status"`
	// Lockfiles are the lockfiles that lock the gem from RubyGems.org, in
	// report order.
	Lockfiles []string `json:"lockfiles"`
	// DirectVia are the direct dependencies, in any of those lockfiles,
	// that pull the gem in (the gem itself where it is direct), sorted.
	DirectVia     []string `json:"direct_via"`
	Downloads     int64    `json:"downloads"`
	LatestVersion string   `json:"latest_version"`
	SourceCodeURI *string  `json:"source_code_uri"`
}

// Aggregate ranks the unprotected and unknown gems of the lockfiles: by how
// many lockfiles lock them, then by how many direct dependencies pull them
// in, then by downloads, then by name.
func Aggregate(lockfiles []LockfileReport) []AggregateEntry {
	var a aggregator
	for i := range lockfiles {
		a.add(&lockfiles[i])
	}
	return a.entries()
}

// aggregator gathers the ranking one lockfile at a time; it holds one
// entry per exposed gem, not the lockfiles' findings.
type aggregator struct {
	byName map[string]*AggregateEntry
	via    map[string]map[string]bool
	order  []string
}

func (a *aggregator) add(lr *LockfileReport) {
	if a.byName == nil {
		a.byName, a.via = map[string]*AggregateEntry{}, map[string]map[string]bool{}
	}
	counted := map[string]bool{}
	for i := range lr.Gems {
		f := &lr.Gems[i]
		if f.Status != Unprotected && f.Status != Unknown {
			continue
		}
		e := a.byName[f.Name]
		if e == nil {
			// Names point into their lockfile's text: copies let the
			// text go once the lockfile is written.
			name := strings.Clone(f.Name)
			e = &AggregateEntry{Name: name, Status: f.Status, Lockfiles: []string{}}
			a.byName[name] = e
			a.via[name] = map[string]bool{}
			a.order = append(a.order, name)
		}
		if f.Status.Severity() < e.Status.Severity() {
			e.Status = f.Status
		}
		if !counted[f.Name] {
			counted[f.Name] = true
			e.Lockfiles = append(e.Lockfiles, lr.Path)
		}
		e.Downloads = max(e.Downloads, f.Downloads)
		if e.LatestVersion == "" {
			e.LatestVersion = f.LatestVersion
		}
		if e.SourceCodeURI == nil {
			e.SourceCodeURI = f.SourceCodeURI
		}
		via := a.via[e.Name]
		for _, d := range f.directVia() {
			if !via[d] {
				via[strings.Clone(d)] = true
			}
		}
	}
}

func (a *aggregator) entries() []AggregateEntry {
	out := make([]AggregateEntry, 0, len(a.order))
	for _, name := range a.order {
		e := a.byName[name]
		e.DirectVia = make([]string, 0, len(a.via[name]))
		for d := range a.via[name] {
			e.DirectVia = append(e.DirectVia, d)
		}
		sort.Strings(e.DirectVia)
		out = append(out, *e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case len(a.Lockfiles) != len(b.Lockfiles):
			return len(a.Lockfiles) > len(b.Lockfiles)
		case len(a.DirectVia) != len(b.DirectVia):
			return len(a.DirectVia) > len(b.DirectVia)
		case a.Downloads != b.Downloads:
			return a.Downloads > b.Downloads
		}
		return a.Name < b.Name
	})
	return out
}

// directVia returns the direct dependencies that bring the finding's gem
// in: those Evaluate found, else (a report read back from JSON) the head
// of its shortest chain.
func (f *Finding) directVia() []string {
	if f.via != nil {
		return f.via
	}
	if f.Direct {
		return []string{f.Name}
	}
	if len(f.Path) > 0 {
		return f.Path[:1]
	}
	return nil
}

// dependents finds, for a lockfile, the direct dependencies that reach a
// gem: it walks the dependency graph backwards, building the reverse
// edges on first use.
type dependents struct {
	lf      *lockfile.Lockfile
	parents map[string][]string
	direct  map[string]bool
}

func (d *dependents) of(name string) []string {
	if d.parents == nil {
		d.parents = map[string][]string{}
		d.direct = map[string]bool{}
		for _, s := range d.lf.Specs {
			if s == nil {
				continue
			}
			if s.Direct {
				d.direct[s.Name] = true
			}
			for _, dep := range s.Dependencies {
				d.parents[dep.Name] = append(d.parents[dep.Name], s.Name)
			}
		}
	}
	seen := map[string]bool{name: true}
	queue := []string{name}
	var roots []string
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if d.direct[n] {
			roots = append(roots, n)
		}
		for _, p := range d.parents[n] {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	sort.Strings(roots)
	return roots
}

// DefaultTop is how many aggregate entries the table and Markdown show.
const DefaultTop = 20

// topAggregate returns the entries to show and how many are left out.
func topAggregate(r *Report, opts RenderOptions) ([]AggregateEntry, int) {
	n := opts.Top
	if n <= 0 {
		n = DefaultTop
	}
	if len(r.Aggregate) <= n {
		return r.Aggregate, 0
	}
	return r.Aggregate[:n], len(r.Aggregate) - n
}

// aggregateHeading introduces the ranking in the human formats.
func aggregateHeading(e *ending, shown []AggregateEntry) string {
	of := ""
	if len(shown) < len(e.r.Aggregate) {
		of = fmt.Sprintf("top %d of %d", len(shown), len(e.r.Aggregate))
	} else {
		of = plural(len(shown), "gem", "gems")
	}
	return fmt.Sprintf("Exposed gems across %d lockfiles (%s; by lockfiles, then direct dependencies that pull them in, then downloads)", e.lockfiles, of)
}

// listShort joins at most n items, saying how many more there are.
func listShort(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}
