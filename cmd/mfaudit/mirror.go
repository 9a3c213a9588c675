package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry"
	"github.com/mfaudit/mfaudit/report"
	"github.com/mfaudit/mfaudit/report/atomicfile"
)

// mirrorOptions are the inputs of `mfaudit mirror`.
type mirrorOptions struct {
	auditOptions
	out string
}

const mirrorLong = `Mirror writes the registry documents the lockfiles need — for each gem
locked from RubyGems.org its versions list, and its gem document where an
audit needs the exact download total — into DIR, laid out like the API,
with a manifest naming the source and when each gem was taken. An audit
with --registry-url file://DIR then runs offline and gives the verdicts an
online audit gave; its reports say how old the data is, and a gem the
mirror lacks is unknown ("not in the mirror"), never a guess.

Running mirror again into the same DIR refreshes the gems of the lockfiles
given with conditional requests (ETag, Last-Modified): unchanged documents
cost a 304 and keep their bytes. Documents of other gems stay, with their
own dates.`

func newMirrorCmd(e *env) *cobra.Command {
	opts := &mirrorOptions{}
	cmd := &cobra.Command{
		Use:   "mirror --out DIR [LOCKFILE|DIR ...]",
		Short: "Copy the registry data lockfiles need into a directory, for offline audits",
		Long:  mirrorLong,
		Example: `  mfaudit mirror --out /srv/mfaudit-mirror Gemfile.lock
  mfaudit mirror --out mirror --recursive ~/src
  mfaudit audit --registry-url "file://$PWD/mirror" Gemfile.lock`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.paths = args
			if opts.out == "" {
				return usageErrorf(cmd, "--out DIR is required")
			}
			if opts.registryURL != "" {
				if err := checkRegistryURL(opts.registryURL); err != nil {
					return usageErrorf(cmd, "--registry-url: %v", err)
				}
				if strings.HasPrefix(opts.registryURL, "file:") {
					return usageErrorf(cmd, "--registry-url: a mirror is taken from an http(s) registry, not from %s", opts.registryURL)
				}
			}
			var err error
			if opts.isRubygemsOrg, err = report.RubygemsRemotes(opts.rubygemsRemotes); err != nil {
				return usageErrorf(cmd, "--rubygems-remote: %v", err)
			}
			if opts.rate <= 0 {
				return usageErrorf(cmd, "--rate must be above 0, got %g", opts.rate)
			}
			if opts.concurrency < 1 {
				return usageErrorf(cmd, "--concurrency must be at least 1, got %d", opts.concurrency)
			}
			return runMirror(cmd.Context(), e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "", "write the mirror into `DIR` (created if needed)")
	f.StringVar(&opts.registryURL, "registry-url", "", "take the documents from this `URL` instead of https://rubygems.org (or a postgres:// database loaded with the public dump)")
	f.Float64Var(&opts.rate, "rate", 10, "most registry requests a second")
	f.IntVar(&opts.concurrency, "concurrency", 8, "most registry requests in flight")
	f.BoolVarP(&opts.recursive, "recursive", "r", false, "mirror for every Gemfile.lock and gems.locked below each DIR")
	f.StringArrayVar(&opts.rubygemsRemotes, "rubygems-remote", nil, "count this lockfile remote `URL` as RubyGems.org (repeatable)")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "print nothing but errors")
	return cmd
}

// mirrorCacheDir holds the validators (ETag, Last-Modified) a refresh asks
// with, inside the mirror.
const mirrorCacheDir = ".mfaudit-cache"

func runMirror(ctx context.Context, e *env, opts *mirrorOptions) error {
	paths, err := auditPaths(e, &opts.auditOptions)
	if err != nil {
		return err
	}
	evalOpts := report.EvaluateOptions{IsRubygemsOrg: opts.isRubygemsOrg}
	var names []string
	seen := map[string]bool{}
	for _, p := range paths {
		lf, err := lockfile.ParseFile(p)
		if err != nil {
			return err
		}
		for _, n := range report.LookupNames([]*lockfile.Lockfile{lf}, evalOpts) {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	for _, kind := range []string{"versions", "gems"} {
		if err := os.MkdirAll(filepath.Join(opts.out, "api", "v1", kind), 0o755); err != nil {
			return fmt.Errorf("mirror %s: %w", opts.out, err)
		}
	}
	manifest, err := registry.ReadManifest(opts.out)
	if err != nil {
		return err
	}

	var mu sync.Mutex
	written := 0
	record := func(kind, name string, body []byte) error {
		// Names are valid gem names (the client checks them before any
		// request), so they are safe as file names.
		if err := atomicfile.Replace(filepath.Join(opts.out, "api", "v1", kind, name+".json"), body, 0o644); err != nil {
			return err
		}
		mu.Lock()
		written++
		mu.Unlock()
		return nil
	}
	prog := newProgress(e.stderr, e.stderrTTY && !opts.quiet, len(names))
	source := opts.registryURL
	if source == "" {
		source = registry.DefaultBaseURL
	}
	client, err := registry.New(registry.Options{
		BaseURL:     source,
		Rate:        opts.rate,
		Concurrency: opts.concurrency,
		// The mirror keeps its validators: every document is asked for
		// again, conditionally.
		CacheDir:  filepath.Join(opts.out, mirrorCacheDir),
		CacheTTL:  1,
		UserAgent: registry.UserAgent(mfauditVersion()),
		OnDone:    prog.done,
		Record:    record,
	})
	if err != nil {
		return err
	}
	defer client.Close()
	results := client.Lookup(ctx, names)
	prog.finish()
	if err := ctx.Err(); err != nil {
		return err
	}
	var fetched, absent, failed []string
	for _, r := range results {
		switch {
		case r.Err == nil:
			fetched = append(fetched, r.Name)
		case errors.Is(r.Err, registry.ErrNotFound):
			absent = append(absent, r.Name)
		default:
			failed = append(failed, fmt.Sprintf("%s (%v)", r.Name, r.Err))
		}
	}
	shown := lockfile.RedactURL(source)
	if p := client.Provenance(); p != nil && p.Kind == registry.ProvenancePostgres {
		shown = p.Location // the database, never its password
	}
	m := registry.UpdateManifest(manifest, shown, e.now(), fetched, absent)
	data, err := jsonIndent(m)
	if err != nil {
		return err
	}
	if err := atomicfile.Replace(filepath.Join(opts.out, registry.ManifestName), data, 0o644); err != nil {
		return fmt.Errorf("mirror %s: %w", opts.out, err)
	}
	st := client.Stats()
	if !opts.quiet {
		fmt.Fprintf(e.stderr, "mfaudit: mirrored %d gems (%d not on the registry) into %s: %d requests, %d not modified\n",
			len(fetched), len(absent), opts.out, st.Requests, st.NotModified)
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		return fmt.Errorf("mirror incomplete: %d gem(s) could not be fetched and are not in the mirror: %s",
			len(failed), strings.Join(limitNames(failed, 5), ", "))
	}
	return nil
}

// jsonIndent encodes v indented, with a final newline.
func jsonIndent(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
