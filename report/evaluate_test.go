package report

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry"
)

func TestIsRubygemsOrg(t *testing.T) {
	tests := []struct {
		name   string
		remote string
		want   bool
	}{
		{"https with slash", "https://rubygems.org/", true},
		{"https without slash", "https://rubygems.org", true},
		{"http (Bundler 1.x lockfiles)", "http://rubygems.org/", true},
		{"www host", "https://www.rubygems.org/", true},
		{"index host", "https://index.rubygems.org/", true},
		{"upper case", "HTTPS://RubyGems.ORG/", true},
		{"explicit default https port", "https://rubygems.org:443/", true},
		{"explicit default http port", "http://rubygems.org:80/", true},
		{"credentials do not matter", "https://user:secret@rubygems.org/", true},
		{"surrounding space", " https://rubygems.org/ ", true},
		{"other port", "https://rubygems.org:8443/", false},
		{"http with https port", "http://rubygems.org:443/", false},
		{"path below the host", "https://rubygems.org/gems/", false},
		{"query", "https://rubygems.org/?x=1", false},
		{"fragment", "https://rubygems.org/#x", false},
		{"look-alike suffix", "https://rubygems.org.evil.example/", false},
		{"look-alike prefix", "https://evilrubygems.org/", false},
		{"other subdomain", "https://api.rubygems.org/", false},
		{"userinfo trick", "https://rubygems.org@evil.example/", false},
		{"host in path", "https://evil.example/rubygems.org", false},
		{"git scheme", "git://rubygems.org/", false},
		{"no scheme", "rubygems.org", false},
		{"GitHub Packages", "https://rubygems.pkg.github.com/acme/", false},
		{"mirror", "https://gems.example.com/", false},
		{"empty", "", false},
		{"garbage", "::::", false},
		{"trailing dot host", "https://rubygems.org./", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsRubygemsOrg(tt.remote); got != tt.want {
				t.Errorf("IsRubygemsOrg(%q) = %v, want %v", tt.remote, got, tt.want)
			}
		})
	}
}

// Helpers to build registry answers by hand.

func ver(number string, flag ...string) registry.Version {
	v := registry.Version{Number: number, Platform: "ruby", Metadata: map[string]string{}, Downloads: 1000}
	if len(flag) > 0 {
		v.Metadata["rubygems_mfa_required"] = flag[0]
	}
	return v
}

// platformVer is ver for a platform build.
func platformVer(number, platform string, flag ...string) registry.Version {
	v := ver(number, flag...)
	v.Platform = platform
	return v
}

// gem builds a Gem whose Latest is Versions[latest] (nil when latest < 0).
func gem(name string, latest int, versions ...registry.Version) *registry.Gem {
	g := &registry.Gem{Name: name, Versions: versions}
	for _, v := range versions {
		g.ListedDownloads += v.Downloads
	}
	if latest >= 0 {
		g.Latest = &g.Versions[latest]
	}
	return g
}

var (
	rubygemsSource = &lockfile.Source{Type: lockfile.SourceRubygems, Remotes: []string{"https://rubygems.org/"}, Line: 1}
	mixedSource    = &lockfile.Source{Type: lockfile.SourceRubygems, Remotes: []string{"https://rubygems.org/", "https://rails-assets.org/"}, Line: 1}
	privateSource  = &lockfile.Source{Type: lockfile.SourceRubygems, Remotes: []string{"https://deploy:s3cr3t@gems.example.com/"}, Line: 20}
	gitSource      = &lockfile.Source{Type: lockfile.SourceGit, Remotes: []string{"https://github.com/acme/widget.git"}, Revision: "abc123", Line: 30}
	pathSource     = &lockfile.Source{Type: lockfile.SourcePath, Remotes: []string{"vendor/gems/local"}, Line: 40}
	pluginSource   = &lockfile.Source{Type: lockfile.SourcePlugin, Remotes: []string{"https://plugin.example/"}, Line: 50}
)

func spec(name, version string, src *lockfile.Source) *lockfile.Spec {
	return &lockfile.Spec{Name: name, Version: version, Platform: "ruby", Source: src, Line: 10, Direct: true, Path: []string{name}}
}

