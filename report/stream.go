package report

import (
	"fmt"
	"io"
	"strings"
)

// Stream writes a report in one format as its lockfiles come, so that an
// audit of thousands of lockfiles holds one lockfile's findings at a time,
// not all of them: each lockfile is judged against the gate, counted,
// added to the aggregate and written; Close writes what follows them.
// (The Markdown report must show its totals first; it keeps the findings
// it lists until Close.)
type Stream struct {
	w          io.Writer
	rd         renderer
	opts       RenderOptions
	gate       Gate
	fails      map[Status]bool
	n          int
	summary    Summary
	incomplete bool
	agg        aggregator
}

// NewStream starts a report in format (one of Formats) on w, with the gate
// failing on gate.FailOn (against gate.Baseline, when the findings carry a
// baseline state).
func NewStream(w io.Writer, format string, gate Gate, opts RenderOptions) (*Stream, error) {
	rd := rendererFor(format)
	if rd == nil {
		return nil, fmt.Errorf("report: format %q: %w (valid formats: %s)",
			format, ErrUnknownFormat, strings.Join(Formats(), ", "))
	}
	gate.FailOn = append([]Status{}, gate.FailOn...)
	s := &Stream{w: w, rd: rd, opts: opts, gate: gate, fails: map[Status]bool{}}
	for _, st := range gate.FailOn {
		s.fails[st] = true
	}
	if err := rd.begin(w, opts); err != nil {
		return nil, fmt.Errorf("report: format %s: %w", format, err)
	}
	return s, nil
}

// Add marks which of lr's findings fail the gate (apply the allowlist and
// the baseline first), counts them, and writes the lockfile.
func (s *Stream) Add(lr *LockfileReport) error {
	if lr.Error != "" {
		s.incomplete = true
	}
	for i := range lr.Gems {
		f := &lr.Gems[i]
		f.FailsGate = failsGate(f, s.fails)
		s.summary.add(f, s.fails)
		if f.LookupError != "" {
			s.incomplete = true
		}
	}
	s.agg.add(lr)
	err := s.rd.lockfile(s.w, lr, s.n, s.opts)
	s.n++
	return err
}

// Close writes the end of the report — the aggregate (with several
// lockfiles), the allowlist's states, where the registry data came from
// (reg, nil for the live registry), the summary and the gate — and
// returns the report without its lockfiles, for the caller's notes and
// exit status.
func (s *Stream) Close(allowlist []AllowlistEntryState, reg *RegistryData) (*Report, error) {
	r := &Report{
		Registry:   reg,
		Schema:     Schema,
		Summary:    s.summary,
		Allowlist:  allowlist,
		Gate:       Gate{FailOn: s.gate.FailOn, Failed: s.summary.Failing > 0, Baseline: s.gate.Baseline},
		Incomplete: s.incomplete,
	}
	if s.n > 1 {
		r.Aggregate = s.agg.entries()
	}
	if err := s.rd.end(s.w, &ending{r: r, lockfiles: s.n}, s.opts); err != nil {
		return r, err
	}
	return r, nil
}
