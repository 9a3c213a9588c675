package main

// Stand-ins for report.Render and report.Formats, which the report
// package is about to provide; this file goes away once they exist.

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/mfaudit/mfaudit/report"
)

type renderOptions struct {
	colour bool
	width  int
}

func formats() []string { return []string{"table", "json", "sarif", "markdown", "github"} }

func render(w io.Writer, format string, r *report.Report, _ renderOptions) error {
	if format != "json" {
		return fmt.Errorf("format %q is not available yet", format)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
