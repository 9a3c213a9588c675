package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry"
	"github.com/mfaudit/mfaudit/report"
	"github.com/mfaudit/mfaudit/report/atomicfile"
)

// auditOptions are the inputs of one audit, checked by the command.
type auditOptions struct {
	paths       []string
	format      string
	output      string
	registryURL string
	rate        float64
	concurrency int
	cacheDir    string
	noCache     bool
	onlyDirect  bool
	failOn      []report.Status
	allowlist   string
	quiet       bool
	// isRubygemsOrg tells RubyGems.org remotes, --rubygems-remote included.
	isRubygemsOrg   func(string) bool
	rubygemsRemotes []string
	top             int
	recursive       bool
	markdownLimit   int
	baseline        string // --baseline FILE
	diffBase        string // --diff-base REF
}

const auditLong = `Audit reads each lockfile (a Gemfile.lock or gems.locked, or a directory
holding one; by default the one in the current directory) and asks RubyGems.org,
once per gem, whether the gem's latest release sets rubygems_mfa_required.
Every locked spec gets one verdict:

  protected     the latest release sets the flag: pushes need MFA
  partial       no flag, but over 180,000,000 downloads: owners must use MFA
  unprotected   neither: a stolen password or API key can push a release
  not_covered   from GIT, PATH, a plugin or another gem server
  unknown       not on RubyGems.org, or the lookup failed

Exit status: 0 when nothing fails the gate, 3 when findings fail it (see
--fail-on and --allowlist), 1 on errors, including an incomplete audit, and
2 on usage errors. The status is the same for every --format.`

const auditExample = `  mfaudit audit
  mfaudit audit --format sarif --output mfaudit.sarif Gemfile.lock
  mfaudit audit --fail-on unprotected,partial,unknown ~/src/app ~/src/api
  mfaudit audit --registry-url "file://$PWD/testdata/registry" testdata/demo/Gemfile.lock`

