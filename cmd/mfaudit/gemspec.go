package main

import (
	"github.com/spf13/cobra"
)

func newGemspecCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "gemspec",
		Short: "Check or add the MFA requirement in a gem's own gemspec",
	}
}
