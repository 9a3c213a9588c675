package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry"
)

// fleetLock is a lockfile of a small fleet: kramdown comes through jekyll
// and directly; liquid only through jekyll.
func fleetLock(t *testing.T, path, deps string, specs string) *lockfile.Lockfile {
	t.Helper()
	lf, err := lockfile.Parse(strings.NewReader("GEM\n  remote: https://rubygems.org/\n  specs:\n"+specs+"\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n"+deps), path)
	if err != nil {
		t.Fatal(err)
	}
	return lf
}

// TestAggregate ranks the exposed gems of three lockfiles by lockfiles,
// then direct dependencies, then downloads, and names where each comes
// from.
func TestAggregate(t *testing.T) {
	site := fleetLock(t, "site/Gemfile.lock", "  jekyll\n  kramdown\n",
		"    jekyll (4.3.0)\n      kramdown (~> 2.3)\n      liquid (~> 4.0)\n    kramdown (2.4.0)\n    liquid (4.0.4)\n")
	docs := fleetLock(t, "docs/Gemfile.lock", "  jekyll\n",
		"    jekyll (4.3.0)\n      kramdown (~> 2.3)\n      liquid (~> 4.0)\n    kramdown (2.4.0)\n    liquid (4.0.4)\n")
	api := fleetLock(t, "api/Gemfile.lock", "  rack\n  oldgem\n",
		"    oldgem (1.0.0)\n    rack (3.1.0)\n")
	big := gem("liquid", 0, ver("4.0.4"))
	big.Downloads = 500_000
	results := map[string]registry.Result{
		"jekyll":   {Name: "jekyll", Gem: gem("jekyll", 0, ver("4.3.0", "true"))},
		"kramdown": {Name: "kramdown", Gem: gem("kramdown", 0, ver("2.5.1"))},
		"liquid":   {Name: "liquid", Gem: big},
		"rack":     {Name: "rack", Gem: gem("rack", 0, ver("3.1.0", "true"))},
		"oldgem":   {Name: "oldgem", Gem: gem("oldgem", 0, ver("1.0.0"))},
	}
	var lrs []LockfileReport
	for _, lf := range []*lockfile.Lockfile{site, docs, api} {
		lrs = append(lrs, Evaluate(lf, results, EvaluateOptions{}))
	}
	r := New(lrs)
	type row struct {
		name           string
		lockfiles, via string
	}
	want := []row{
		{"kramdown", "site/Gemfile.lock,docs/Gemfile.lock", "jekyll,kramdown"},
		{"liquid", "site/Gemfile.lock,docs/Gemfile.lock", "jekyll"},
		{"oldgem", "api/Gemfile.lock", "oldgem"},
	}
	if len(r.Aggregate) != len(want) {
		t.Fatalf("aggregate %+v, want %d entries", r.Aggregate, len(want))
	}
	for i, w := range want {
		e := r.Aggregate[i]
		if e.Name != w.name || strings.Join(e.Lockfiles, ",") != w.lockfiles || strings.Join(e.DirectVia, ",") != w.via || e.Status != Unprotected {
			t.Errorf("rank %d: %s in %v via %v (%s), want %+v", i+1, e.Name, e.Lockfiles, e.DirectVia, e.Status, w)
		}
	}
	// One lockfile: no aggregate.
	if one := New(lrs[:1]); one.Aggregate != nil {
		t.Errorf("a single lockfile has an aggregate: %+v", one.Aggregate)
	}
	// The formats show it; JSON has every entry.
	for _, format := range []string{"table", "markdown"} {
		var b bytes.Buffer
		if err := Render(&b, format, r, RenderOptions{Top: 2}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, "Exposed gems across 3 lockfiles (top 2 of 3") || !strings.Contains(out, "kramdown") || strings.Contains(out[strings.Index(out, "Exposed gems"):], "oldgem") {
			t.Errorf("%s: the aggregate section is wrong:\n%s", format, out)
		}
	}
	var b bytes.Buffer
	if err := Render(&b, "json", r, RenderOptions{Top: 1}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Aggregate []AggregateEntry `json:"aggregate"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || len(doc.Aggregate) != 3 {
		t.Errorf("JSON aggregate: %v, %d entries", err, len(doc.Aggregate))
	}
	// Read back, the ranking comes out the same (direct_via from the JSON).
	back, err := ReadJSON(&b, "r.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := Aggregate(back.Lockfiles); len(got) != 3 || got[0].Name != "kramdown" {
		t.Errorf("aggregate of the report read back: %+v", got)
	}
}
