package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mfaudit/mfaudit/campaign"
	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry"
	"github.com/mfaudit/mfaudit/report"
)

// campaignOptions are the inputs of campaign plan, run and status.
type campaignOptions struct {
	inputs      []string
	gems        []string
	owners      []string
	only        []string
	format      string
	githubURL   string
	registryURL string
	statePath   string
	rate        float64
	concurrency int
	cacheDir    string
	noCache     bool
	quiet       bool
	// rubygemsRemotes count as RubyGems.org (company proxies of it).
	rubygemsRemotes []string

	// changed records which flags were given.
	changed map[string]bool

	// run only
	apply    bool
	maxPRs   int
	draft    bool
	title    string
	bodyFile string
}

const campaignLong = `A campaign opens pull requests that add
metadata["rubygems_mfa_required"] = "true" to the gemspecs of the gems you
depend on, so that RubyGems.org asks their maintainers for a one-time code
on every push.

  plan    audits the lockfiles (or reads an audit --format json report, or
          the gems named with --gem), finds each unprotected gem's GitHub
          repository and its gemspec, and prints per repository the diff a
          pull request would carry, or why it is skipped. It writes nothing.
  run     is plan; with --apply it forks (when the token cannot push),
          commits the edit to the branch mfaudit/rubygems-mfa-required and
          opens one pull request per repository.
  status  refreshes every pull request the state file records, and tells
          merged ones whose fix RubyGems.org has released from those still
          waiting for a release.

mfaudit never opens a second pull request in a repository, nor one where a
pull request about rubygems_mfa_required was closed without being merged.
A run that stops half-way is finished by running it again.

The GitHub token comes from GITHUB_TOKEN or GH_TOKEN, else from
"gh auth token"; it is never printed or stored.`

func newCampaignCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "campaign",
		Short: "Open pull requests that make your dependencies require MFA",
		Long:  campaignLong,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf(cmd, "unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCampaignPlanCmd(e, false), newCampaignPlanCmd(e, true), newCampaignStatusCmd(e))
	return cmd
}

func newCampaignPlanCmd(e *env, isRun bool) *cobra.Command {
	opts := &campaignOptions{}
	use, short := "plan [LOCKFILE|DIR|REPORT.json ...]", "Show the pull requests a campaign would open, and why others are skipped"
	example := `  mfaudit campaign plan
  mfaudit campaign plan --format json Gemfile.lock
  mfaudit audit --format json -o audit.json ~/src/app && mfaudit campaign plan audit.json
  mfaudit campaign plan --gem kramdown --gem rainbow`
	if isRun {
		use, short = "run [LOCKFILE|DIR|REPORT.json ...]", "Open the planned pull requests (with --apply; without it, the same as plan)"
		example = `  mfaudit campaign run Gemfile.lock                 # a dry run: the plan
  mfaudit campaign run --apply --max-prs 5 Gemfile.lock
  mfaudit campaign run --apply --only rainbow --draft Gemfile.lock`
	}
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.inputs = args
			opts.changed = map[string]bool{}
			for _, f := range []string{"max-prs", "draft"} {
				opts.changed[f] = cmd.Flags().Changed(f)
			}
			if err := checkCampaignOptions(cmd, opts); err != nil {
				return err
			}
			if isRun {
				if opts.maxPRs < 0 {
					return usageErrorf(cmd, "--max-prs must be 0 (no limit) or more, got %d", opts.maxPRs)
				}
				if err := campaign.CheckTemplates(opts.title, ""); err != nil {
					return usageErrorf(cmd, "--title: %v", err)
				}
				if opts.bodyFile != "" {
					data, err := os.ReadFile(opts.bodyFile)
					if err != nil {
						return fmt.Errorf("--body-file: %w", err)
					}
					if err := campaign.CheckTemplates("", string(data)); err != nil {
						return usageErrorf(cmd, "--body-file %s: %v", opts.bodyFile, err)
					}
				}
			}
			return runCampaign(cmd.Context(), e, opts)
		},
	}
	addCampaignFlags(cmd, opts)
	f := cmd.Flags()
	f.StringSliceVar(&opts.gems, "gem", nil, "campaign for this `GEM` too (repeatable; without other inputs, only these)")
	f.StringSliceVar(&opts.owners, "owner", nil, "campaign for the gems this RubyGems.org `HANDLE` owns that lack the flag (repeatable)")
	f.StringSliceVar(&opts.only, "only", nil, "keep only this `GEM` of the targets (repeatable)")
	f.Float64Var(&opts.rate, "rate", 10, "most registry requests a second")
	f.IntVar(&opts.concurrency, "concurrency", 8, "most registry requests in flight")
	f.StringVar(&opts.cacheDir, "cache-dir", "", "cache registry answers in `DIR` (default: mfaudit in the user cache directory)")
	f.BoolVar(&opts.noCache, "no-cache", false, "neither read nor write the registry cache")
	f.StringArrayVar(&opts.rubygemsRemotes, "rubygems-remote", nil, "count this lockfile remote `URL` as RubyGems.org: a company proxy of it (repeatable)")
	if isRun {
		f.BoolVar(&opts.apply, "apply", false, "make the changes: fork, push the branch, open the pull requests")
		f.IntVar(&opts.maxPRs, "max-prs", 0, "open at most `N` pull requests in this run (0: no limit)")
		f.BoolVar(&opts.draft, "draft", false, "open the pull requests as drafts")
		f.StringVar(&opts.title, "title", "", "pull request title, a Go `TEMPLATE` (fields .Repo .Gems .Files .Branch)")
		f.StringVar(&opts.bodyFile, "body-file", "", "pull request body from `FILE`, a Go template like --title (mfaudit's marker is appended)")
	}
	return cmd
}

