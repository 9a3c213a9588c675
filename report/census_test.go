package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mfaudit/mfaudit/registry"
)

// censusGem builds a gem whose latest release has the given flag (nil:
// none) and downloads; exact sets the dump's exact total.
func censusGem(name string, flag *string, downloads int64, exact bool) *registry.Gem {
	md := map[string]string{"source_code_uri": "https://github.com/example/" + name}
	if flag != nil {
		md["rubygems_mfa_required"] = *flag
	}
	g := &registry.Gem{Name: name, Versions: []registry.Version{{Number: "1.0.0", Platform: "ruby", Metadata: md, Downloads: downloads}}}
	g.Latest = &g.Versions[0]
	g.ListedDownloads, g.Downloads = downloads, downloads
	if exact {
		g.Downloads, g.DownloadsExact = downloads*2, true
	}
	return g
}

func censusSample() *CensusBuilder {
	b := NewCensusBuilder(3)
	add := func(g *registry.Gem, attested bool) {
		b.Add(g, registry.GemExtras{Attested: attested, AttestationsKnown: true})
	}
	add(censusGem("safe", strp("true"), 500, false), true)
	add(censusGem("safe-yes", strp("yes"), 100, false), false)
	add(censusGem("big", nil, 200_000_000, false), false)        // partial
	add(censusGem("big-exact", nil, 95_000_000, true), false)    // exact 190M: partial
	add(censusGem("plain", nil, 7_000, false), false)            // unprotected
	add(censusGem("blank", strp(""), 9_000, false), false)       // blank reads as unset: unprotected
	add(censusGem("optout", strp("false"), 8_000, false), false) // opted out
	add(censusGem("tie-b", nil, 7_000, false), false)            // ties with plain
	add(censusGem("a-tie", nil, 7_000, false), false)            // ties, alphabetically first
	add(&registry.Gem{Name: "yanked"}, false)                    // no release
	pre := &registry.Gem{Name: "pre", Versions: []registry.Version{{Number: "1.0.0.pre", Prerelease: true, Platform: "ruby", Downloads: 3}}}
	pre.ListedDownloads, pre.Downloads = 3, 3
	add(pre, false) // only a prerelease: no release
	return b
}

func TestCensusCounts(t *testing.T) {
	r := censusSample().Report(nil)
	c := r.Census
	wantGems := CensusCounts{Total: 11, Protected: 2, Partial: 2, Unprotected: 4, OptedOut: 1, NoRelease: 2}
	if c.Gems != wantGems {
		t.Errorf("gems %+v, want %+v", c.Gems, wantGems)
	}
	wantDl := CensusCounts{Total: 600 + 200_000_000 + 190_000_000 + 7_000*3 + 9_000 + 8_000 + 3,
		Protected: 600, Partial: 390_000_000, Unprotected: 30_000, OptedOut: 8_000, NoRelease: 3}
	if c.Downloads != wantDl {
		t.Errorf("downloads %+v, want %+v", c.Downloads, wantDl)
	}
	if c.Attested == nil || *c.Attested != 1 {
		t.Errorf("attested %v, want 1", c.Attested)
	}
	// The top 3 unprotected or opted out, by downloads, ties by name.
	var got []string
	for _, f := range r.Lockfiles[0].Gems {
		got = append(got, fmt.Sprintf("%s:%s:%d", f.Name, f.Status, f.Downloads))
	}
	want := []string{"blank:unprotected:9000", "optout:unprotected:8000", "a-tie:unprotected:7000"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("top %v, want %v", got, want)
	}
	if r.Summary.Unprotected != 3 || r.Summary.Total() != 3 {
		t.Errorf("summary %+v, want the 3 listed unprotected", r.Summary)
	}
}

// TestCensusMatchesAudit: every gem the census places is judged as the
// audit judges it.
func TestCensusMatchesAudit(t *testing.T) {
	for _, g := range []*registry.Gem{
		censusGem("a", strp("true"), 1, false), censusGem("b", nil, 200_000_000, false),
		censusGem("c", strp("off"), 1, false), censusGem("d", nil, 1, false),
	} {
		lr := EvaluateOwner("x", []string{g.Name}, map[string]registry.Result{g.Name: {Name: g.Name, Gem: g}})
		st := lr.Gems[0].Status
		k := kindOf(g)
		switch {
		case st == Protected && k != censusProtected,
			st == Partial && k != censusPartial,
			st == Unprotected && k != censusUnprotected && k != censusOptedOut:
			t.Errorf("%s: audit says %s, census kind %d", g.Name, st, k)
		}
	}
}

func TestCensusUnknownAttestations(t *testing.T) {
	b := NewCensusBuilder(0)
	b.Add(censusGem("a", nil, 1, false), registry.GemExtras{})
	r := b.Report(nil)
	if r.Census.Attested != nil {
		t.Errorf("attested %v without attestation data, want nil", *r.Census.Attested)
	}
	if len(r.Lockfiles[0].Gems) != 0 {
		t.Errorf("--top 0 listed %d gems", len(r.Lockfiles[0].Gems))
	}
	var buf bytes.Buffer
	if err := RenderCensus(&buf, "table", r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("attestation: unknown")) {
		t.Errorf("table does not say attestations are unknown:\n%s", buf.String())
	}
}

func TestCensusGolden(t *testing.T) {
	newest := time.Date(2026, 11, 30, 21, 21, 0, 0, time.UTC)
	reg := &RegistryData{Kind: "postgresql", Database: "postgres://me@db.example/rubygems", Source: "https://rubygems.org", Newest: &newest}
	r := censusSample().Report(reg)
	for _, f := range []struct{ format, file string }{{"table", "census.txt"}, {"markdown", "census.md"}, {"json", "census.json"}} {
		var buf bytes.Buffer
		if err := RenderCensus(&buf, f.format, r, RenderOptions{ToolVersion: "test"}); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, f.file, buf.Bytes())
	}
	// The JSON is a report campaign plan can read, with the counts.
	var buf bytes.Buffer
	if err := RenderCensus(&buf, "json", r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&buf, "census.json")
	if err != nil {
		t.Fatal(err)
	}
	if back.Census == nil || back.Census.Gems != r.Census.Gems || len(back.Lockfiles) != 1 || len(back.Lockfiles[0].Gems) != 3 {
		t.Errorf("read back %+v", back.Census)
	}
	if !json.Valid(buf.Bytes()) && buf.Len() > 0 {
		t.Error("census JSON is not valid")
	}
	if err := RenderCensus(&buf, "sarif", r, RenderOptions{}); err == nil {
		t.Error("census rendered as SARIF, want an error")
	}
}