func TestEvaluateVerdicts(t *testing.T) {
	popularLatest := ver("2.0.0")
	popularLatest.Downloads = 180_000_001

	exactPopular := gem("json", 0, ver("2.9.0"))
	exactPopular.Downloads, exactPopular.DownloadsExact = 922_743_728, true

	atThreshold := gem("edge", 0, ver("1.0.0"))
	atThreshold.Downloads, atThreshold.DownloadsExact = 180_000_000, true

	tests := []struct {
		name       string
		spec       *lockfile.Spec
		result     *registry.Result // nil: no result at all
		status     Status
		reason     []string // substrings the reason must contain
		notReason  []string // substrings it must not contain
		latest     string
		flag       *string
		lockedMFA  *bool
		lookupErr  bool
		downloads  int64
		exact      bool
		remote     string
		sourceType string
	}{
		{
			name:   "protected, locked is latest",
			spec:   spec("rack", "3.1.0", rubygemsSource),
			result: &registry.Result{Name: "rack", Gem: gem("rack", 0, ver("3.1.0", "true"), ver("3.0.8"))},
			status: Protected, latest: "3.1.0", flag: ptr("true"), lockedMFA: ptr(true),
			reason:    []string{`latest release 3.1.0 sets rubygems_mfa_required="true"`},
			notReason: []string{"locked"},
			downloads: 2000, remote: "https://rubygems.org/", sourceType: "rubygems",
		},
		{
			name:   "protected by latest, locked build lacks the flag",
			spec:   spec("rack", "3.0.8", rubygemsSource),
			result: &registry.Result{Name: "rack", Gem: gem("rack", 0, ver("3.1.0", "true"), ver("3.0.8"))},
			status: Protected, latest: "3.1.0", flag: ptr("true"), lockedMFA: ptr(false),
			reason: []string{`latest release 3.1.0 sets rubygems_mfa_required="true"`, "locked 3.0.8 itself does not require MFA"},
		},
		{
			name:   "truthy non-canonical value counts",
			spec:   spec("odd", "1.0", rubygemsSource),
			result: &registry.Result{Name: "odd", Gem: gem("odd", 0, ver("1.0", "False"))},
			status: Protected, latest: "1.0", flag: ptr("False"), lockedMFA: ptr(true),
			reason: []string{`rubygems_mfa_required="False"`},
		},
		{
			name:   "missing flag",
			spec:   spec("dry-struct", "1.6.0", rubygemsSource),
			result: &registry.Result{Name: "dry-struct", Gem: gem("dry-struct", 0, ver("1.6.0"))},
			status: Unprotected, latest: "1.6.0", lockedMFA: ptr(false),
			reason: []string{"latest release 1.6.0 does not set rubygems_mfa_required"},
		},
		{
			name:   "opted out in latest, locked had it",
			spec:   spec("flip", "1.0.0", rubygemsSource),
			result: &registry.Result{Name: "flip", Gem: gem("flip", 0, ver("2.0.0", "false"), ver("1.0.0", "true"))},
			status: Unprotected, latest: "2.0.0", flag: ptr("false"), lockedMFA: ptr(true),
			reason: []string{`opted out: latest release 2.0.0 sets rubygems_mfa_required="false"`, "locked 1.0.0 itself requires MFA"},
		},
		{
			name:   "empty flag value is not required",
			spec:   spec("blank", "1.0", rubygemsSource),
			result: &registry.Result{Name: "blank", Gem: gem("blank", 0, ver("1.0", ""))},
			status: Unprotected, flag: ptr(""), lockedMFA: ptr(false), latest: "1.0",
			reason:    []string{"latest release 1.0 sets rubygems_mfa_required to a blank value, which RubyGems.org reads as unset"},
			notReason: []string{"opted out"},
		},
		{
			name: "platform builds of the latest release disagree",
			spec: spec("nativegem", "2.0.0", rubygemsSource),
			result: &registry.Result{Name: "nativegem", Gem: gem("nativegem", 0,
				ver("2.0.0", "true"), platformVer("2.0.0", "java"), ver("1.0.0"))},
			status: Unprotected, latest: "2.0.0", flag: ptr("true"), lockedMFA: ptr(true),
			reason: []string{`the builds of latest release 2.0.0 disagree: ruby sets rubygems_mfa_required="true" but java does not, and RubyGems.org may judge by either`},
		},
		{
			name: "platform builds of the latest release agree",
			spec: spec("nativeok", "2.0.0", rubygemsSource),
			result: &registry.Result{Name: "nativeok", Gem: gem("nativeok", 0,
				ver("2.0.0", "yes"), platformVer("2.0.0", "java", "1"))},
			status: Protected, latest: "2.0.0", flag: ptr("yes"), lockedMFA: ptr(true),
			reason: []string{`latest release 2.0.0 sets rubygems_mfa_required="yes"`},
		},
		{
			name:   "prerelease only, even with the flag",
			spec:   spec("pre", "0.1.0.beta", rubygemsSource),
			result: &registry.Result{Name: "pre", Gem: gem("pre", -1, registry.Version{Number: "0.1.0.beta", Platform: "ruby", Prerelease: true, Metadata: map[string]string{"rubygems_mfa_required": "true"}})},
			status: Unprotected, lockedMFA: ptr(true),
			reason: []string{"no release yet, only prereleases", "locked 0.1.0.beta itself requires MFA"},
		},
		{
			name:   "popular by listed downloads",
			spec:   spec("big", "2.0.0", rubygemsSource),
			result: &registry.Result{Name: "big", Gem: gem("big", 0, popularLatest)},
			status: Partial, latest: "2.0.0", lockedMFA: ptr(false), downloads: 180_000_001,
			reason: []string{"popular (180,000,001 downloads, sum of listed versions): owners must use MFA, but", "latest release 2.0.0 does not set rubygems_mfa_required"},
		},
		{
			name:   "popular by exact total",
			spec:   spec("json", "2.9.0", rubygemsSource),
			result: &registry.Result{Name: "json", Gem: exactPopular},
			status: Partial, latest: "2.9.0", lockedMFA: ptr(false), downloads: 922_743_728, exact: true,
			reason: []string{"popular (922,743,728 downloads, exact total)"},
		},
		{
			name:   "exactly at the threshold is not popular",
			spec:   spec("edge", "1.0.0", rubygemsSource),
			result: &registry.Result{Name: "edge", Gem: atThreshold},
			status: Unprotected, latest: "1.0.0", lockedMFA: ptr(false), downloads: 180_000_000, exact: true,
			reason: []string{"does not set"},
		},
		{
			name:   "yanked locked version",
			spec:   spec("gone", "1.0.1", rubygemsSource),
			result: &registry.Result{Name: "gone", Gem: gem("gone", 0, ver("1.0.0", "true"))},
			status: Protected, latest: "1.0.0", flag: ptr("true"), lockedMFA: nil,
			reason: []string{"locked 1.0.1 is not listed on RubyGems.org (yanked?)"},
		},
		{
			name:   "not found",
			spec:   spec("ghost", "1.0", rubygemsSource),
			result: &registry.Result{Name: "ghost", Err: fmt.Errorf("registry: gem %q: %w", "ghost", registry.ErrNotFound)},
			status: Unknown, reason: []string{"not found on RubyGems.org"},
		},
		{
			name:   "invalid name",
			spec:   spec("bad name", "1.0", rubygemsSource),
			result: &registry.Result{Name: "bad name", Err: registry.ErrInvalidName},
			status: Unknown, reason: []string{"not a valid gem name"},
		},
		{
			name:   "lookup failed after retries",
			spec:   spec("flaky", "1.0", rubygemsSource),
			result: &registry.Result{Name: "flaky", Err: errors.New("registry: gem \"flaky\": GET https://u:pw@mirror.example/api/v1/versions/flaky.json: 503 Service Unavailable after 5 attempts")},
			status: Unknown, lookupErr: true,
			reason:    []string{"lookup failed:", "503 Service Unavailable after 5 attempts", "https://REDACTED@mirror.example"},
			notReason: []string{"pw"},
		},
		{
			name:   "no result at all",
			spec:   spec("forgotten", "1.0", rubygemsSource),
			status: Unknown, lookupErr: true, reason: []string{"not looked up"},
		},
		{
			name:   "ambiguous source judged on RubyGems.org",
			spec:   spec("rails-assets-jquery", "3.0.0", mixedSource),
			result: &registry.Result{Name: "rails-assets-jquery", Err: registry.ErrNotFound},
			status: Unknown, remote: "https://rubygems.org/",
			reason: []string{"not found on RubyGems.org", "source ambiguous: the GEM section also lists https://rails-assets.org/"},
		},
		{
			name:   "private gem server, credentials redacted",
			spec:   spec("secret-sauce", "1.0", privateSource),
			result: &registry.Result{Name: "secret-sauce", Gem: gem("secret-sauce", 0, ver("1.0", "true"))},
			status: NotCovered, remote: "https://REDACTED@gems.example.com/", sourceType: "rubygems",
			reason:    []string{"from https://REDACTED@gems.example.com/: RubyGems.org's MFA policy does not apply", "policy does not apply"},
			notReason: []string{"s3cr3t", "deploy"},
		},
		{
			name:   "git",
			spec:   spec("widget", "0.1.0", gitSource),
			result: &registry.Result{Name: "widget", Gem: gem("widget", 0, ver("0.1.0", "true"))},
			status: NotCovered, remote: "https://github.com/acme/widget.git", sourceType: "git",
			reason: []string{"from git https://github.com/acme/widget.git at abc123"},
		},
		{
			name: "path", spec: spec("local", "0.0.1", pathSource),
			status: NotCovered, remote: "vendor/gems/local", sourceType: "path", reason: []string{"from path vendor/gems/local"},
		},
		{
			name: "plugin", spec: spec("plug", "1.0", pluginSource),
			status: NotCovered, sourceType: "plugin", reason: []string{"from plugin source https://plugin.example/"},
		},
		{
			// Fail closed: a spec whose origin the lockfile does not give is
			// neither judged nor excused as not_covered.
			name:   "GEM section without a remote",
			spec:   spec("orphan", "1.0", &lockfile.Source{Type: lockfile.SourceRubygems, Line: 60}),
			result: &registry.Result{Name: "orphan", Gem: gem("orphan", 0, ver("1.0", "true"))},
			status: Unknown, sourceType: "rubygems",
			reason: []string{"its GEM section names no remote, so where it comes from cannot be judged"},
		},
		{
			name:   "no source at all",
			spec:   spec("nowhere", "1.0", nil),
			status: Unknown,
			reason: []string{"the lockfile names no source for this gem"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := map[string]registry.Result{}
			if tt.result != nil {
				results[tt.spec.Name] = *tt.result
			}
			lr := Evaluate(&lockfile.Lockfile{Path: "Gemfile.lock", Specs: []*lockfile.Spec{tt.spec}}, results, EvaluateOptions{})
			if len(lr.Gems) != 1 {
				t.Fatalf("got %d findings, want 1", len(lr.Gems))
			}
			f := lr.Gems[0]
			if f.Status != tt.status {
				t.Errorf("status = %s, want %s (reason %q)", f.Status, tt.status, f.Reason)
			}
			for _, want := range tt.reason {
				if !strings.Contains(f.Reason, want) {
					t.Errorf("reason %q does not contain %q", f.Reason, want)
				}
			}
			for _, bad := range tt.notReason {
				if strings.Contains(f.Reason, bad) {
					t.Errorf("reason %q contains %q", f.Reason, bad)
				}
			}
			if strings.Contains(f.Reason, "\n") {
				t.Errorf("reason has a newline: %q", f.Reason)
			}
			if tt.status != NotCovered && tt.status != Unknown || tt.latest != "" {
				if f.LatestVersion != tt.latest {
					t.Errorf("latest_version = %q, want %q", f.LatestVersion, tt.latest)
				}
			}
			if !eqPtr(f.MFAFlag, tt.flag) {
				t.Errorf("mfa_flag = %v, want %v", show(f.MFAFlag), show(tt.flag))
			}
			if !eqPtr(f.LockedVersionMFA, tt.lockedMFA) {
				t.Errorf("locked_version_mfa = %v, want %v", show(f.LockedVersionMFA), show(tt.lockedMFA))
			}
			if (f.LookupError != "") != tt.lookupErr {
				t.Errorf("lookup_error = %q, want set=%v", f.LookupError, tt.lookupErr)
			}
			if tt.downloads != 0 && (f.Downloads != tt.downloads || f.DownloadsExact != tt.exact) {
				t.Errorf("downloads = %d (exact %v), want %d (exact %v)", f.Downloads, f.DownloadsExact, tt.downloads, tt.exact)
			}
			if tt.remote != "" && f.Source.Remote != tt.remote {
				t.Errorf("remote = %q, want %q", f.Source.Remote, tt.remote)
			}
			if tt.sourceType != "" && f.Source.Type != tt.sourceType {
				t.Errorf("source type = %q, want %q", f.Source.Type, tt.sourceType)
			}
			if f.Status == NotCovered && (f.MFAFlag != nil || f.LockedVersionMFA != nil || f.LatestVersion != "") {
				t.Errorf("not_covered finding carries registry data: %+v", f)
			}
		})
	}
}

