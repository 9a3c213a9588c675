package pgtest

import (
	"fmt"
	"math/rand/v2"
)

// Generate fills g with the i-th gem of a synthetic registry drawn from r,
// for benchmarks: 1 to 17 versions (about 9 on average), some with a java
// build beside the ruby one, about one in twenty a prerelease and one in
// twenty yanked; every fourth gem has the MFA flag on its newer half, and
// every third a linkset naming a GitHub repository. g's slices are reused.
func Generate(g *Gem, i int, r *rand.Rand) {
	g.Name = fmt.Sprintf("bench-gem-%06d", i)
	g.Versions = g.Versions[:0]
	n := 1 + r.IntN(17)
	flag := i%4 == 0
	for j := range n {
		meta := map[string]string{"homepage_uri": "https://example.org/" + g.Name}
		if flag && j >= n/2 {
			meta["rubygems_mfa_required"] = "true"
		}
		v := Version{Number: fmt.Sprintf("%d.%d.%d", j/5, j%5, r.IntN(3)), Metadata: meta, Downloads: int64(r.IntN(100_000))}
		switch r.IntN(20) {
		case 0:
			v.Number += ".rc1"
		case 1:
			v.Yanked = true
		}
		g.Versions = append(g.Versions, v)
		if r.IntN(12) == 0 {
			v.Platform = "java"
			g.Versions = append(g.Versions, v)
		}
	}
	total := int64(r.IntN(10_000_000))
	g.Total = &total
	g.Links = nil
	if i%3 == 0 {
		g.Links = &Linkset{Home: "https://example.org/" + g.Name, Code: "https://github.com/example/" + g.Name}
	}
}
