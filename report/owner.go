package report

import (
	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry"
)

// ProfileURL is where RubyGems.org shows a user's gems.
func ProfileURL(handle string) string { return "https://rubygems.org/profiles/" + handle }

// GemURL is a gem's page on RubyGems.org, where SARIF locates the findings
// of an owner's portfolio (they have no lockfile line).
func GemURL(name string) string { return "https://rubygems.org/gems/" + name }

// EvaluateOwner judges the gems a RubyGems.org user owns exactly as
// Evaluate judges locked gems, each as if locked at its latest release
// from RubyGems.org, and returns them as one section of a report: Owner is
// the handle and Path its profile page.
func EvaluateOwner(handle string, gems []string, results map[string]registry.Result) LockfileReport {
	lr := evaluatePortfolio(ProfileURL(handle), gems, results)
	lr.Owner = registry.Sanitize(handle)
	return lr
}

// evaluatePortfolio judges gems as if each were locked at its latest
// release from RubyGems.org, as one section of a report named path.
func evaluatePortfolio(path string, gems []string, results map[string]registry.Result) LockfileReport {
	src := &lockfile.Source{Type: lockfile.SourceRubygems, Remotes: []string{"https://rubygems.org/"}}
	lf := &lockfile.Lockfile{Path: path}
	for _, name := range gems {
		version := ""
		if r, ok := results[name]; ok && r.Gem != nil {
			switch {
			case r.Gem.Latest != nil:
				version = r.Gem.Latest.Number
			case len(r.Gem.Versions) > 0:
				version = r.Gem.Versions[0].Number
			}
		}
		lf.Specs = append(lf.Specs, &lockfile.Spec{Name: name, Version: version, Platform: "ruby", Source: src, Direct: true, Path: []string{name}})
	}
	return Evaluate(lf, results, EvaluateOptions{})
}