func TestEvaluateLockedPlatform(t *testing.T) {
	linux := ver("1.16.0", "true")
	linux.Platform = "x86_64-linux"
	gnu := ver("1.16.0", "true")
	gnu.Platform = "aarch64-linux-gnu"
	g := gem("nokogiri", 0, ver("1.16.0", "true"), linux, gnu)
	tests := []struct {
		name, platform string
		listed         bool
	}{
		{"ruby build", "ruby", true},
		{"exact platform", "x86_64-linux", true},
		{"lockfile adds -gnu", "x86_64-linux-gnu", true},
		{"lockfile drops -gnu", "aarch64-linux", true},
		{"platform never built", "java", false},
		{"darwin is not linux", "arm64-darwin", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spec("nokogiri", "1.16.0", rubygemsSource)
			s.Platform = tt.platform
			lr := Evaluate(&lockfile.Lockfile{Specs: []*lockfile.Spec{s}}, map[string]registry.Result{"nokogiri": {Name: "nokogiri", Gem: g}}, EvaluateOptions{})
			f := lr.Gems[0]
			if (f.LockedVersionMFA != nil) != tt.listed {
				t.Errorf("locked_version_mfa = %v, want listed=%v", show(f.LockedVersionMFA), tt.listed)
			}
			if f.Platform != tt.platform {
				t.Errorf("platform = %q, want %q", f.Platform, tt.platform)
			}
			if !tt.listed && !strings.Contains(f.Reason, "locked 1.16.0 ("+tt.platform+") is not listed") {
				t.Errorf("reason %q does not name the unlisted build", f.Reason)
			}
		})
	}
}

