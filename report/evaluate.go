package report

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry"
)

// EvaluateOptions configure Evaluate and LookupNames.
type EvaluateOptions struct {
	// IsRubygemsOrg reports whether a GEM remote is RubyGems.org, whose
	// policy the verdicts describe; nil means IsRubygemsOrg.
	IsRubygemsOrg func(remote string) bool
	// OnlyDirect keeps only the gems named in the DEPENDENCIES section.
	OnlyDirect bool
}

func (o EvaluateOptions) isRubygemsOrg(remote string) bool {
	if o.IsRubygemsOrg != nil {
		return o.IsRubygemsOrg(remote)
	}
	return IsRubygemsOrg(remote)
}

// rubygemsHosts are the host names that serve RubyGems.org itself.
var rubygemsHosts = map[string]bool{
	"rubygems.org":       true,
	"www.rubygems.org":   true,
	"index.rubygems.org": true,
}

// IsRubygemsOrg reports whether a lockfile remote is RubyGems.org: an http
// or https URL whose host is rubygems.org, www.rubygems.org or
// index.rubygems.org (any letter case, the scheme's default port at most),
// with an empty or "/" path and no query or fragment. Credentials in the URL
// do not change the answer. Anything else — a mirror, a gem server under a
// path, a look-alike host — is another registry, where RubyGems.org's MFA
// policy does not apply.
func IsRubygemsOrg(remote string) bool {
	u, err := url.Parse(strings.TrimSpace(remote))
	if err != nil || u.Opaque != "" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return false
	}
	if !rubygemsHosts[strings.ToLower(u.Hostname())] {
		return false
	}
	switch port := u.Port(); {
	case port == "":
	case scheme == "http" && port == "80":
	case scheme == "https" && port == "443":
	default:
		return false
	}
	return u.Path == "" || u.Path == "/"
}

// RubygemsRemotes returns an IsRubygemsOrg for EvaluateOptions that also
// counts the given remotes — a company's proxy of RubyGems.org, such as an
// Artifactory or Gemstash URL — as RubyGems.org. A lockfile remote matches
// one of them when scheme, host (any letter case), port and path (less a
// trailing slash) are the same; credentials are ignored. An entry that is
// not an http(s) URL with a host is an error.
func RubygemsRemotes(remotes []string) (func(string) bool, error) {
	if len(remotes) == 0 {
		return IsRubygemsOrg, nil
	}
	keys := map[string]bool{}
	for _, r := range remotes {
		k, ok := remoteKey(r)
		if !ok {
			return nil, fmt.Errorf("%q is not an http(s) URL of a gem server", lockfile.RedactURL(r))
		}
		keys[k] = true
	}
	return func(remote string) bool {
		if IsRubygemsOrg(remote) {
			return true
		}
		k, ok := remoteKey(remote)
		return ok && keys[k]
	}, nil
}

// remoteKey is what two remotes must share to be the same gem server.
func remoteKey(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Opaque != "" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port + strings.TrimRight(u.EscapedPath(), "/"), true
}

// coverage says how a spec's source relates to RubyGems.org.
type coverage struct {
	covered bool   // judged by RubyGems.org's policy
	remote  string // the remote to show (not yet redacted)
	// others lists the section's other remotes when one of several is
	// RubyGems.org: Bundler may have resolved the gem from any of them.
	others []string
	// why explains a spec that is not covered.
	why string
	// unknown is set when the lockfile does not say where the spec comes
	// from: it is then neither judged nor excused.
	unknown bool
}