func newCampaignStatusCmd(e *env) *cobra.Command {
	opts := &campaignOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Refresh the campaign's pull requests: open, merged, released or declined",
		Long: `Status reads every pull request the state file records and asks GitHub
where it stands: open, draft, declined (closed without being merged), or
merged. For a merged one it asks RubyGems.org whether a release with the
flag is out: "merged, not released" means the gem is not protected yet.
It writes nothing.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf(cmd, "%q takes no arguments, got %q (the pull requests come from --state)", cmd.CommandPath(), args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkCampaignOptions(cmd, opts); err != nil {
				return err
			}
			return runCampaignStatus(cmd.Context(), e, opts)
		},
	}
	addCampaignFlags(cmd, opts)
	return cmd
}

// addCampaignFlags adds the flags every campaign command takes.
func addCampaignFlags(cmd *cobra.Command, opts *campaignOptions) {
	f := cmd.Flags()
	f.StringVarP(&opts.format, "format", "f", "table", "output format: "+strings.Join(campaign.Formats(), ", "))
	f.StringVar(&opts.githubURL, "github-url", "", "GitHub Enterprise Server `URL` (API under URL/api/v3/; default github.com)")
	f.StringVar(&opts.registryURL, "registry-url", "", "use this `URL` instead of https://rubygems.org (http(s):// mirror, file://DIR snapshot, or postgres:// database loaded with the public dump)")
	f.StringVar(&opts.statePath, "state", "", "campaign state `FILE` (default: mfaudit/campaign.json in the user state directory)")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "print no progress on stderr, only errors")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(campaign.Formats(), cobra.ShellCompDirectiveNoFileComp))
}

func checkCampaignOptions(cmd *cobra.Command, opts *campaignOptions) error {
	if !slices.Contains(campaign.Formats(), opts.format) {
		return usageErrorf(cmd, "--format: unknown format %q (want %s)", opts.format, strings.Join(campaign.Formats(), ", "))
	}
	for _, list := range [][]string{opts.gems, opts.only} {
		for _, g := range list {
			if err := registry.ValidName(g); err != nil {
				return usageErrorf(cmd, "%v", err)
			}
		}
	}
	for _, h := range opts.owners {
		if err := registry.ValidHandle(h); err != nil {
			return usageErrorf(cmd, "--owner: %v", err)
		}
	}
	if opts.registryURL != "" {
		if err := checkRegistryURL(opts.registryURL); err != nil {
			return usageErrorf(cmd, "--registry-url: %v", err)
		}
	}
	if opts.githubURL != "" {
		u, err := url.Parse(opts.githubURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return usageErrorf(cmd, "--github-url: %q: want https://HOST of a GitHub Enterprise Server", lockfile.RedactURL(opts.githubURL))
		}
		// The token would cross the network in clear: http only to this
		// machine (a test server).
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			return usageErrorf(cmd, "--github-url: %q: use https; the token must not travel unencrypted", lockfile.RedactURL(opts.githubURL))
		}
	}
	if _, err := report.RubygemsRemotes(opts.rubygemsRemotes); err != nil {
		return usageErrorf(cmd, "--rubygems-remote: %v", err)
	}
	if opts.rate < 0 || (opts.rate == 0 && cmd.Flags().Changed("rate")) {
		return usageErrorf(cmd, "--rate must be above 0, got %g", opts.rate)
	}
	if opts.concurrency < 0 || (opts.concurrency == 0 && cmd.Flags().Changed("concurrency")) {
		return usageErrorf(cmd, "--concurrency must be at least 1, got %d", opts.concurrency)
	}
	return nil
}

// isLoopback reports whether host is this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// errCampaignIncomplete is returned after the plan or run is printed when
// some repository could not be planned or its pull request failed.
var errCampaignIncomplete = errors.New("campaign incomplete")

// runCampaign plans, and with --apply carries the plan out.
func runCampaign(ctx context.Context, e *env, opts *campaignOptions) error {
	client, err := campaignRegistry(e, opts)
	if err != nil {
		return err
	}
	defer client.Close()
	targets, notes, err := campaignTargets(ctx, opts, client)
	if err != nil {
		return err
	}
	logf := campaignLogger(e, opts)
	for _, n := range notes {
		logf("%s", n)
	}
	if !opts.apply {
		for _, f := range []string{"max-prs", "draft"} {
			if opts.changed[f] {
				logf("--%s has no effect without --apply", f)
			}
		}
	}
	var body string
	if opts.bodyFile != "" {
		data, err := os.ReadFile(opts.bodyFile)
		if err != nil {
			return fmt.Errorf("--body-file: %w", err)
		}
		body = string(data)
	}
	statePath, err := campaignStatePath(opts)
	if err != nil {
		return err
	}
	// A plan only reads the state (for where an earlier run forked); a
	// run holds it, so that two runs never interleave their writes.
	st, err := campaign.OpenState(statePath, opts.apply)
	if err != nil {
		return err
	}
	defer st.Close()

	token := campaignToken(ctx, e, opts.githubURL)
	if opts.apply && token == "" {
		return errors.New("campaign run --apply needs a GitHub token: set GITHUB_TOKEN or GH_TOKEN, or log in with gh auth login")
	}
	if token == "" {
		logf("no GitHub token (GITHUB_TOKEN, GH_TOKEN or gh auth token): planning with anonymous requests, which GitHub limits to 60 an hour")
	}
	c, err := newCampaign(e, opts, client, token, body, logf)
	if err != nil {
		return err
	}
	plan, err := c.Plan(ctx, targets, st)
	if err != nil {
		return err
	}
	if opts.apply {
		if err := c.Apply(ctx, plan, st, campaign.ApplyOptions{MaxPRs: opts.maxPRs}); err != nil {
			// The state holds every step taken; print what was done.
			_ = campaign.WritePlan(e.stdout, plan, opts.format, true)
			return err
		}
	}
	var buf bytes.Buffer
	if err := campaign.WritePlan(&buf, plan, opts.format, opts.apply); err != nil {
		return err
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return err
	}
	if !opts.apply && !opts.quiet && plan.Summary.PullRequests+plan.Summary.Resume > 0 {
		fmt.Fprintln(e.stderr, "mfaudit: dry run: nothing was written; `mfaudit campaign run --apply` with the same arguments opens these pull requests")
	}
	if opts.apply && !opts.quiet {
		fmt.Fprintf(e.stderr, "mfaudit: state recorded in %s; `mfaudit campaign status` follows the pull requests\n", st.Path())
	}
	if n := plan.Summary.Errors; n > 0 {
		return fmt.Errorf("%w: %d repositories or gems failed; see the table (a re-run carries on)", errCampaignIncomplete, n)
	}
	return nil
}

func runCampaignStatus(ctx context.Context, e *env, opts *campaignOptions) error {
	client, err := campaignRegistry(e, opts)
	if err != nil {
		return err
	}
	defer client.Close()
	statePath, err := campaignStatePath(opts)
	if err != nil {
		return err
	}
	st, err := campaign.OpenState(statePath, false)
	if err != nil {
		return err
	}
	defer st.Close()
	token := campaignToken(ctx, e, opts.githubURL)
	c, err := newCampaign(e, opts, client, token, "", campaignLogger(e, opts))
	if err != nil {
		return err
	}
	ss, err := c.Status(ctx, st)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := campaign.WriteStatus(&buf, ss, opts.format); err != nil {
		return err
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return err
	}
	unknown := 0
	for _, s := range ss {
		if s.State == campaign.PRUnknown {
			unknown++
		}
	}
	if unknown > 0 {
		return fmt.Errorf("%w: the state of %d pull request(s) could not be read", errCampaignIncomplete, unknown)
	}
	return nil
}

// newCampaign builds the GitHub forge and the campaign.
func newCampaign(e *env, opts *campaignOptions, client *registry.Client, token, body string, logf func(string, ...any)) (*campaign.Campaign, error) {
	gopts := campaign.GitHubOptions{
		URL:       opts.githubURL,
		Token:     token,
		UserAgent: registry.UserAgent(mfauditVersion()),
		Notify:    func(msg string) { logf("%s", msg) },
	}
	if e.tuneGitHub != nil {
		e.tuneGitHub(&gopts)
	}
	forge, err := campaign.NewGitHub(gopts)
	if err != nil {
		return nil, err
	}
	// The state names the forge by host and port: two servers on one
	// machine are two forges.
	host, hosts := "github.com", []string(nil)
	if opts.githubURL != "" {
		u, _ := url.Parse(opts.githubURL)
		host, hosts = strings.ToLower(u.Host), []string{u.Hostname()}
	}
	return campaign.New(campaign.Options{
		Forge:       forge,
		Registry:    client,
		ForgeHost:   host,
		GitHubHosts: hosts,
		Title:       opts.title,
		Body:        body,
		Draft:       opts.draft,
		Log:         func(msg string) { logf("%s", msg) },
		Now:         e.now,
	})
}

func campaignRegistry(e *env, opts *campaignOptions) (*registry.Client, error) {
	return registry.New(registry.Options{
		BaseURL:     opts.registryURL,
		Rate:        opts.rate,
		Concurrency: opts.concurrency,
		CacheDir:    cacheDir(opts.noCache, opts.cacheDir, opts.registryURL),
		UserAgent:   registry.UserAgent(mfauditVersion()),
	})
}

func campaignStatePath(opts *campaignOptions) (string, error) {
	if opts.statePath != "" {
		return opts.statePath, nil
	}
	return campaign.DefaultStatePath()
}

// campaignLogger prints progress lines on stderr unless --quiet.
func campaignLogger(e *env, opts *campaignOptions) func(string, ...any) {
	return func(format string, args ...any) {
		if !opts.quiet {
			fmt.Fprintf(e.stderr, "mfaudit: %s\n", registry.Sanitize(fmt.Sprintf(format, args...)))
		}
	}
}

// campaignTargets collects the gems to campaign for: the unprotected gems
// of each lockfile (audited now) or report (read), plus --gem, less what
// --only leaves out.
func campaignTargets(ctx context.Context, opts *campaignOptions, client *registry.Client) (targets []campaign.Target, notes []string, err error) {
	from := map[string][]string{}
	add := func(name, origin string) {
		if !slices.Contains(from[name], origin) {
			from[name] = append(from[name], origin)
		}
	}
	inputs := opts.inputs
	if len(inputs) == 0 && len(opts.gems) == 0 && len(opts.owners) == 0 {
		inputs = []string{"."}
	}
	if len(opts.owners) > 0 {
		// A maintainer's portfolio: every gem that lacks the flag, the
		// popular (partial) ones too.
		byHandle, results, err := ownerGems(ctx, client, opts.owners)
		if err != nil {
			return nil, nil, err
		}
		for _, h := range opts.owners {
			lr := report.EvaluateOwner(h, byHandle[h], results)
			for _, f := range lr.Gems {
				switch {
				case f.LookupError != "":
					return nil, nil, fmt.Errorf("the registry lookup of %s failed (%s), so a campaign now would miss it; try again", f.Name, f.LookupError)
				case f.Status == report.Unprotected || f.Status == report.Partial:
					add(f.Name, "owner "+h)
				}
			}
		}
	}
	var lockPaths []string
	for _, in := range inputs {
		isReport, err := isJSONReport(in)
		if err != nil {
			return nil, nil, err
		}
		if !isReport {
			lockPaths = append(lockPaths, in)
			continue
		}
		f, err := os.Open(in)
		if err != nil {
			return nil, nil, err
		}
		r, err := report.ReadJSON(f, in)
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		if n := r.LookupErrors(); r.Incomplete || n > 0 {
			return nil, nil, fmt.Errorf("%s: the audit is incomplete (%d gem(s) could not be looked up), so a campaign from it would miss gems; audit again", in, n)
		}
		for _, fd := range r.Findings() {
			if fd.Status == report.Unprotected {
				add(fd.Name, in)
			}
		}
	}
	if len(lockPaths) > 0 {
		paths, err := resolveLockfiles(lockPaths)
		if err != nil {
			return nil, nil, err
		}
		lfs := make([]*lockfile.Lockfile, len(paths))
		for i, p := range paths {
			if lfs[i], err = lockfile.ParseFile(p); err != nil {
				return nil, nil, err
			}
		}
		is, err := report.RubygemsRemotes(opts.rubygemsRemotes)
		if err != nil {
			return nil, nil, err
		}
		evalOpts := report.EvaluateOptions{IsRubygemsOrg: is}
		results := report.Results(client.Lookup(ctx, report.LookupNames(lfs, evalOpts)))
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		failed := map[string]bool{}
		for i, lf := range lfs {
			lr := report.Evaluate(lf, results, evalOpts)
			for _, fd := range lr.Gems {
				switch {
				case fd.LookupError != "":
					failed[fd.Name] = true
				case fd.Status == report.Unprotected:
					add(fd.Name, paths[i])
				}
			}
		}
		if len(failed) > 0 {
			names := make([]string, 0, len(failed))
			for n := range failed {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, nil, fmt.Errorf("the registry lookup of %d gem(s) failed (%s), so a campaign now would miss them; try again", len(names), strings.Join(limitNames(names, 5), ", "))
		}
	}
	for _, g := range opts.gems {
		add(g, "--gem")
	}
	for _, o := range opts.only {
		if from[o] == nil {
			notes = append(notes, fmt.Sprintf("--only %s: not among the targets (not locked, or not unprotected)", o))
		}
	}
	var names []string
	for n := range from {
		if len(opts.only) == 0 || slices.Contains(opts.only, n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := make([]campaign.Target, len(names))
	for i, n := range names {
		out[i] = campaign.Target{Gem: n, From: from[n]}
	}
	return out, notes, nil
}

// limitNames keeps the first n names, saying how many more there are.
func limitNames(names []string, n int) []string {
	if len(names) <= n {
		return names
	}
	return append(names[:n:n], fmt.Sprintf("and %d more", len(names)-n))
}

// isJSONReport tells an audit report from a lockfile by its first
// non-blank byte: a lockfile never starts with "{".
func isJSONReport(path string) (bool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	if fi.IsDir() {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	r := bufio.NewReader(io.LimitReader(f, 4096))
	for {
		b, err := r.ReadByte()
		if err != nil {
			return false, nil
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xEF, 0xBB, 0xBF: // a byte order mark
			continue
		}
		return b == '{', nil
	}
}

// campaignToken finds the GitHub token: GITHUB_TOKEN, GH_TOKEN, then
// "gh auth token" for the host. It is never printed.
func campaignToken(ctx context.Context, e *env, githubURL string) string {
	for _, k := range []string{"GITHUB_TOKEN", "GH_TOKEN"} {
		if t := strings.TrimSpace(e.getenv(k)); t != "" {
			return t
		}
	}
	if e.ghToken == nil {
		return ""
	}
	host := "github.com"
	if githubURL != "" {
		if u, err := url.Parse(githubURL); err == nil {
			host = u.Hostname()
		}
	}
	t, err := e.ghToken(ctx, host)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(t)
}

// ghAuthToken runs "gh auth token --hostname HOST" when gh is installed.
func ghAuthToken(ctx context.Context, host string) (string, error) {
	gh, err := exec.LookPath("gh")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, gh, "auth", "token", "--hostname", host)
	cmd.Stdin = nil
	cmd.Stderr = io.Discard
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	return string(out), nil
}