func newAuditCmd(e *env) *cobra.Command {
	opts := &auditOptions{}
	var failOn, only string
	cmd := &cobra.Command{
		Use:     "audit [flags] [LOCKFILE|DIR ...]",
		Short:   "Report which locked gems RubyGems.org lets be pushed without MFA",
		Long:    auditLong,
		Example: auditExample,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.paths = args
			if err := checkReportFlags(cmd, opts, failOn); err != nil {
				return err
			}
			switch only {
			case "":
			case "direct":
				opts.onlyDirect = true
			default:
				return usageErrorf(cmd, "--only: unknown value %q (want direct)", only)
			}
			if opts.baseline != "" && opts.diffBase != "" {
				return usageErrorf(cmd, "--baseline and --diff-base cannot be used together")
			}
			if strings.HasPrefix(opts.diffBase, "-") {
				return usageErrorf(cmd, "--diff-base: %q is not a git revision", opts.diffBase)
			}
			var err error
			if opts.isRubygemsOrg, err = report.RubygemsRemotes(opts.rubygemsRemotes); err != nil {
				return usageErrorf(cmd, "--rubygems-remote: %v", err)
			}
			return runAudit(cmd.Context(), e, opts)
		},
	}
	addReportFlags(cmd, opts, &failOn, "for every lockfile (default: "+report.DefaultAllowlistName+" next to each lockfile, if present)")
	f := cmd.Flags()
	f.StringVar(&only, "only", "", "audit only the gems named in DEPENDENCIES (`direct`)")
	f.StringVar(&opts.baseline, "baseline", "", "fail the gate only on findings new since this earlier `REPORT.json` (audit --format json)")
	f.StringVar(&opts.diffBase, "diff-base", "", "fail the gate only on findings new since the lockfiles as they were at git `REF`")
	f.BoolVarP(&opts.recursive, "recursive", "r", false, "audit every Gemfile.lock and gems.locked below each DIR (not in vendor/, node_modules/, .git/, tmp/); a lockfile that does not parse is reported and the rest goes on")
	f.StringArrayVar(&opts.rubygemsRemotes, "rubygems-remote", nil, "count this lockfile remote `URL` as RubyGems.org: a company proxy of it (repeatable)")

	_ = cmd.RegisterFlagCompletionFunc("only", cobra.FixedCompletions([]string{"direct"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		names := []string{"none"}
		for _, st := range report.Statuses() {
			names = append(names, string(st))
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// addReportFlags adds the flags every command that writes a report takes:
// format and output, the registry and its politeness, the gate and the
// allowlist (allowDefault says which allowlist applies without the flag).
func addReportFlags(cmd *cobra.Command, opts *auditOptions, failOn *string, allowDefault string) {
	f := cmd.Flags()
	f.StringVarP(&opts.format, "format", "f", "table", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&opts.output, "output", "o", "", "write the report to `FILE` (atomically) instead of stdout")
	f.StringVar(&opts.registryURL, "registry-url", "", "use this `URL` instead of https://rubygems.org for RubyGems.org sources (http(s):// mirror, file://DIR snapshot, or postgres:// database loaded with the public dump)")
	f.Float64Var(&opts.rate, "rate", 10, "most registry requests a second")
	f.IntVar(&opts.concurrency, "concurrency", 8, "most registry requests in flight")
	f.StringVar(&opts.cacheDir, "cache-dir", "", "cache registry answers in `DIR` (default: mfaudit in the user cache directory)")
	f.BoolVar(&opts.noCache, "no-cache", false, "neither read nor write the cache")
	f.StringVar(failOn, "fail-on", "unprotected,unknown", "comma-separated `statuses` that fail the gate (exit 3), or none")
	f.StringVar(&opts.allowlist, "allowlist", "", "allowlist `FILE` "+allowDefault)
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "print no progress or notes on stderr, only errors")
	f.IntVar(&opts.markdownLimit, "markdown-limit", report.DefaultMarkdownLimit, "most characters of --format markdown (a GitHub comment holds 65536, a job summary 1048576; 0: no limit)")
	f.IntVar(&opts.top, "top", report.DefaultTop, "with several lockfiles, list the `N` most shared exposed gems in table and markdown output")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		names := []string{"none"}
		for _, st := range report.Statuses() {
			names = append(names, string(st))
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
}

// checkReportFlags checks the flags addReportFlags adds.
func checkReportFlags(cmd *cobra.Command, opts *auditOptions, failOn string) error {
	if !slices.Contains(report.Formats(), opts.format) {
		return usageErrorf(cmd, "--format: unknown format %q (want %s)", opts.format, strings.Join(report.Formats(), ", "))
	}
	var err error
	if opts.failOn, err = report.ParseFailOn(failOn); err != nil {
		return usageErrorf(cmd, "--fail-on: %v", err)
	}
	if opts.rate <= 0 {
		return usageErrorf(cmd, "--rate must be above 0, got %g", opts.rate)
	}
	if opts.markdownLimit < 0 {
		return usageErrorf(cmd, "--markdown-limit must be 0 (no limit) or more, got %d", opts.markdownLimit)
	}
	if opts.top < 1 {
		return usageErrorf(cmd, "--top must be at least 1, got %d", opts.top)
	}
	if opts.concurrency < 1 {
		return usageErrorf(cmd, "--concurrency must be at least 1, got %d", opts.concurrency)
	}
	if opts.registryURL != "" {
		if err := checkRegistryURL(opts.registryURL); err != nil {
			return usageErrorf(cmd, "--registry-url: %v", err)
		}
	}
	return nil
}

func checkRegistryURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", lockfile.RedactURL(raw))
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return fmt.Errorf("%q names no host", lockfile.RedactURL(raw))
		}
		if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
			return fmt.Errorf("%q must not have a query or fragment", lockfile.RedactURL(raw))
		}
	case "file":
		if u.Path == "" {
			return fmt.Errorf("%q names no directory", raw)
		}
	case "postgres", "postgresql":
		// A connection string: host, database and options are the
		// driver's to judge when it connects.
	default:
		return fmt.Errorf("%q: want an http://, https://, file:// or postgres:// URL", lockfile.RedactURL(raw))
	}
	return nil
}