func sourceCoverage(src *lockfile.Source, opts EvaluateOptions) coverage {
	if src == nil {
		return coverage{unknown: true, why: "the lockfile names no source for this gem"}
	}
	switch src.Type {
	case lockfile.SourceGit:
		why := "from git " + cleanRemote(src.Remote())
		if rev := registry.Sanitize(src.Revision); rev != "" {
			why += " at " + rev[:min(len(rev), 12)]
		}
		return coverage{remote: src.Remote(), why: why}
	case lockfile.SourcePath:
		return coverage{remote: src.Remote(), why: "from path " + cleanRemote(src.Remote())}
	case lockfile.SourcePlugin:
		return coverage{remote: src.Remote(), why: "from plugin source " + cleanRemote(src.Remote())}
	case lockfile.SourceRubygems:
	default:
		return coverage{remote: src.Remote(), why: fmt.Sprintf("from an unknown source type %q", registry.Sanitize(string(src.Type)))}
	}
	if len(src.Remotes) == 0 {
		return coverage{unknown: true, why: "its GEM section names no remote"}
	}
	rg := -1
	for i, r := range src.Remotes {
		if opts.isRubygemsOrg(r) {
			rg = i
			break
		}
	}
	if rg < 0 {
		names := make([]string, len(src.Remotes))
		for i, r := range src.Remotes {
			names[i] = cleanRemote(r)
		}
		return coverage{remote: src.Remotes[0], why: "from " + strings.Join(names, ", ")}
	}
	c := coverage{covered: true, remote: src.Remotes[rg]}
	for i, r := range src.Remotes {
		if i != rg {
			c.others = append(c.others, r)
		}
	}
	return c
}

// LookupNames returns the distinct names, in first-seen order, of the
// specs that must be looked up on RubyGems.org: those from a GEM section
// with a RubyGems.org remote. Other specs are never sent to the registry.
func LookupNames(lockfiles []*lockfile.Lockfile, opts EvaluateOptions) []string {
	seen := map[string]bool{}
	var names []string
	for _, lf := range lockfiles {
		if lf == nil {
			continue
		}
		for _, s := range lf.Specs {
			if s == nil || (opts.OnlyDirect && !s.Direct) || seen[s.Name] {
				continue
			}
			if !sourceCoverage(s.Source, opts).covered {
				continue
			}
			seen[s.Name] = true
			names = append(names, s.Name)
		}
	}
	return names
}

// Results indexes registry answers by gem name.
func Results(rs []registry.Result) map[string]registry.Result {
	m := make(map[string]registry.Result, len(rs))
	for _, r := range rs {
		m[r.Name] = r
	}
	return m
}

// Evaluate judges every spec of a parsed lockfile, in lockfile order, from
// the registry's answers (indexed by gem name; see Results). It is pure: it
// does no I/O. Specs from sources other than RubyGems.org are not_covered
// whatever results holds; a RubyGems.org spec whose name has no result is
// unknown and counts as a failed lookup.
func Evaluate(lf *lockfile.Lockfile, results map[string]registry.Result, opts EvaluateOptions) LockfileReport {
	lr := LockfileReport{Path: registry.Sanitize(lf.Path), Gems: []Finding{}}
	deps := &dependents{lf: lf}
	for _, w := range lf.Warnings {
		lr.Warnings = append(lr.Warnings, Warning{Line: w.Line, Message: registry.Sanitize(w.Msg)})
	}
	for _, s := range lf.Specs {
		if s == nil {
			continue
		}
		if opts.OnlyDirect && !s.Direct {
			if lr.omitted == nil {
				lr.omitted = map[string]bool{}
			}
			lr.omitted[s.Name] = true
			continue
		}
		res, ok := results[s.Name]
		var rp *registry.Result
		if ok {
			rp = &res
		}
		f := evaluateSpec(s, rp, opts)
		if f.Status == Unprotected || f.Status == Unknown {
			f.via = deps.of(s.Name)
			for i, v := range f.via {
				f.via[i] = registry.Sanitize(v)
			}
		}
		lr.Gems = append(lr.Gems, f)
	}
	return lr
}

