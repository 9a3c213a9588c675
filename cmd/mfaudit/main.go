// Command mfaudit reports which of a Ruby project's gems can be pushed to
// RubyGems.org without a one-time code, and helps fix them.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], newSystemEnv())
	stop()
	os.Exit(code)
}