// keepParsed is how many lockfiles an audit keeps parsed between its two
// passes; beyond it, each is parsed again when its turn comes, so that a
// fleet's memory grows with its distinct gems, not with its lockfiles.
const keepParsed = 64

// runAudit audits in two passes: it parses every lockfile to learn the
// gems to look up, looks them up (each once), then judges and writes the
// lockfiles one at a time.
func runAudit(ctx context.Context, e *env, opts *auditOptions) error {
	paths, err := auditPaths(e, opts)
	if err != nil {
		return err
	}
	evalOpts := report.EvaluateOptions{OnlyDirect: opts.onlyDirect, IsRubygemsOrg: opts.isRubygemsOrg}

	// Pass 1. A lockfile that does not parse stops a plain audit before
	// any request or output; a recursive one reports it and goes on.
	parsed := make([]*lockfile.Lockfile, len(paths))
	failed := make([]error, len(paths))
	var names []string
	seen := map[string]bool{}
	for i, p := range paths {
		lf, err := lockfile.ParseFile(p)
		if err != nil {
			if !opts.recursive {
				return err
			}
			failed[i] = err
			continue
		}
		for _, n := range report.LookupNames([]*lockfile.Lockfile{lf}, evalOpts) {
			if !seen[n] {
				// A name points into its lockfile's text; a copy lets
				// the text go.
				n = strings.Clone(n)
				seen[n] = true
				names = append(names, n)
			}
		}
		if len(paths) <= keepParsed {
			parsed[i] = lf
		}
	}
	allowlists, err := loadAllowlists(opts.allowlist, paths)
	if err != nil {
		return err
	}

	prog := newProgress(e.stderr, e.stderrTTY && !opts.quiet, len(names))
	client, err := auditClient(opts, prog)
	if err != nil {
		return err
	}
	defer client.Close()
	results := report.Results(client.Lookup(ctx, names))
	prog.finish()
	if err := ctx.Err(); err != nil {
		return err
	}

	base, baselineName, err := loadBaseline(ctx, opts, paths)
	if err != nil {
		return err
	}

	// Pass 2: judge and write each lockfile in turn.
	out, commit, abort, err := auditOutput(e, opts)
	if err != nil {
		return err
	}
	stream, err := report.NewStream(out, opts.format, report.Gate{FailOn: opts.failOn, Baseline: baselineName}, renderOptions(e, opts))
	if err != nil {
		abort()
		return err
	}
	now := e.now()
	var warnings []string
	parseErrors := 0
	lookupFailed := map[string]bool{}
	for i, p := range paths {
		lf := parsed[i]
		if lf == nil && failed[i] == nil {
			if lf, err = lockfile.ParseFile(p); err != nil {
				failed[i] = err // changed between the passes
			}
		}
		var lr report.LockfileReport
		if failed[i] != nil {
			parseErrors++
			lr = report.LockfileReport{Path: registry.Sanitize(p), Error: registry.Sanitize(failed[i].Error()), Gems: []report.Finding{}}
			warnings = append(warnings, fmt.Sprintf("mfaudit: %s", lr.Error))
		} else {
			lr = report.Evaluate(lf, results, evalOpts)
			allowlists[i].Apply(&lr, now)
			if opts.diffBase != "" {
				// The lockfile as it was, judged with the same answers.
				old, err := lockfileAt(ctx, opts.diffBase, p)
				if err != nil {
					abort()
					return err
				}
				if old != nil {
					oldReport := report.Evaluate(old, results, evalOpts)
					oldReport.Path = lr.Path
					base.Add(&oldReport)
				}
			}
			if base != nil {
				base.Mark(&lr)
			}
			warnings = append(warnings, lockfileWarnings(&lr)...)
			for _, f := range lr.Gems {
				if f.LookupError != "" && !lookupFailed[f.Name] {
					lookupFailed[strings.Clone(f.Name)] = true
				}
			}
		}
		parsed[i] = nil
		if err := stream.Add(&lr); err != nil {
			abort()
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	var states []report.AllowlistEntryState
	seenAL := map[*report.Allowlist]bool{}
	for _, al := range allowlists {
		if al != nil && !seenAL[al] {
			seenAL[al] = true
			states = append(states, al.States(now)...)
		}
	}
	r, err := stream.Close(states, registryData(client))
	if err != nil {
		abort()
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := commit(); err != nil {
		return err
	}
	return auditOutcome(e, opts, r, warnings, parseErrors, len(lookupFailed))
}

// auditClient returns the registry client of an audit.
func auditClient(opts *auditOptions, prog *progress) (*registry.Client, error) {
	return registry.New(registry.Options{
		BaseURL:     opts.registryURL,
		Rate:        opts.rate,
		Concurrency: opts.concurrency,
		CacheDir:    cacheDir(opts.noCache, opts.cacheDir, opts.registryURL),
		UserAgent:   registry.UserAgent(mfauditVersion()),
		OnDone:      prog.done,
	})
}

// renderOptions are the report's: colour and width only on a terminal.
func renderOptions(e *env, opts *auditOptions) report.RenderOptions {
	ro := report.RenderOptions{ToolVersion: mfauditVersion(), Top: opts.top, MarkdownLimit: opts.markdownLimit}
	if opts.markdownLimit == 0 {
		ro.MarkdownLimit = -1
	}
	if opts.output == "" {
		ro.Color = e.colour(e.stdoutTTY)
		ro.Width = e.stdoutWidth
	}
	return ro
}

// auditOutcome says what the report cannot (its notes, when stdout does
// not carry a human format) and returns the audit's outcome: incomplete
// (exit 1), failing the gate (exit 3) or passing.
func auditOutcome(e *env, opts *auditOptions, r *report.Report, warnings []string, parseErrors, lookupErrors int) error {
	// The human formats on stdout already show the notes and the gate's
	// outcome; when stdout carries JSON or SARIF, or nothing, say them on
	// stderr. A lockfile that could not be read is always said.
	notes := !opts.quiet && (opts.output != "" || opts.format == "json" || opts.format == "sarif")
	if notes {
		for _, w := range warnings {
			fmt.Fprintln(e.stderr, w)
		}
		printAllowlistNotes(e.stderr, r)
	} else if parseErrors > 0 && !opts.quiet {
		for _, w := range warnings {
			if strings.HasPrefix(w, "mfaudit: ") && !strings.HasPrefix(w, "mfaudit: warning: ") {
				fmt.Fprintln(e.stderr, w)
			}
		}
	}
	if r.Incomplete {
		return incompleteError(parseErrors, lookupErrors)
	}
	if r.Gate.Failed {
		if notes {
			fmt.Fprintf(e.stderr, "mfaudit: %d finding(s) fail the gate (--fail-on %s)\n", r.Summary.Failing, joinStatuses(opts.failOn))
		}
		return errFindings
	}
	return nil
}

// loadBaseline prepares the comparison the gate makes: with --baseline
// the findings of an earlier report, with --diff-base an empty baseline
// that each lockfile's state at REF fills in turn (the revision is checked
// in every lockfile's repository first, so that a typo fails before any
// output).
func loadBaseline(ctx context.Context, opts *auditOptions, paths []string) (*report.Baseline, string, error) {
	switch {
	case opts.baseline != "":
		f, err := os.Open(opts.baseline)
		if err != nil {
			return nil, "", fmt.Errorf("--baseline: %w", err)
		}
		defer f.Close()
		r, err := report.ReadJSON(f, opts.baseline)
		if err != nil {
			return nil, "", fmt.Errorf("--baseline: %w", err)
		}
		b := report.NewBaseline(opts.failOn)
		b.AddReport(r)
		return b, "the baseline " + opts.baseline, nil
	case opts.diffBase != "":
		checked := map[string]bool{}
		for _, p := range paths {
			if dir := filepath.Dir(p); !checked[dir] {
				checked[dir] = true
				if err := gitVerify(ctx, dir, opts.diffBase); err != nil {
					return nil, "", err
				}
			}
		}
		return report.NewBaseline(opts.failOn), opts.diffBase, nil
	}
	return nil, "", nil
}

// gitVerify checks that ref names a commit of the repository holding dir.
func gitVerify(ctx context.Context, dir, ref string) error {
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = "not a commit of the repository holding " + dir
		}
		return fmt.Errorf("--diff-base %s: %s", ref, registry.Sanitize(msg))
	}
	return nil
}

// lockfileAt returns the lockfile at path as it was at git revision ref,
// or nil when it did not exist there (the lockfile is new).
func lockfileAt(ctx context.Context, ref, path string) (*lockfile.Lockfile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "show", "--end-of-options", ref+":./"+base)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := stderr.String()
		if strings.Contains(msg, "does not exist in") || strings.Contains(msg, "exists on disk, but not in") {
			return nil, nil
		}
		return nil, fmt.Errorf("--diff-base: git show %s:%s: %s", ref, path, registry.Sanitize(strings.TrimSpace(msg)))
	}
	lf, err := lockfile.Parse(&stdout, path+"@"+ref)
	if err != nil {
		// A lockfile broken at the base cannot say what is known: every
		// finding is then new, which is the safe side.
		return nil, nil
	}
	return lf, nil
}

