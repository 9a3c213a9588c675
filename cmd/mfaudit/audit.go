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
	"path/filepath"
	"slices"
	"strings"
	"sync"

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
			if !slices.Contains(report.Formats(), opts.format) {
				return usageErrorf(cmd, "--format: unknown format %q (want %s)", opts.format, strings.Join(report.Formats(), ", "))
			}
			switch only {
			case "":
			case "direct":
				opts.onlyDirect = true
			default:
				return usageErrorf(cmd, "--only: unknown value %q (want direct)", only)
			}
			var err error
			if opts.failOn, err = report.ParseFailOn(failOn); err != nil {
				return usageErrorf(cmd, "--fail-on: %v", err)
			}
			if opts.rate <= 0 {
				return usageErrorf(cmd, "--rate must be above 0, got %g", opts.rate)
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
			if opts.isRubygemsOrg, err = report.RubygemsRemotes(opts.rubygemsRemotes); err != nil {
				return usageErrorf(cmd, "--rubygems-remote: %v", err)
			}
			return runAudit(cmd.Context(), e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.format, "format", "f", "table", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&opts.output, "output", "o", "", "write the report to `FILE` (atomically) instead of stdout")
	f.StringVar(&opts.registryURL, "registry-url", "", "use this `URL` instead of https://rubygems.org for RubyGems.org sources (http(s):// mirror, or file://DIR snapshot)")
	f.Float64Var(&opts.rate, "rate", 10, "most registry requests a second")
	f.IntVar(&opts.concurrency, "concurrency", 8, "most registry requests in flight")
	f.StringVar(&opts.cacheDir, "cache-dir", "", "cache registry answers in `DIR` (default: mfaudit in the user cache directory)")
	f.BoolVar(&opts.noCache, "no-cache", false, "neither read nor write the cache")
	f.StringVar(&only, "only", "", "audit only the gems named in DEPENDENCIES (`direct`)")
	f.StringVar(&failOn, "fail-on", "unprotected,unknown", "comma-separated `statuses` that fail the gate (exit 3), or none")
	f.StringVar(&opts.allowlist, "allowlist", "", "allowlist `FILE` for every lockfile (default: "+report.DefaultAllowlistName+" next to each lockfile, if present)")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "print no progress or notes on stderr, only errors")
	f.IntVar(&opts.top, "top", report.DefaultTop, "with several lockfiles, list the `N` most shared exposed gems in table and markdown output")
	f.StringArrayVar(&opts.rubygemsRemotes, "rubygems-remote", nil, "count this lockfile remote `URL` as RubyGems.org: a company proxy of it (repeatable)")

	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
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
	default:
		return fmt.Errorf("%q: want an http://, https:// or file:// URL", lockfile.RedactURL(raw))
	}
	return nil
}

// runAudit parses every lockfile, looks the gems up, judges them, writes
// the report and returns the gate's outcome.
func runAudit(ctx context.Context, e *env, opts *auditOptions) error {
	paths, err := resolveLockfiles(opts.paths)
	if err != nil {
		return err
	}
	// Parse everything first: a broken lockfile stops the run before any
	// request is made or any output is written.
	lockfiles := make([]*lockfile.Lockfile, len(paths))
	for i, p := range paths {
		if lockfiles[i], err = lockfile.ParseFile(p); err != nil {
			return err
		}
	}
	allowlists, err := loadAllowlists(opts.allowlist, paths)
	if err != nil {
		return err
	}

	evalOpts := report.EvaluateOptions{OnlyDirect: opts.onlyDirect, IsRubygemsOrg: opts.isRubygemsOrg}
	names := report.LookupNames(lockfiles, evalOpts)
	prog := newProgress(e.stderr, e.stderrTTY && !opts.quiet, len(names))
	client, err := registry.New(registry.Options{
		BaseURL:     opts.registryURL,
		Rate:        opts.rate,
		Concurrency: opts.concurrency,
		CacheDir:    cacheDir(opts.noCache, opts.cacheDir, opts.registryURL),
		UserAgent:   registry.UserAgent(mfauditVersion()),
		OnDone:      prog.done,
	})
	if err != nil {
		return err
	}
	results := client.Lookup(ctx, names)
	prog.finish()
	if err := ctx.Err(); err != nil {
		return err
	}

	now := e.now()
	lookups := report.Results(results)
	reports := make([]report.LockfileReport, len(lockfiles))
	for i, lf := range lockfiles {
		reports[i] = report.Evaluate(lf, lookups, evalOpts)
		allowlists[i].Apply(&reports[i], now)
	}
	r := report.New(reports)
	seen := map[*report.Allowlist]bool{}
	for _, al := range allowlists {
		if al != nil && !seen[al] {
			seen[al] = true
			r.Allowlist = append(r.Allowlist, al.States(now)...)
		}
	}
	failed := r.ApplyGate(opts.failOn)

	var buf bytes.Buffer
	ro := report.RenderOptions{ToolVersion: mfauditVersion(), Top: opts.top}
	if opts.output == "" {
		ro.Color = e.colour(e.stdoutTTY)
		ro.Width = e.stdoutWidth
	}
	if err := report.Render(&buf, opts.format, r, ro); err != nil {
		return err
	}
	if opts.output == "" {
		if _, err := e.stdout.Write(buf.Bytes()); err != nil {
			return err
		}
	} else if err := writeOutput(opts.output, buf.Bytes()); err != nil {
		return err
	}

	// The human formats on stdout already show the notes and the gate's
	// outcome; when stdout carries JSON or SARIF, or nothing, say them on
	// stderr.
	notes := !opts.quiet && (opts.output != "" || opts.format == "json" || opts.format == "sarif")
	if notes {
		printNotes(e.stderr, r)
	}
	if r.Incomplete {
		return fmt.Errorf("audit incomplete: the lookup of %d gem(s) failed; they are reported as unknown", r.LookupErrors())
	}
	if failed {
		if notes {
			fmt.Fprintf(e.stderr, "mfaudit: %d finding(s) fail the gate (--fail-on %s)\n", r.Summary.Failing, joinStatuses(opts.failOn))
		}
		return errFindings
	}
	return nil
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

// printNotes tells the user about lockfile lines Bundler ignores and
// allowlist entries that need attention.
func printNotes(w io.Writer, r *report.Report) {
	for _, lr := range r.Lockfiles {
		for _, warn := range lr.Warnings {
			if warn.Line > 0 {
				fmt.Fprintf(w, "mfaudit: warning: %s:%d: %s\n", lr.Path, warn.Line, warn.Message)
			} else {
				fmt.Fprintf(w, "mfaudit: warning: %s: %s\n", lr.Path, warn.Message)
			}
		}
	}
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

// writeOutput writes the report to path atomically, so readers never see a
// half-written report. Permissions are those a shell redirection would
// give: an existing report keeps its mode, a new one follows the umask.
func writeOutput(path string, data []byte) error {
	if err := atomicfile.ReplaceOutput(path, data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
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