func evaluateSpec(s *lockfile.Spec, res *registry.Result, opts EvaluateOptions) Finding {
	f := Finding{
		Name:     registry.Sanitize(s.Name),
		Version:  registry.Sanitize(s.Version),
		Platform: registry.Sanitize(s.Platform),
		Line:     s.Line,
		Direct:   s.Direct,
		Path:     make([]string, 0, len(s.Path)),
	}
	if f.Platform == "" {
		f.Platform = "ruby"
	}
	for _, p := range s.Path {
		f.Path = append(f.Path, registry.Sanitize(p))
	}
	cov := sourceCoverage(s.Source, opts)
	if s.Source != nil {
		f.Source = Source{Type: string(s.Source.Type), Remote: cleanRemote(cov.remote)}
		if s.Source.Type == lockfile.SourceGit {
			f.Source.Revision = registry.Sanitize(s.Source.Revision)
		}
	}
	if cov.unknown {
		// Fail closed: a gem of unknown origin is not excused as not_covered.
		f.Status = Unknown
		f.Reason = cov.why + ", so where it comes from cannot be judged"
		return f
	}
	if !cov.covered {
		f.Status = NotCovered
		f.Reason = cov.why + ": RubyGems.org's MFA policy does not apply"
		return f
	}
	judge(&f, s, res)
	if len(cov.others) > 0 {
		others := make([]string, len(cov.others))
		for i, r := range cov.others {
			others[i] = cleanRemote(r)
		}
		f.Reason += "; source ambiguous: the GEM section also lists " + strings.Join(others, ", ")
	}
	return f
}

// judge fills in the verdict for a spec from a RubyGems.org GEM section.
func judge(f *Finding, s *lockfile.Spec, res *registry.Result) {
	switch {
	case res == nil:
		f.Status = Unknown
		f.Reason = "not looked up on RubyGems.org"
		f.LookupError = f.Reason
		return
	case errors.Is(res.Err, registry.ErrNotFound):
		f.Status = Unknown
		f.Reason = "not found on RubyGems.org"
		return
	case errors.Is(res.Err, registry.ErrNotMirrored):
		// The mirror was taken without this gem: unknown, and said so;
		// never taken for "RubyGems.org has no such gem".
		f.Status = Unknown
		f.Reason = "not in the mirror"
		var nm *registry.NotMirroredError
		if errors.As(res.Err, &nm) && !nm.Taken.IsZero() {
			f.Reason += " taken " + nm.Taken.UTC().Format("2006-01-02")
		}
		return
	case errors.Is(res.Err, registry.ErrInvalidName):
		f.Status = Unknown
		f.Reason = "not a valid gem name, so it was not looked up"
		return
	case res.Err != nil:
		f.Status = Unknown
		// The gem is named already; keep what went wrong.
		msg := strings.TrimPrefix(res.Err.Error(), fmt.Sprintf("registry: gem %q: ", s.Name))
		msg = registry.Sanitize(redactText(msg))
		f.Reason = "lookup failed: " + msg
		f.LookupError = msg
		return
	case res.Gem == nil:
		f.Status = Unknown
		f.Reason = "lookup failed: the registry gave no answer"
		f.LookupError = "no answer"
		return
	}
	g := res.Gem
	latest := g.Latest
	f.Downloads, f.DownloadsExact = g.ListedDownloads, false
	if g.DownloadsExact {
		f.Downloads, f.DownloadsExact = g.Downloads, true
	}
	if latest != nil {
		f.LatestVersion = registry.Sanitize(latest.Number)
		if flag := latest.MFA(); flag.Set {
			raw := registry.Sanitize(flag.Raw)
			f.MFAFlag = &raw
		}
	}
	if uri := registry.Sanitize(g.SourceCodeURI()); uri != "" {
		f.SourceCodeURI = &uri
	}
	locked := findLocked(g, s.Version, s.Platform)
	if locked != nil {
		req := locked.MFA().Required()
		f.LockedVersionMFA = &req
	}

	switch f.Status = GemStatus(g); f.Status {
	case Protected:
		f.Reason = fmt.Sprintf("latest release %s sets rubygems_mfa_required=%q", f.LatestVersion, *f.MFAFlag)
	case Partial:
		count := "sum of listed versions"
		if g.DownloadsExact {
			count = "exact total"
		}
		f.Reason = fmt.Sprintf("popular (%s downloads, %s): owners must use MFA, but %s",
			thousands(f.Downloads), count, flagPhrase(g, f.LatestVersion))
	default:
		f.Reason = flagPhrase(g, f.LatestVersion)
	}
	f.Reason += lockedNote(f, g, locked)
}

