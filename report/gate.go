package report

import (
	"fmt"
	"strings"
)

// DefaultFailOn lists the statuses that fail the gate unless told otherwise:
// gems anyone with a stolen credential can push, and gems the audit could
// not judge.
var DefaultFailOn = []Status{Unprotected, Unknown}

// ParseFailOn parses a comma-separated list of statuses, or "none" for an
// empty list (the gate never fails). Spaces around names are ignored;
// duplicates are dropped.
func ParseFailOn(s string) ([]Status, error) {
	s = strings.TrimSpace(s)
	if s == "none" {
		return []Status{}, nil
	}
	if s == "" {
		return nil, fmt.Errorf("empty status list (use \"none\" to turn the gate off)")
	}
	valid := map[Status]bool{}
	for _, st := range Statuses() {
		valid[st] = true
	}
	seen := map[Status]bool{}
	out := []Status{}
	for _, part := range strings.Split(s, ",") {
		st := Status(strings.TrimSpace(part))
		switch {
		case st == "none":
			return nil, fmt.Errorf("\"none\" cannot be combined with statuses")
		case !valid[st]:
			return nil, fmt.Errorf("unknown status %q (want %s, or none)", string(st), statusList())
		case seen[st]:
			continue
		}
		seen[st] = true
		out = append(out, st)
	}
	return out, nil
}

func statusList() string {
	names := make([]string, 0, len(Statuses()))
	for _, st := range Statuses() {
		names = append(names, string(st))
	}
	return strings.Join(names, ", ")
}

// New assembles a Report from per-lockfile results, with its Summary, the
// Aggregate when there are several lockfiles, and the gate set to
// DefaultFailOn.
func New(lockfiles []LockfileReport) *Report {
	if lockfiles == nil {
		lockfiles = []LockfileReport{}
	}
	r := &Report{Schema: Schema, Lockfiles: lockfiles}
	if len(lockfiles) > 1 {
		r.Aggregate = Aggregate(lockfiles)
	}
	r.ApplyGate(DefaultFailOn)
	return r
}

// ApplyGate sets which statuses fail the gate, marks each finding that fails
// it (its status is in failOn and it is not allowlisted), and recomputes the
// Summary and Incomplete. It reports whether the gate fails. Call it after
// the allowlist has been applied.
func (r *Report) ApplyGate(failOn []Status) bool {
	fails := map[Status]bool{}
	for _, st := range failOn {
		fails[st] = true
	}
	r.Gate = Gate{FailOn: append([]Status{}, failOn...), Baseline: r.Gate.Baseline}
	r.Summary = Summary{}
	r.Incomplete = false
	for i := range r.Lockfiles {
		if r.Lockfiles[i].Error != "" {
			r.Incomplete = true
		}
		for j := range r.Lockfiles[i].Gems {
			f := &r.Lockfiles[i].Gems[j]
			f.FailsGate = failsGate(f, fails)
			r.Summary.add(f, fails)
			if f.LookupError != "" {
				r.Incomplete = true
			}
		}
	}
	r.Gate.Failed = r.Summary.Failing > 0
	return r.Gate.Failed
}

func (s *Summary) add(f *Finding, fails map[Status]bool) {
	switch f.Status {
	case Protected:
		s.Protected++
	case Partial:
		s.Partial++
	case Unprotected:
		s.Unprotected++
	case NotCovered:
		s.NotCovered++
	case Unknown:
		s.Unknown++
	}
	if f.Allowlisted {
		s.Allowlisted++
	}
	if f.FailsGate {
		s.Failing++
	}
	if fails[f.Status] && !f.Allowlisted && f.BaselineState == BaselineUnchanged {
		s.Known++
	}
}

// Count returns the number of findings with status st.
func (s Summary) Count(st Status) int {
	switch st {
	case Protected:
		return s.Protected
	case Partial:
		return s.Partial
	case Unprotected:
		return s.Unprotected
	case NotCovered:
		return s.NotCovered
	case Unknown:
		return s.Unknown
	}
	return 0
}

// Total returns the number of findings counted.
func (s Summary) Total() int {
	return s.Protected + s.Partial + s.Unprotected + s.NotCovered + s.Unknown
}

// Findings returns every finding of every lockfile, in report order.
func (r *Report) Findings() []Finding {
	var out []Finding
	for _, lr := range r.Lockfiles {
		out = append(out, lr.Gems...)
	}
	return out
}

// LookupErrors counts findings whose registry lookup failed.
func (r *Report) LookupErrors() int {
	n := 0
	for _, lr := range r.Lockfiles {
		for _, f := range lr.Gems {
			if f.LookupError != "" {
				n++
			}
		}
	}
	return n
}
