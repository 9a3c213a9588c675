package main

// Stand-ins for functions that other packages are about to provide
// (report.Render and report.Formats, registry.DefaultCacheDir,
// lockfile.RedactURL); this file goes away once they exist.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

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

func defaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "mfaudit")
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = url.User("REDACTED")
	return u.String()
}
