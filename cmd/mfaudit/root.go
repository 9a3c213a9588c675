package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mfaudit/mfaudit/campaign"
)

// version is set by -ldflags "-X main.version=..."; otherwise it is read from
// the module's build info.
var version = ""

func mfauditVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// env is everything a command may touch outside its arguments, so tests can
// run the whole tool in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// stdoutTTY and stderrTTY say whether the streams are terminals.
	stdoutTTY, stderrTTY bool
	// stdoutWidth is the terminal's width in columns when stdout is a
	// terminal, else 0.
	stdoutWidth int
	getenv      func(string) string
	now         func() time.Time
	// ghToken asks the gh command for its token for a host; nil when gh
	// must not be asked.
	ghToken func(ctx context.Context, host string) (string, error)
	// tuneGitHub, when set, adjusts the GitHub client's pacing (tests).
	tuneGitHub func(*campaign.GitHubOptions)
}

func newSystemEnv() *env {
	width := 0
	if term.IsTerminal(int(os.Stdout.Fd())) {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			width = w
		}
	}
	return &env{
		stdoutWidth: width,
		stdin:       os.Stdin,
		stdout:      os.Stdout,
		stderr:      os.Stderr,
		stdoutTTY:   term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY:   term.IsTerminal(int(os.Stderr.Fd())),
		getenv:      os.Getenv,
		now:         time.Now,
		ghToken:     ghAuthToken,
	}
}

// colour reports whether output to a stream may use colour: only on a
// terminal, and never when NO_COLOR is set to anything.
func (e *env) colour(tty bool) bool {
	return tty && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, e *env) int {
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.ExecuteContext(ctx)
	return exitCode(err, e.stderr)
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "mfaudit",
		Short: "Find the gems a stolen RubyGems.org password or API key could hijack",
		Long: `mfaudit reads a Gemfile.lock and asks RubyGems.org, for every locked gem,
whether new releases need a one-time code (the rubygems_mfa_required
metadata flag). Gems without it can be pushed with a stolen password or
API key.`,
		Version:       mfauditVersion(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// Suggest a command within two edits of a misspelt one.
		SuggestionsMinimumDistance: 2,
		// Cobra's own "unknown command" error would exit 1 and spread its
		// suggestions over several lines; make it a one-line usage error.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += " (did you mean " + strings.Join(s, " or ") + "?)"
			}
			return usageErrorf(cmd, "%s", msg)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf(c, "%v", err)
	})
	root.AddCommand(newAuditCmd(e), newOwnerCmd(e), newGemspecCmd(e), newCampaignCmd(e), newMirrorCmd(e), newCensusCmd(e))
	return root
}
