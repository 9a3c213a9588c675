package report

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// The -update flag rewrites golden files. It is registered in init, which
// runs after every package-level variable is initialised, so another test
// file of this package may declare the same flag without a clash.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
	// Golden files assume "…" is one column wide, whatever the locale of
	// the machine running the tests says about East Asian widths.
	twwidth.SetEastAsian(false)
}

func updatingGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// checkGolden compares got with testdata/golden/name, or rewrites the file
// (only when it differs) under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	want, err := os.ReadFile(path)
	if updatingGolden() {
		if err == nil && string(want) == string(got) {
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s", path)
		return
	}
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the rendered output (go test -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s",
			path, got, want)
	}
}

func strp(s string) *string { return &s }
func boolp(b bool) *bool    { return &b }

func date(s string) *time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &d
}

var rubygemsOrg = Source{Type: "rubygems", Remote: "https://rubygems.org/"}

// renderSample is a hand-built report that exercises every status,
// allowlisted, expired and stale allowlist entries, lockfile warnings,
// two lockfiles, platform variants and a private remote whose credentials
// were redacted before it reached the report.
func renderSample() *Report {
	r := &Report{
		Schema: Schema,
		Lockfiles: []LockfileReport{
			{
				Path: "Gemfile.lock",
				Gems: []Finding{
					{
						Name: "rake", Version: "13.1.0", Platform: "ruby", Source: rubygemsOrg,
						Line: 14, Direct: true, Path: []string{"rake"},
						Status: Protected, Reason: `latest release 13.2.1 sets rubygems_mfa_required="true"`,
						LatestVersion: "13.2.1", MFAFlag: strp("true"), LockedVersionMFA: boolp(true),
						Downloads: 170_000_000, DownloadsExact: true,
						SourceCodeURI: strp("https://github.com/ruby/rake"),
					},
					{
						Name: "nokogiri", Version: "1.15.4", Platform: "arm64-darwin", Source: rubygemsOrg,
						Line: 10, Direct: true, Path: []string{"nokogiri"},
						Status: Protected, Reason: `latest release 1.16.0 sets rubygems_mfa_required="true"`,
						LatestVersion: "1.16.0", MFAFlag: strp("true"), LockedVersionMFA: boolp(true),
						Downloads: 800_000_000, DownloadsExact: true,
					},
					{
						Name: "nokogiri", Version: "1.15.4", Platform: "x86_64-linux", Source: rubygemsOrg,
						Line: 11, Direct: true, Path: []string{"nokogiri"},
						Status: Protected, Reason: `latest release 1.16.0 sets rubygems_mfa_required="true"`,
						LatestVersion: "1.16.0", MFAFlag: strp("true"), LockedVersionMFA: boolp(true),
						Downloads: 800_000_000, DownloadsExact: true,
					},
					{
						Name: "kramdown", Version: "2.4.0", Platform: "ruby", Source: rubygemsOrg,
						Line: 8, Path: []string{"jekyll", "kramdown"},
						Status: Unprotected, Reason: "latest release 2.5.1 does not set rubygems_mfa_required",
						LatestVersion: "2.5.1", LockedVersionMFA: boolp(false), Downloads: 90_000_000,
						SourceCodeURI: strp("https://github.com/gettalong/kramdown"),
					},
					{
						Name: "optout", Version: "1.2.0", Platform: "ruby", Source: rubygemsOrg,
						Line: 12, Direct: true, Path: []string{"optout"},
						Status: Unprotected, Reason: `opted out: latest release 1.3.0 sets "false"`,
						LatestVersion: "1.3.0", MFAFlag: strp("false"), LockedVersionMFA: boolp(false),
						Downloads: 12_345,
					},
					{
						Name: "legacy_gem", Version: "0.9.1", Platform: "ruby", Source: rubygemsOrg,
						Line: 9, Path: []string{"jekyll", "liquid", "legacy_gem"},
						Status: Unprotected, Reason: "latest release 0.9.1 does not set rubygems_mfa_required",
						LatestVersion: "0.9.1", Downloads: 4_200,
						Allowlisted: true, AllowlistReason: "vendored fork tracked in SEC-123",
					},
					{
						Name: "ffi", Version: "1.16.3", Platform: "ruby", Source: rubygemsOrg,
						Line: 7, Path: []string{"jekyll", "sass-embedded", "google-protobuf", "ffi"},
						Status: Unknown, Reason: "lookup failed after 4 attempts: 503 Service Unavailable",
					},
					{
						Name: "ghostgem", Version: "0.1.0", Platform: "ruby", Source: rubygemsOrg,
						Line: 13, Direct: true, Path: []string{"ghostgem"},
						Status: Unknown, Reason: `RubyGems.org has no gem named "ghostgem"`,
					},
					{
						Name: "rails", Version: "7.1.2", Platform: "ruby", Source: rubygemsOrg,
						Line: 15, Direct: true, Path: []string{"rails"},
						Status:        Partial,
						Reason:        "no rubygems_mfa_required flag, but 512,345,678 downloads put it under RubyGems.org's popular-gem MFA policy",
						LatestVersion: "7.1.3", LockedVersionMFA: boolp(false), Downloads: 512_345_678, DownloadsExact: true,
					},
					{
						Name: "mytool", Version: "0.3.0", Platform: "ruby",
						Source: Source{Type: "git", Remote: "https://github.com/acme/mytool.git", Revision: "4f2c9e1"},
						Line:   4, Direct: true, Path: []string{"mytool"},
						Status: NotCovered, Reason: "git source https://github.com/acme/mytool.git: RubyGems.org's MFA policy does not apply",
					},
					{
						Name: "private_gem", Version: "2.0.0", Platform: "ruby",
						Source: Source{Type: "rubygems", Remote: "https://REDACTED@gems.example.com/private/"},
						Line:   21, Path: []string{"mytool", "private_gem"},
						Status: NotCovered, Reason: "remote https://REDACTED@gems.example.com/private/ is not RubyGems.org",
					},
				},
				Warnings: []Warning{
					{Line: 3, Message: "remote https://REDACTED@gems.example.com/private/ is listed twice; Bundler uses the first"},
				},
			},
			{
				Path: "services/api/Gemfile.lock",
				Gems: []Finding{
					{
						Name: "kramdown", Version: "2.3.2", Platform: "ruby", Source: rubygemsOrg,
						Line: 6, Direct: true, Path: []string{"kramdown"},
						Status: Unprotected, Reason: "latest release 2.5.1 does not set rubygems_mfa_required",
						LatestVersion: "2.5.1", LockedVersionMFA: boolp(false), Downloads: 90_000_000,
					},
					{
						Name: "oldgem", Version: "1.0.0", Platform: "ruby", Source: rubygemsOrg,
						Line: 7, Direct: true, Path: []string{"oldgem"},
						Status: Unprotected, Reason: "latest release 1.0.0 does not set rubygems_mfa_required",
						LatestVersion: "1.0.0", Downloads: 800,
					},
					{
						Name: "json", Version: "2.7.1", Platform: "java", Source: rubygemsOrg,
						Line: 5, Path: []string{"puma", "json"},
						Status: Partial, Reason: "no rubygems_mfa_required flag, but 600,000,000 downloads put it under RubyGems.org's popular-gem MFA policy",
						LatestVersion: "2.7.2", Downloads: 600_000_000,
					},
					{
						Name: "puma", Version: "6.4.0", Platform: "ruby", Source: rubygemsOrg,
						Line: 8, Direct: true, Path: []string{"puma"},
						Status: Protected, Reason: `latest release 6.4.2 sets rubygems_mfa_required="true"`,
						LatestVersion: "6.4.2", MFAFlag: strp("true"), Downloads: 200_000_000,
					},
				},
			},
		},
		Allowlist: []AllowlistEntryState{
			{Gem: "legacy_gem", Reason: "vendored fork tracked in SEC-123", Expires: date("2027-06-30"), State: "active"},
			{Gem: "oldgem", Reason: "waiting for upstream", Expires: date("2026-01-01"), State: "expired"},
			{Gem: "ghost", Reason: "removed last year", State: "stale"},
		},
	}
	r.ApplyGate([]Status{Unprotected, Unknown})
	return r
}
