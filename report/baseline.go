package report

// The states of a finding against a baseline, as SARIF names them
// (§3.27.24): present before the change, or brought by it.
const (
	BaselineNew       = "new"
	BaselineUnchanged = "unchanged"
)

// Baseline holds the findings of an earlier audit (a report, or the
// lockfiles as they were at a git revision), so that the gate fails only
// on what a change adds. Findings are matched by lockfile path and gem
// name, not version: a version bump of a gem already exposed is not new.
type Baseline struct {
	// status of each (path, gem) before, the most severe of its specs.
	status map[baselineKey]Status
	failOn map[Status]bool
}

type baselineKey struct{ path, gem string }

// NewBaseline returns an empty baseline for a gate that fails on failOn.
func NewBaseline(failOn []Status) *Baseline {
	b := &Baseline{status: map[baselineKey]Status{}, failOn: map[Status]bool{}}
	for _, st := range failOn {
		b.failOn[st] = true
	}
	return b
}

// Add records the findings of one lockfile as they were before.
func (b *Baseline) Add(lr *LockfileReport) {
	for _, f := range lr.Gems {
		k := baselineKey{cleanSlashPath(lr.Path), f.Name}
		if old, ok := b.status[k]; !ok || f.Status.Severity() < old.Severity() {
			b.status[k] = f.Status
		}
	}
}

// AddReport records every lockfile of an earlier report.
func (b *Baseline) AddReport(r *Report) {
	for i := range r.Lockfiles {
		b.Add(&r.Lockfiles[i])
	}
}

// Mark sets the baseline state of each of lr's findings that is not
// protected: unchanged when the baseline had the gem in that lockfile with
// the same status or (for a status the gate fails on) with one the gate
// also failed on; new otherwise. A finding marked unchanged does not fail
// the gate.
func (b *Baseline) Mark(lr *LockfileReport) {
	path := cleanSlashPath(lr.Path)
	for i := range lr.Gems {
		f := &lr.Gems[i]
		if f.Status == Protected {
			continue
		}
		old, ok := b.status[baselineKey{path, f.Name}]
		if ok && (old == f.Status || (b.failOn[old] && b.failOn[f.Status])) {
			f.BaselineState = BaselineUnchanged
		} else {
			f.BaselineState = BaselineNew
		}
	}
}

// failsGate is the gate's verdict on one finding.
func failsGate(f *Finding, fails map[Status]bool) bool {
	return fails[f.Status] && !f.Allowlisted && f.BaselineState != BaselineUnchanged
}
