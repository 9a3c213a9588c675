package campaign

import (
	"github.com/mfaudit/mfaudit/campaign/githubtest"
)

// fleetGems are the gems of the fleet scenario: one of each case a
// campaign meets, every one of them seen on real gems.
var fleetGems = []string{
	"widget", "railsy-core", "railsy-web", "ownedgem", "renamedgem", "forkedgem",
	"fixedgem", "optout", "declinedgem", "opengem", "archivedgem", "gonegem",
	"labgem", "nolink", "docsonly", "protectedgem", "mismatch", "computedgem",
	"symgem", "genspec", "unknowngem",
}

// seedFleet fills the fake GitHub and the registry with the fleet.
func seedFleet(w *world) {
	gh, reg := w.gh, w.reg

	// An index-style gemspec that lacks the flag: a pull request, from a
	// fork (the token cannot push).
	reg.release("widget", "1.4.0", src("https://github.com/acme/widget"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "widget", Files: map[string]string{
		"widget.gemspec": indexSpec("widget"), "lib/widget.rb": "module Widget; end\n", "README.md": "# widget\n",
	}})

	// A monorepo: two gems, two gemspecs below the root, one pull request
	// (as rails keeps its components, linked with /tree/vX/DIR).
	reg.release("railsy-core", "3.0.0", src("https://github.com/acme/railsy/tree/v3.0.0/core"))
	reg.release("railsy-web", "3.0.0", src("https://github.com/acme/railsy/tree/v3.0.0/web"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "railsy", Files: map[string]string{
		"core/railsy-core.gemspec": hashSpec("railsy-core", ","),
		"web/railsy-web.gemspec":   hashSpec("railsy-web", ""),
		"railsy.gemspec":           requiredSpec("railsy"),
	}})

	// The token can push here: a branch in place, no fork.
	reg.release("ownedgem", "0.3.0", src("https://github.com/mfaudit-bot/ownedgem"))
	gh.AddRepo(githubtest.Repo{Owner: viewerLogin, Name: "ownedgem", Files: map[string]string{
		"ownedgem.gemspec": indexSpec("ownedgem"),
	}})

	// The link names the old owner; GitHub redirects to the new one.
	reg.release("renamedgem", "1.0.0", map[string]string{"homepage_uri": "http://github.com/oldowner/renamedgem"})
	gh.AddRepo(githubtest.Repo{Owner: "oldowner", Name: "renamedgem", Files: map[string]string{
		"renamedgem.gemspec": indexSpec("renamedgem"),
	}})
	gh.Rename("oldowner/renamedgem", "newowner/renamedgem")

	// The link names somebody's fork; its parent is the real home.
	reg.release("forkedgem", "2.1.0", src("https://github.com/someone/forkedgem"))
	gh.AddRepo(githubtest.Repo{Owner: "upstream", Name: "forkedgem", Files: map[string]string{
		"forkedgem.gemspec": indexSpec("forkedgem"),
	}})
	gh.AddFork("upstream/forkedgem", "someone", "forkedgem")

	// Fixed on the default branch, awaiting a release.
	reg.release("fixedgem", "1.0.0", src("https://github.com/acme/fixedgem"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "fixedgem", Files: map[string]string{
		"fixedgem.gemspec": requiredSpec("fixedgem"),
	}})

	// The maintainers opted out.
	reg.release("optout", "1.0.0", src("https://github.com/acme/optout"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "optout", Files: map[string]string{
		"optout.gemspec": "Gem::Specification.new do |s|\n  s.name = 'optout'\n  s.version = '1.0.0'\n  s.metadata['rubygems_mfa_required'] = 'false'\nend\n",
	}})

	// Somebody's pull request about the flag was closed unmerged.
	reg.release("declinedgem", "1.0.0", src("https://github.com/acme/declinedgem"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "declinedgem", Files: map[string]string{
		"declinedgem.gemspec": indexSpec("declinedgem"),
	}})
	gh.AddPR("acme/declinedgem", githubtest.PR{Title: "Require MFA for gem pushes", Body: "Adds `rubygems_mfa_required`.",
		User: "thoughtful", HeadOwner: "thoughtful", HeadRepo: "thoughtful/declinedgem", HeadRef: "mfa", BaseRef: "main", State: "closed"})

	// Somebody's pull request about the flag is open.
	reg.release("opengem", "1.0.0", src("https://github.com/acme/opengem"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "opengem", Files: map[string]string{
		"opengem.gemspec": indexSpec("opengem"),
	}})
	gh.AddPR("acme/opengem", githubtest.PR{Title: "Enable rubygems_mfa_required", Body: "See the RubyGems guide.",
		User: "helper", HeadOwner: "helper", HeadRepo: "helper/opengem", HeadRef: "patch-1", BaseRef: "main", State: "open"})

	// Archived.
	reg.release("archivedgem", "0.9.0", src("https://github.com/acme/archivedgem"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "archivedgem", Archived: true, Files: map[string]string{
		"archivedgem.gemspec": indexSpec("archivedgem"),
	}})

	// The linked repository is gone.
	reg.release("gonegem", "1.0.0", src("https://github.com/acme/gonegem"))

	// Not on GitHub (ble's homepage, recorded in the fixtures).
	reg.release("labgem", "1.0.0", map[string]string{"homepage_uri": "http://gitlab.com/sdalu/ruby-ble"})

	// No links at all, and the gem document adds none.
	reg.release("nolink", "1.0.0", nil)
	// Only a documentation site and a Pages site (as json's homepage).
	reg.release("docsonly", "1.0.0", nil)
	reg.links["docsonly"] = registryLinks("https://docsonly.example.org", "https://acme.github.io/docsonly")

	// Already protected: nothing to do.
	reg.release("protectedgem", "5.0.0", map[string]string{"rubygems_mfa_required": "true", "source_code_uri": "https://github.com/acme/protectedgem"})

	// The homepage names a repository without the gem's gemspec
	// (cocoapods-core's homepage is CocoaPods/CocoaPods).
	reg.release("mismatch", "1.0.0", map[string]string{"homepage_uri": "https://github.com/acme/umbrella"})
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "umbrella", Files: map[string]string{
		"umbrella.gemspec": indexSpec("umbrella"),
	}})

	// Metadata from a helper mfaudit does not follow (as fino).
	reg.release("computedgem", "1.0.0", src("https://github.com/acme/computedgem"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "computedgem", Files: map[string]string{
		"computedgem.gemspec": "require_relative 'lib/meta'\n\nGem::Specification.new do |spec|\n  spec.name = 'computedgem'\n  spec.version = '1.0.0'\n  spec.metadata = Meta.for(spec)\nend\n",
	}})

	// Symbol keys: RubyGems refuses to build it (as active_reporter).
	reg.release("symgem", "1.0.0", src("https://github.com/acme/symgem"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "symgem", Files: map[string]string{
		"symgem.gemspec": "Gem::Specification.new do |s|\n  s.name = 'symgem'\n  s.version = '1.0.0'\n  s.metadata = { source_code_uri: 'https://github.com/acme/symgem' }\nend\n",
	}})

	// A generated gemspec (Gem::Specification#to_ruby, as diff-lcs).
	reg.release("genspec", "1.0.0", src("https://github.com/acme/genspec"))
	gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "genspec", Files: map[string]string{
		"genspec.gemspec": "# -*- encoding: utf-8 -*-\n# stub: genspec 1.0.0 ruby lib\n\nGem::Specification.new do |s|\n  s.name = \"genspec\".freeze\n  s.version = \"1.0.0\".freeze\n  s.rubygems_version = \"3.5.3\".freeze\nend\n",
	}})
	// unknowngem is not on RubyGems.org at all.
}

func requiredSpec(name string) string {
	return "Gem::Specification.new do |s|\n  s.name = '" + name + "'\n  s.version = '1.0.0'\n  s.metadata['rubygems_mfa_required'] = 'true'\nend\n"
}