func TestEvaluateSanitizesUntrustedText(t *testing.T) {
	const esc = "\x1b]8;;https://evil.example\x07click\x1b[2J"
	v := ver("1.0"+esc, "nope"+esc)
	v.Metadata["source_code_uri"] = "https://example.com/" + esc
	s := &lockfile.Spec{Name: "evil" + esc, Version: "1.0" + esc, Platform: "ruby\x1b[31m", Line: 3, Direct: true,
		Path:   []string{"app\x1b[0m", "evil" + esc},
		Source: &lockfile.Source{Type: lockfile.SourceRubygems, Remotes: []string{"https://rubygems.org/"}}}
	g := gem("evil"+esc, 0, v)
	lf := &lockfile.Lockfile{Path: "dir\x1b[1m/Gemfile.lock", Specs: []*lockfile.Spec{s, {
		Name: "git\x1b[5m", Version: "1", Platform: "ruby",
		Source: &lockfile.Source{Type: lockfile.SourceGit, Remotes: []string{"https://x\x1b[2J.example/r.git"}, Revision: "r\x1b[2J"},
	}}, Warnings: []lockfile.Warning{{Line: 9, Msg: "odd line \x1b[2J"}}}
	lr := Evaluate(lf, map[string]registry.Result{s.Name: {Name: s.Name, Gem: g}}, EvaluateOptions{})
	for _, text := range allText(lr) {
		if strings.ContainsAny(text, "\x1b\x07") {
			t.Errorf("control character survived: %q", text)
		}
	}
	if lr.Gems[0].Status != Protected {
		t.Errorf("status = %s, want protected (%q is truthy)", lr.Gems[0].Status, "nope"+esc)
	}
}

