package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mfaudit/mfaudit/registry"
)

// Exit codes: the same for every command and output format.
const (
	exitOK       = 0 // nothing fails the gate
	exitError    = 1 // an error, including an incomplete audit
	exitUsage    = 2 // bad flags or arguments
	exitFindings = 3 // findings fail the gate
)

// errFindings is returned after the report is written when findings fail
// the gate; it prints nothing more and exits 3.
var errFindings = errors.New("findings fail the gate")

// usageError is a mistake on the command line; it exits 2 and prints the
// command's usage line.
type usageError struct {
	cmd *cobra.Command
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usageErrorf(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// exitCode maps the error a command returned to the process exit code,
// printing it to stderr when it has something to say. Precedence: usage (2),
// then error (1), then findings (3).
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "mfaudit: %s\n", registry.Sanitize(ue.msg))
		if ue.cmd != nil {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", ue.cmd.CommandPath())
		}
		return exitUsage
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "mfaudit: interrupted")
		return exitError
	default:
		// Errors can quote lockfile or registry text: never let it steer
		// the terminal.
		fmt.Fprintf(stderr, "mfaudit: %s\n", registry.Sanitize(err.Error()))
		return exitError
	}
}