// registryData says, for the report, where the answers came from when
// not from the live registry.
func registryData(c *registry.Client) *report.RegistryData {
	p := c.Provenance()
	if p == nil {
		return nil
	}
	d := &report.RegistryData{Kind: p.Kind, Source: p.Source}
	var t *time.Time
	if !p.Time.IsZero() {
		u := p.Time.UTC()
		t = &u
	}
	switch p.Kind {
	case registry.ProvenancePostgres:
		d.Database, d.Newest = p.Location, t
	default:
		d.Mirror, d.Taken = p.Location, t
	}
	return d
}

// incompleteError says why an audit cannot be trusted to be complete.
func incompleteError(parseErrors, lookupErrors int) error {
	var parts []string
	if parseErrors > 0 {
		parts = append(parts, fmt.Sprintf("%d lockfile(s) could not be read", parseErrors))
	}
	if lookupErrors > 0 {
		parts = append(parts, fmt.Sprintf("the lookup of %d gem(s) failed; they are reported as unknown", lookupErrors))
	}
	return fmt.Errorf("audit incomplete: %s", strings.Join(parts, "; "))
}

// auditPaths returns the lockfiles to audit: those the arguments name,
// or with --recursive every lockfile below the directories given.
func auditPaths(e *env, opts *auditOptions) ([]string, error) {
	if !opts.recursive {
		return resolveLockfiles(opts.paths)
	}
	args := opts.paths
	if len(args) == 0 {
		args = []string{"."}
	}
	var found []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			found = append(found, a)
			continue
		}
		paths, skipped, err := lockfile.Discover([]string{a})
		if err != nil {
			return nil, err
		}
		for _, s := range skipped {
			if !opts.quiet {
				fmt.Fprintf(e.stderr, "mfaudit: warning: passed over: %s\n", registry.Sanitize(s.Error()))
			}
		}
		found = append(found, paths...)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("no Gemfile.lock or gems.locked below %s", strings.Join(args, ", "))
	}
	return resolveLockfiles(found)
}