func allText(lr LockfileReport) []string {
	out := []string{lr.Path}
	for _, w := range lr.Warnings {
		out = append(out, w.Message)
	}
	for _, f := range lr.Gems {
		out = append(out, f.Name, f.Version, f.Platform, f.Source.Remote, f.Source.Revision, f.Reason, f.LatestVersion, f.LookupError)
		out = append(out, f.Path...)
		if f.MFAFlag != nil {
			out = append(out, *f.MFAFlag)
		}
		if f.SourceCodeURI != nil {
			out = append(out, *f.SourceCodeURI)
		}
	}
	return out
}

func TestEvaluateOrderAndOnlyDirect(t *testing.T) {
	a := spec("a", "1", rubygemsSource)
	b := spec("b", "1", rubygemsSource)
	b.Direct = false
	b.Path = []string{"a", "b"}
	bJava := spec("b", "1", rubygemsSource)
	bJava.Platform, bJava.Direct = "java", false
	c := spec("c", "1", gitSource)
	lf := &lockfile.Lockfile{Path: "Gemfile.lock", Specs: []*lockfile.Spec{c, b, a, bJava}}
	results := map[string]registry.Result{
		"a": {Name: "a", Gem: gem("a", 0, ver("1", "true"))},
		"b": {Name: "b", Gem: gem("b", 0, ver("1"))},
	}

	if got, want := strings.Join(LookupNames([]*lockfile.Lockfile{lf, lf}, EvaluateOptions{}), ","), "b,a"; got != want {
		t.Errorf("LookupNames = %s, want %s (deduplicated, git excluded, first-seen order)", got, want)
	}
	if got, want := strings.Join(LookupNames([]*lockfile.Lockfile{lf}, EvaluateOptions{OnlyDirect: true}), ","), "a"; got != want {
		t.Errorf("LookupNames(only direct) = %s, want %s", got, want)
	}

	lr := Evaluate(lf, results, EvaluateOptions{})
	var order []string
	for _, f := range lr.Gems {
		order = append(order, f.Name+"/"+f.Platform)
	}
	if got, want := strings.Join(order, ","), "c/ruby,b/ruby,a/ruby,b/java"; got != want {
		t.Errorf("order = %s, want lockfile order %s", got, want)
	}
	lr = Evaluate(lf, results, EvaluateOptions{OnlyDirect: true})
	if len(lr.Gems) != 2 || lr.Gems[0].Name != "c" || lr.Gems[1].Name != "a" {
		t.Errorf("only direct kept %+v", lr.Gems)
	}
}

