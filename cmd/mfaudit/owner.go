package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/mfaudit/mfaudit/registry"
	"github.com/mfaudit/mfaudit/report"
)

const ownerLong = `Owner audits every gem a RubyGems.org user owns, without a lockfile: it
asks RubyGems.org for each handle's gems (one request per handle), then
judges each gem exactly as audit does, at its latest release, with its
downloads and its source repository.

The report has one section per handle; every --format of audit works (in
SARIF, a result points at the gem's page on RubyGems.org), and the gate,
--fail-on and --allowlist are audit's, with the same exit status: 0 when
nothing fails the gate, 3 when something does, 1 on errors (an unknown
handle, an incomplete lookup), 2 on usage errors.`

func newOwnerCmd(e *env) *cobra.Command {
	opts := &auditOptions{}
	var failOn string
	cmd := &cobra.Command{
		Use:   "owner [flags] HANDLE ...",
		Short: "Report which of a RubyGems.org user's gems can be pushed without MFA",
		Long:  ownerLong,
		Example: `  mfaudit owner bbatsov
  mfaudit owner --format json --fail-on unprotected,partial my-handle my-org-bot`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf(cmd, "name at least one RubyGems.org handle")
			}
			for _, h := range args {
				if err := registry.ValidHandle(h); err != nil {
					return usageErrorf(cmd, "%v", err)
				}
			}
			opts.paths = args
			if err := checkReportFlags(cmd, opts, failOn); err != nil {
				return err
			}
			return runOwner(cmd.Context(), e, opts)
		},
	}
	addReportFlags(cmd, opts, &failOn, "(none by default: an owner's gems have no lockfile beside them)")
	return cmd
}

// ownerGems asks the registry for each handle's gems and looks them all
// up, each once.
func ownerGems(ctx context.Context, client *registry.Client, handles []string) (map[string][]string, map[string]registry.Result, error) {
	byHandle := map[string][]string{}
	var names []string
	for _, h := range handles {
		gems, err := client.OwnerGems(ctx, h)
		if errors.Is(err, registry.ErrUnknownOwner) {
			return nil, nil, fmt.Errorf("RubyGems.org has no user %q (check the handle on https://rubygems.org/profiles/%s)", h, h)
		}
		if err != nil {
			return nil, nil, err
		}
		byHandle[h] = gems
		for _, g := range gems {
			if !slices.Contains(names, g) {
				names = append(names, g)
			}
		}
	}
	results := report.Results(client.Lookup(ctx, names))
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return byHandle, results, nil
}

func runOwner(ctx context.Context, e *env, opts *auditOptions) error {
	handles := slices.Compact(slices.Clone(opts.paths))
	var al *report.Allowlist
	if opts.allowlist != "" {
		var err error
		if al, err = report.LoadAllowlist(opts.allowlist); err != nil {
			return err
		}
	}
	prog := newProgress(e.stderr, e.stderrTTY && !opts.quiet, 0)
	client, err := auditClient(opts, prog)
	if err != nil {
		return err
	}
	defer client.Close()
	byHandle, results, err := ownerGems(ctx, client, handles)
	if err != nil {
		return err
	}

	out, commit, abort, err := auditOutput(e, opts)
	if err != nil {
		return err
	}
	stream, err := report.NewStream(out, opts.format, report.Gate{FailOn: opts.failOn}, renderOptions(e, opts))
	if err != nil {
		abort()
		return err
	}
	now := e.now()
	lookupFailed := map[string]bool{}
	for _, h := range handles {
		lr := report.EvaluateOwner(h, byHandle[h], results)
		al.Apply(&lr, now)
		for _, f := range lr.Gems {
			if f.LookupError != "" {
				lookupFailed[f.Name] = true
			}
		}
		if err := stream.Add(&lr); err != nil {
			abort()
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	var states []report.AllowlistEntryState
	if al != nil {
		states = al.States(now)
	}
	r, err := stream.Close(states, registryData(client))
	if err != nil {
		abort()
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := commit(); err != nil {
		return err
	}
	return auditOutcome(e, opts, r, nil, 0, len(lookupFailed))
}
