package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newAuditCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "audit [LOCKFILE|DIR ...]",
		Short: "Report which locked gems RubyGems.org lets be pushed without MFA",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("audit: not implemented yet")
		},
	}
}