func TestEvaluateCustomRubygemsMatcher(t *testing.T) {
	lf := &lockfile.Lockfile{Specs: []*lockfile.Spec{spec("x", "1", privateSource)}}
	opts := EvaluateOptions{IsRubygemsOrg: func(r string) bool { return strings.Contains(r, "gems.example.com") }}
	if names := LookupNames([]*lockfile.Lockfile{lf}, opts); len(names) != 1 {
		t.Fatalf("LookupNames = %v, want [x]", names)
	}
	lr := Evaluate(lf, map[string]registry.Result{"x": {Name: "x", Gem: gem("x", 0, ver("1", "true"))}}, opts)
	if lr.Gems[0].Status != Protected {
		t.Errorf("status = %s, want protected", lr.Gems[0].Status)
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 180000000: "180,000,000", -1234567: "-1,234,567"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%d) = %q, want %q", in, got, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func show[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// TestRubygemsRemotes: a company proxy of RubyGems.org named with
// --rubygems-remote counts as RubyGems.org; look-alikes do not.
func TestRubygemsRemotes(t *testing.T) {
	is, err := RubygemsRemotes([]string{"https://artifactory.example.com/api/gems/rubygems-remote/", "http://gemstash.internal:9292"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		remote string
		want   bool
	}{
		{"https://rubygems.org/", true},
		{"https://artifactory.example.com/api/gems/rubygems-remote/", true},
		{"https://ARTIFACTORY.example.com:443/api/gems/rubygems-remote", true},
		{"https://deploy:s3cr3t@artifactory.example.com/api/gems/rubygems-remote/", true},
		{"https://artifactory.example.com/api/gems/private/", false},
		{"http://artifactory.example.com/api/gems/rubygems-remote/", false},
		{"http://gemstash.internal:9292/", true},
		{"http://gemstash.internal/", false},
		{"https://artifactory.example.com.evil.test/api/gems/rubygems-remote/", false},
	}
	for _, tt := range tests {
		if got := is(tt.remote); got != tt.want {
			t.Errorf("%q: %v, want %v", tt.remote, got, tt.want)
		}
	}
	for _, bad := range []string{"gemstash.internal", "ftp://x/", "https:///x", "https://x/?q=1"} {
		if _, err := RubygemsRemotes([]string{bad}); err == nil {
			t.Errorf("RubygemsRemotes(%q) accepted it", bad)
		}
	}
	if none, _ := RubygemsRemotes(nil); none("https://artifactory.example.com/api/gems/rubygems-remote/") {
		t.Error("without remotes, a proxy is RubyGems.org")
	}
}
