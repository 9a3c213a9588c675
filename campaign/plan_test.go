package campaign

import (
	"testing"
)

func TestPlanFleetOutcomes(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	p := w.plan(fleetGems...)
	want := map[string]Outcome{
		"widget": OutcomeOpen, "railsy-core": OutcomeOpen, "railsy-web": OutcomeOpen,
		"ownedgem": OutcomeOpen, "renamedgem": OutcomeOpen, "forkedgem": OutcomeOpen,
		"fixedgem": OutcomeFixedUpstream, "optout": OutcomeOptedOut, "declinedgem": OutcomeDeclined,
		"opengem": OutcomePROpen, "archivedgem": OutcomeArchived, "gonegem": OutcomeRepoNotFound,
		"labgem": OutcomeUnsupportedForge, "nolink": OutcomeNoRepository, "docsonly": OutcomeNoRepository,
		"protectedgem": OutcomeProtected, "mismatch": OutcomeNoGemspec, "computedgem": OutcomeComputed,
		"symgem": OutcomeInvalid, "genspec": OutcomeGenerated, "unknowngem": OutcomeNotOnRubyGems,
	}
	got := outcomes(p)
	for gem, o := range want {
		if got[gem] != o {
			t.Errorf("%s: %s, want %s", gem, got[gem], o)
		}
	}
	for _, r := range p.Repos {
		for _, g := range r.Gems {
			t.Logf("%-30s %-14s %-18s %s", r.Repo, g.Gem, g.Outcome, g.Reason)
		}
	}
	if n := len(w.gh.Writes()); n != 0 {
		t.Errorf("plan made %d writes: %v", n, writes(w.gh))
	}
}