// auditOutput returns where the report goes: stdout, or a file that
// replaces --output atomically once the report is whole.
func auditOutput(e *env, opts *auditOptions) (w io.Writer, commit func() error, abort func(), err error) {
	if opts.output == "" {
		return e.stdout, func() error { return nil }, func() {}, nil
	}
	f, err := atomicfile.CreateOutput(opts.output)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("writing %s: %w", opts.output, err)
	}
	commit = func() error {
		if err := f.Commit(); err != nil {
			return fmt.Errorf("writing %s: %w", opts.output, err)
		}
		return nil
	}
	return f, commit, f.Abort, nil
}

func joinStatuses(sts []report.Status) string {
	if len(sts) == 0 {
		return "none"
	}
	s := make([]string, len(sts))
	for i, st := range sts {
		s[i] = string(st)
	}
	return strings.Join(s, ",")
}

// lockfileWarnings are the notes on lines Bundler ignores in a lockfile.
func lockfileWarnings(lr *report.LockfileReport) []string {
	var out []string
	for _, warn := range lr.Warnings {
		if warn.Line > 0 {
			out = append(out, fmt.Sprintf("mfaudit: warning: %s:%d: %s", lr.Path, warn.Line, warn.Message))
		} else {
			out = append(out, fmt.Sprintf("mfaudit: warning: %s: %s", lr.Path, warn.Message))
		}
	}
	return out
}

