package report

import (
	"testing"

	"github.com/mfaudit/mfaudit/registry"
)

// TestBaseline: against the lockfile as it was, a gem the change adds
// fails the gate and a version bump of a gem already exposed does not.
func TestBaseline(t *testing.T) {
	results := map[string]registry.Result{
		"kramdown": {Name: "kramdown", Gem: gem("kramdown", 0, ver("2.5.1"))},
		"liquid":   {Name: "liquid", Gem: gem("liquid", 0, ver("4.0.4"))},
		"rack":     {Name: "rack", Gem: gem("rack", 0, ver("3.1.0", "true"))},
		"newgem":   {Name: "newgem", Gem: gem("newgem", 0, ver("0.1.0"))},
	}
	before := fleetLock(t, "Gemfile.lock", "  kramdown\n  liquid\n  rack\n",
		"    kramdown (2.4.0)\n    liquid (4.0.3)\n    rack (3.1.0)\n")
	after := fleetLock(t, "Gemfile.lock", "  kramdown\n  liquid\n  newgem\n  rack\n",
		"    kramdown (2.4.0)\n    liquid (4.0.4)\n    newgem (0.1.0)\n    rack (3.1.0)\n")
	b := NewBaseline(DefaultFailOn)
	old := Evaluate(before, results, EvaluateOptions{})
	b.Add(&old)

	lr := Evaluate(after, results, EvaluateOptions{})
	b.Mark(&lr)
	r := New([]LockfileReport{lr})
	r.Gate.Baseline = "git HEAD"
	failed := r.ApplyGate(DefaultFailOn)
	states := map[string]string{}
	fails := map[string]bool{}
	for _, f := range r.Lockfiles[0].Gems {
		states[f.Name] = f.BaselineState
		fails[f.Name] = f.FailsGate
	}
	want := map[string]string{"kramdown": BaselineUnchanged, "liquid": BaselineUnchanged, "newgem": BaselineNew, "rack": ""}
	for g, st := range want {
		if states[g] != st {
			t.Errorf("%s: baseline state %q, want %q", g, states[g], st)
		}
	}
	if !failed || !fails["newgem"] || fails["kramdown"] || fails["liquid"] {
		t.Errorf("gate failed %v, fails %v: want only newgem", failed, fails)
	}
	if s := r.Summary; s.Failing != 1 || s.Known != 2 {
		t.Errorf("summary %+v, want 1 failing and 2 known", s)
	}
	if _, detail := gateOutcome(r.Summary, r.Gate); detail != "1 finding is new since git HEAD, unprotected or unknown and not allowlisted" {
		t.Errorf("gate detail %q", detail)
	}

	// A gem whose status got worse (it was protected) is new; the same
	// gem in another lockfile is new there.
	b2 := NewBaseline(DefaultFailOn)
	wasSafe := old
	wasSafe.Gems = append([]Finding(nil), old.Gems...)
	for i := range wasSafe.Gems {
		wasSafe.Gems[i].Status = Protected
	}
	b2.Add(&wasSafe)
	lr2 := Evaluate(after, results, EvaluateOptions{})
	b2.Mark(&lr2)
	for _, f := range lr2.Gems {
		if f.Status != Protected && f.BaselineState != BaselineNew {
			t.Errorf("%s was protected before: state %q, want new", f.Name, f.BaselineState)
		}
	}
	other := Evaluate(after, results, EvaluateOptions{})
	other.Path = "services/api/Gemfile.lock"
	b.Mark(&other)
	for _, f := range other.Gems {
		if f.Status != Protected && f.BaselineState != BaselineNew {
			t.Errorf("%s in another lockfile: state %q, want new", f.Name, f.BaselineState)
		}
	}
}
