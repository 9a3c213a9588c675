package campaign

import (
	"errors"
	"testing"
)

// TestParseRepoURL reads links as RubyGems.org serves them. Each case names
// the gem whose metadata carries that exact link and where it was seen: the
// recorded API answers in ../shared/fixtures/rubygems-api ("fixture") or the
// gem's released gemspec; most gems are locked by a lockfile of
// testdata/lockfiles. The last cases are shapes no real gem was found with.
func TestParseRepoURL(t *testing.T) {
	type want struct {
		forge       ForgeKind
		owner, name string
		dir         string
	}
	gh := func(owner, name, dir string) *want { return &want{GitHub, owner, name, dir} }
	notRepo := (*want)(nil)
	tests := []struct {
		gem, field, url string
		want            *want
	}{
		// Plain links and their spellings.
		{"json source_code_uri (fixture v1-gems-json)", "", "https://github.com/ruby/json", gh("ruby", "json", "")},
		{"rubocop source_code_uri (fixture v1-owners-bbatsov-gems)", "", "https://github.com/rubocop/rubocop/", gh("rubocop", "rubocop", "")},
		{"rails 5.2.2 source_code_uri (fixture renovate-v1-gems-rails-5.2.2)", "", "http://github.com/rails/rails", gh("rails", "rails", "")},
		{"rbs 2.8.4 source_code_uri", "", "https://github.com/ruby/rbs.git", gh("ruby", "rbs", "")},
		{"async source_code_uri", "", "https://github.com/socketry/async.git", gh("socketry", "async", "")},
		{"octokit homepage: .rb is part of the name", "", "https://github.com/octokit/octokit.rb", gh("octokit", "octokit.rb", "")},
		{"jmespath 1.2.4 homepage", "", "http://github.com/trevorrowe/jmespath.rb", gh("trevorrowe", "jmespath.rb", "")},
		{"libdatadog source_code_uri: lower-case owner", "", "https://github.com/datadog/libdatadog/tree/main/ruby", gh("datadog", "libdatadog", "ruby")},
		{"RuBLE homepage_uri: case kept (fixture v1-search-bluetooth)", "", "https://github.com/mvastola/RuBLE", gh("mvastola", "RuBLE", "")},
		{"CFPropertyList 3.0.2 homepage", "", "http://github.com/ckruse/CFPropertyList", gh("ckruse", "CFPropertyList", "")},
		{"newrelic_api 1.2.4 homepage (not locked)", "", "http://www.github.com/newrelic/newrelic_api", gh("newrelic", "newrelic_api", "")},
		{"hyperloglog homepage (not locked)", "", "http://www.github.com/besquared/hyperloglog/", gh("besquared", "hyperloglog", "")},
		// Below the repository: refs, subdirectories, files, pages.
		{"rails source_code_uri (fixture v1-gems-rails)", "", "https://github.com/rails/rails/tree/v8.0.0", gh("rails", "rails", "")},
		{"activesupport 8.1.3.1 source_code_uri", "", "https://github.com/rails/rails/tree/v8.1.3.1/activesupport", gh("rails", "rails", "activesupport")},
		{"activesupport changelog_uri", "", "https://github.com/rails/rails/blob/v8.1.3.1/activesupport/CHANGELOG.md", gh("rails", "rails", "activesupport")},
		{"aws-sdk-core source_code_uri", "", "https://github.com/aws/aws-sdk-ruby/tree/version-3/gems/aws-sdk-core", gh("aws", "aws-sdk-ruby", "gems/aws-sdk-core")},
		{"aws-sdk-core changelog_uri: /tree/ to a file", "", "https://github.com/aws/aws-sdk-ruby/tree/version-3/gems/aws-sdk-core/CHANGELOG.md", gh("aws", "aws-sdk-ruby", "gems/aws-sdk-core")},
		{"google-cloud-core 1.6.0 homepage", "", "https://github.com/googleapis/google-cloud-ruby/tree/master/google-cloud-core", gh("googleapis", "google-cloud-ruby", "google-cloud-core")},
		{"google-protobuf 4.35.1 source_code_uri", "", "https://github.com/protocolbuffers/protobuf/tree/v4.35.1/ruby", gh("protocolbuffers", "protobuf", "ruby")},
		{"grpc homepage", "", "https://github.com/google/grpc/tree/master/src/ruby", gh("google", "grpc", "src/ruby")},
		{"chef-utils documentation_uri", "", "https://github.com/chef/chef/tree/main/chef-utils/README.md", gh("chef", "chef", "chef-utils")},
		{"rspec-core source_code_uri (monorepo)", "", "https://github.com/rspec/rspec/blob/rspec-core-v3.13.6/rspec-core", gh("rspec", "rspec", "rspec-core")},
		{"rubocop-ast changelog_uri (fixture)", "", "https://github.com/rubocop/rubocop-ast/blob/master/CHANGELOG.md", gh("rubocop", "rubocop-ast", "")},
		{"rubocop changelog_uri (fixture)", "", "https://github.com/rubocop/rubocop/releases/tag/v1.69.1", gh("rubocop", "rubocop", "")},
		{"i18n 1.14.6 changelog_uri", "", "https://github.com/ruby-i18n/i18n/releases", gh("ruby-i18n", "i18n", "")},
		{"rails bug_tracker_uri (fixture)", "", "https://github.com/rails/rails/issues", gh("rails", "rails", "")},
		{"annotate 3.2.0 bug_tracker_uri (not locked)", "", "https://github.com/ctran/annotate_models/issues/", gh("ctran", "annotate_models", "")},
		{"sidekiq documentation_uri", "", "https://github.com/mperham/sidekiq/wiki", gh("mperham", "sidekiq", "")},
		{"addressable 2.8.7 changelog_uri: fragment", "", "https://github.com/sporkmonger/addressable/blob/main/CHANGELOG.md#v2.8.7", gh("sporkmonger", "addressable", "")},
		{"beautiful-jekyll-theme documentation_uri (not locked)", "", "https://github.com/daattali/beautiful-jekyll#readme", gh("daattali", "beautiful-jekyll", "")},
		{"snaky_hash source_code_uri: double slash", "", "https://github.com/oauth-xx/snaky_hash/releases/tag//v2.0.2", gh("oauth-xx", "snaky_hash", "")},
		{"birdbrain changelog_uri without /blob/ (fixture)", "", "https://github.com/fmorton/BirdBrain-Ruby-Library/CHANGELOG.md", gh("fmorton", "BirdBrain-Ruby-Library", "")},
		// Git transport URLs.
		{"acts-as-rated homepage (not locked)", "", "git://github.com/jasherai/acts-as-rated", gh("jasherai", "acts-as-rated", "")},
		{"enum_simulator homepage (not locked)", "", "git://github.com/centresource/enum_simulator.git", gh("centresource", "enum_simulator", "")},
		{"vexi github_repo (not locked)", "", "ssh://github.com/github/feature-management-client-ruby", gh("github", "feature-management-client-ruby", "")},
		// Not repositories: sites, Pages, docs.
		{"rails homepage_uri (fixture)", "", "https://rubyonrails.org", notRepo},
		{"json homepage_uri: GitHub Pages (fixture)", "", "https://ruby.github.io/json", notRepo},
		{"tzinfo 2.0.6 homepage_uri: an organisation's Pages root", "", "https://tzinfo.github.io", notRepo},
		{"docile 1.1.3 homepage: old *.github.com Pages", "", "http://ms-ati.github.com/docile/", notRepo},
		{"robobuilder homepage_uri (fixture)", "", "http://wedesoft.github.com/robobuilder/", notRepo},
		{"rubocop-rails homepage_uri: a docs site (fixture)", "", "https://docs.rubocop.org/rubocop-rails/", notRepo},
		{"syncope homepage_uri: RubyGems.org itself (fixture)", "", "http://rubygems.org/gems/syncope", notRepo},
		{"ruby-bluetooth homepage_uri: a bogus host (fixture)", "", "https://ruby-bluetooth.work-in-progress", notRepo},
		{"google-cloud-env changelog_uri: rubydoc", "", "https://rubydoc.info/gems/google-cloud-env/2.2.1/CHANGELOG.md", notRepo},
		// Other forges.
		{"ble homepage_uri (fixture v1-gems-ble)", "", "http://gitlab.com/sdalu/ruby-ble", &want{GitLab, "sdalu", "ruby-ble", ""}},
		{"oauth2 2.0.9 source_code_uri", "", "https://gitlab.com/oauth-xx/oauth2/-/tree/v2.0.9", &want{GitLab, "oauth-xx", "oauth2", ""}},
		{"version_gem 1.1.4 bug_tracker_uri", "", "https://gitlab.com/oauth-xx/version_gem/-/issues", &want{GitLab, "oauth-xx", "version_gem", ""}},
		{"wiktionary_api source_code_uri (fixture)", "", "https://codeberg.org/bendangelo/wiktionary_api", &want{Codeberg, "bendangelo", "wiktionary_api", ""}},
		{"diakonos changelog_uri (not locked)", "", "https://git.sr.ht/~pistos/diakonos/tree/master/item/CHANGELOG", &want{SourceHut, "~pistos", "diakonos", ""}},
		{"pg 0.20.0 homepage", "", "https://bitbucket.org/ged/ruby-pg", &want{Bitbucket, "ged", "ruby-pg", ""}},
		{"mandrill-api homepage (not locked)", "", "https://bitbucket.org/mailchimp/mandrill-api-ruby/", &want{Bitbucket, "mailchimp", "mandrill-api-ruby", ""}},
		// Shapes seen in no gem's metadata, but which older versions and
		// owner-edited links may hold.
		{"scp-like git URL (synthetic)", "", "git@github.com:influxdata/influxdb-client-ruby.git", gh("influxdata", "influxdb-client-ruby", "")},
		{"no scheme (synthetic)", "", "github.com/rubocop/rubocop", gh("rubocop", "rubocop", "")},
		{"query string (synthetic)", "", "https://github.com/rubocop/rubocop?tab=readme-ov-file", gh("rubocop", "rubocop", "")},
		{"trailing dot (synthetic)", "", "https://github.com/rubocop/rubocop.", gh("rubocop", "rubocop", "")},
		{"GitLab nested groups (synthetic, as gitlab-triage)", "", "https://gitlab.com/gitlab-org/ruby/gems/gitlab-triage/-/tree/master", &want{GitLab, "gitlab-org/ruby/gems", "gitlab-triage", ""}},
		{"an owner's profile (synthetic)", "", "https://github.com/rubocop", notRepo},
		{"a sponsors page (synthetic)", "", "https://github.com/sponsors/rubocop", notRepo},
		{"a path escaping the repository (synthetic)", "", "https://github.com/a/b/tree/main/../../etc", gh("a", "b", "")},
		{"a name with a space (synthetic)", "", "https://github.com/a/b%20c", notRepo},
		{"empty", "", "", notRepo},
	}
	if n := len(tests); n < 25 {
		t.Fatalf("only %d cases", n)
	}
	for _, tt := range tests {
		t.Run(tt.gem, func(t *testing.T) {
			got, err := ParseRepoURL(tt.url)
			if tt.want == nil {
				if !errors.Is(err, ErrNotRepository) {
					t.Fatalf("ParseRepoURL(%q) = %+v, %v; want ErrNotRepository", tt.url, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRepoURL(%q): %v", tt.url, err)
			}
			w := tt.want
			if got.Forge != w.forge || got.Owner != w.owner || got.Name != w.name || got.Dir != w.dir {
				t.Errorf("ParseRepoURL(%q) = %s %s/%s dir %q; want %s %s/%s dir %q",
					tt.url, got.Forge, got.Owner, got.Name, got.Dir, w.forge, w.owner, w.name, w.dir)
			}
		})
	}
}

// TestParseRepoURLEnterprise: links to a GitHub Enterprise host count as
// GitHub only when that host is named.
func TestParseRepoURLEnterprise(t *testing.T) {
	const link = "https://ghe.example.com/platform/billing-client/tree/main/gem"
	if _, err := ParseRepoURL(link); !errors.Is(err, ErrNotRepository) {
		t.Errorf("without the host: %v, want ErrNotRepository", err)
	}
	got, err := ParseRepoURL(link, "GHE.example.com")
	if err != nil || got.Forge != GitHub || got.FullName() != "platform/billing-client" || got.Dir != "gem" {
		t.Errorf("with the host: %+v, %v", got, err)
	}
	if got.String() != "https://ghe.example.com/platform/billing-client" {
		t.Errorf("String() = %q", got.String())
	}
}