// GemStatus is the verdict on a gem RubyGems.org serves: protected when
// every build of its latest release requires MFA, partial when only the
// popular-gem policy makes its owners use MFA, else unprotected.
func GemStatus(g *registry.Gem) Status {
	switch {
	case g.MFARequired():
		return Protected
	case g.Popular():
		return Partial
	}
	return Unprotected
}

// flagPhrase says why the latest release does not protect the gem.
func flagPhrase(g *registry.Gem, number string) string {
	latest := g.Latest
	if latest == nil {
		return "no release yet, only prereleases"
	}
	flag := latest.MFA()
	switch {
	case flag.Required():
		// Another platform build of the same release lacks the flag.
		var without []string
		for _, v := range g.LatestBuilds() {
			if !v.MFA().Required() {
				without = append(without, registry.Sanitize(v.Platform))
			}
		}
		return fmt.Sprintf("the builds of latest release %s disagree: %s sets rubygems_mfa_required=%q but %s does not, and RubyGems.org may judge by either",
			number, registry.Sanitize(latest.Platform), registry.Sanitize(flag.Raw), strings.Join(without, ", "))
	case !flag.Set:
		return fmt.Sprintf("latest release %s does not set rubygems_mfa_required", number)
	case flag.Raw == "":
		return fmt.Sprintf("latest release %s sets rubygems_mfa_required to a blank value, which RubyGems.org reads as unset", number)
	}
	return fmt.Sprintf("opted out: latest release %s sets rubygems_mfa_required=%q", number, registry.Sanitize(flag.Raw))
}

// lockedNote describes the locked build when it tells the reader something
// the verdict does not: that it is not listed (yanked), or that its own flag
// differs from the latest release's.
func lockedNote(f *Finding, g *registry.Gem, locked *registry.Version) string {
	build := f.Version
	if f.Platform != "ruby" {
		build += " (" + f.Platform + ")"
	}
	if locked == nil {
		return fmt.Sprintf("; locked %s is not listed on RubyGems.org (yanked?)", build)
	}
	if locked == g.Latest {
		return ""
	}
	latestReq := g.MFARequired()
	if req := locked.MFA().Required(); req != latestReq {
		if req {
			return fmt.Sprintf("; locked %s itself requires MFA", build)
		}
		return fmt.Sprintf("; locked %s itself does not require MFA", build)
	}
	return ""
}

// findLocked returns the registry's build for the locked version and
// platform. RubyGems before 3.4 wrote linux platforms without the "-gnu"
// suffix that newer builds carry, so that spelling is tried second.
func findLocked(g *registry.Gem, number, platform string) *registry.Version {
	if platform == "" {
		platform = "ruby"
	}
	if v := g.Find(number, platform); v != nil {
		return v
	}
	if alt, ok := strings.CutSuffix(platform, "-gnu"); ok && strings.Contains(alt, "-linux") {
		return g.Find(number, alt)
	}
	if strings.HasSuffix(platform, "-linux") {
		return g.Find(number, platform+"-gnu")
	}
	return nil
}

// thousands formats n with comma separators: 180000000 → "180,000,000".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// cleanRemote makes a lockfile remote fit for a report: credentials
// removed, control characters neutralised.
func cleanRemote(remote string) string {
	return registry.Sanitize(lockfile.RedactURL(remote))
}