// printAllowlistNotes tells the user about allowlist entries that need
// attention.
func printAllowlistNotes(w io.Writer, r *report.Report) {
	for _, st := range r.Allowlist {
		switch st.State {
		case report.AllowExpired:
			fmt.Fprintf(w, "mfaudit: %s:%d: allowlist entry for %s expired on %s and no longer allows it\n",
				st.File, st.Line, st.Gem, st.Expires.Format("2006-01-02"))
		case report.AllowStale:
			fmt.Fprintf(w, "mfaudit: %s:%d: allowlist entry for %s matches nothing that needs it; remove it\n",
				st.File, st.Line, st.Gem)
		}
	}
}

// resolveLockfiles turns the arguments into lockfile paths: a directory
// stands for the lockfile Bundler would use in it; no argument means the
// current directory. Paths named twice are audited once. An absolute path
// inside the working directory is made relative to it, as code scanning
// wants SARIF locations relative to the checkout ($GITHUB_WORKSPACE/...).
func resolveLockfiles(args []string) ([]string, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	wd, _ := os.Getwd()
	var out []string
	seen := map[string]bool{}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		p := a
		if fi.IsDir() {
			if p, err = lockfile.Find(a); err != nil {
				return nil, err
			}
		}
		key := filepath.Clean(p)
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if filepath.IsAbs(p) && wd != "" {
			if rel, err := filepath.Rel(wd, p); err == nil && filepath.IsLocal(rel) {
				p = rel
			}
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// loadAllowlists returns the allowlist for each lockfile: the --allowlist
// file for all of them, or else the .mfaudit.yml beside each (nil if none).
func loadAllowlists(explicit string, paths []string) ([]*report.Allowlist, error) {
	out := make([]*report.Allowlist, len(paths))
	if explicit != "" {
		al, err := report.LoadAllowlist(explicit)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i] = al
		}
		return out, nil
	}
	byPath := map[string]*report.Allowlist{}
	for i, p := range paths {
		ap := filepath.Join(filepath.Dir(p), report.DefaultAllowlistName)
		if al, ok := byPath[ap]; ok {
			out[i] = al
			continue
		}
		if _, err := os.Stat(ap); errors.Is(err, fs.ErrNotExist) {
			byPath[ap] = nil
			continue
		}
		al, err := report.LoadAllowlist(ap)
		if err != nil {
			return nil, err
		}
		byPath[ap] = al
		out[i] = al
	}
	return out, nil
}

// cacheDir returns the registry cache directory to use: none with
// --no-cache or a file:// registry, else --cache-dir or the default.
func cacheDir(noCache bool, explicit, registryURL string) string {
	if noCache || strings.HasPrefix(registryURL, "file:") {
		// A local snapshot is as fast as the cache, and must not fill it
		// with answers a later run against the real registry would reuse.
		return ""
	}
	if explicit != "" {
		return explicit
	}
	dir, err := registry.DefaultCacheDir()
	if err != nil {
		// No user cache directory (no $HOME): run without a cache.
		return ""
	}
	return dir
}

// progress shows "looking up gems: n/total" on a terminal's stderr.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	on       bool
	n, total int
}

func newProgress(w io.Writer, on bool, total int) *progress {
	return &progress{w: w, on: on && total > 0, total: total}
}

func (p *progress) done(string, error) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	fmt.Fprintf(p.w, "\r\x1b[Klooking up gems: %d/%d", p.n, p.total)
}

func (p *progress) finish() {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\x1b[K")
}
