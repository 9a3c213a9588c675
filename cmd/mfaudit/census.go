package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfaudit/mfaudit/registry"
	"github.com/mfaudit/mfaudit/report"
)

const censusLong = `Census counts the whole of RubyGems.org from a PostgreSQL database loaded
with its weekly public dump (see the README): how many gems, and how many
of their downloads, are protected (the latest release requires MFA),
partial (only the popular-gem policy protects them), unprotected, opted
out (the latest release sets the flag to a false value), or have no
release at all; how many latest releases carry a Sigstore attestation;
and the top gems by downloads that can be pushed with a stolen password or
API key, with their source repositories.

Every gem is judged exactly as audit judges it. The walk streams: memory
holds the top list, not the registry. The JSON is the report campaign
plan reads, with the counts under "census":

  mfaudit census --registry-url postgres://localhost/rubygems --top 500 --format json -o census.json
  mfaudit campaign plan census.json

Exit status: 0 when the census is written, 1 on errors (a database that
cannot be reached or does not hold the dump), 2 on usage errors.`

type censusOptions struct {
	registryURL string
	format      string
	output      string
	top         int
}

func newCensusCmd(e *env) *cobra.Command {
	opts := &censusOptions{}
	cmd := &cobra.Command{
		Use:   "census --registry-url postgres://… [flags]",
		Short: "Count the whole registry by MFA verdict, from RubyGems.org's public dump",
		Long:  censusLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(report.CensusFormats(), opts.format) {
				return usageErrorf(cmd, "--format %q: want one of %s", opts.format, strings.Join(report.CensusFormats(), ", "))
			}
			if opts.top < 0 {
				return usageErrorf(cmd, "--top %d: want 0 or more", opts.top)
			}
			if !strings.HasPrefix(opts.registryURL, "postgres://") && !strings.HasPrefix(opts.registryURL, "postgresql://") {
				return usageErrorf(cmd, "--registry-url: %v", registry.ErrNoCensus)
			}
			return runCensus(cmd.Context(), e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.registryURL, "registry-url", "", "the PostgreSQL `URL` of a database loaded with RubyGems.org's public dump (password from PGPASSWORD or ~/.pgpass)")
	f.StringVarP(&opts.format, "format", "f", "table", "output `format`: "+strings.Join(report.CensusFormats(), ", "))
	f.StringVarP(&opts.output, "output", "o", "", "write the census to `FILE` (replaced atomically) instead of stdout")
	f.IntVar(&opts.top, "top", 100, "list the `N` unprotected gems with the most downloads (0 for none)")
	return cmd
}

func runCensus(ctx context.Context, e *env, opts *censusOptions) error {
	client, err := registry.New(registry.Options{BaseURL: opts.registryURL})
	if err != nil {
		return err
	}
	defer client.Close()
	b := report.NewCensusBuilder(opts.top)
	err = client.EachGem(ctx, func(g *registry.Gem, ex registry.GemExtras) error {
		b.Add(g, ex)
		return nil
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("census: %w", err)
	}
	r := b.Report(registryData(client))
	out, commit, abort, err := auditOutput(e, &auditOptions{output: opts.output})
	if err != nil {
		return err
	}
	if err := report.RenderCensus(out, opts.format, r, report.RenderOptions{ToolVersion: mfauditVersion()}); err != nil {
		abort()
		return err
	}
	return commit()
}
