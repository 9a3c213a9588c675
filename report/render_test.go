package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// goldenExt is the golden file extension per format.
var goldenExt = map[string]string{
	"table":    "txt",
	"json":     "json",
	"sarif":    "sarif",
	"markdown": "md",
	"github":   "github.txt",
}

func renderString(t *testing.T, format string, r *Report, opts RenderOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, format, r, opts); err != nil {
		t.Fatalf("Render(%s): %v", format, err)
	}
	return buf.String()
}

// TestRenderGolden renders the sample report in every format in Formats,
// so a format added there without a golden file fails here.
func TestRenderGolden(t *testing.T) {
	opts := RenderOptions{ToolVersion: "1.2.3"}
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			ext, ok := goldenExt[format]
			if !ok {
				t.Fatalf("format %q has no golden file extension", format)
			}
			out := renderString(t, format, renderSample(), opts)
			checkGolden(t, "sample."+ext, []byte(out))
			if again := renderString(t, format, renderSample(), opts); again != out {
				t.Errorf("two renders of the same report differ")
			}
			if !strings.HasSuffix(out, "\n") {
				t.Errorf("output does not end in a newline")
			}
		})
	}
}

// TestRenderTableVariants pins colour and width handling.
func TestRenderTableVariants(t *testing.T) {
	tests := []struct {
		name   string
		opts   RenderOptions
		golden string
	}{
		{name: "color", opts: RenderOptions{Color: true}, golden: "sample.color.txt"},
		{name: "width 100", opts: RenderOptions{Width: 100}, golden: "sample.width100.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, tt.golden, []byte(renderString(t, "table", renderSample(), tt.opts)))
		})
	}
}

// TestRenderEveryFormat checks what every format must do, whatever it is:
// render an empty report and a report with no lockfile, leave the report
// untouched, and produce nothing on failure.
func TestRenderEveryFormat(t *testing.T) {
	reports := []struct {
		name string
		r    func() *Report
	}{
		{name: "sample", r: renderSample},
		{name: "no lockfiles", r: func() *Report { return &Report{} }},
		{name: "empty lockfile", r: func() *Report {
			r := &Report{Lockfiles: []LockfileReport{{Path: "Gemfile.lock"}}}
			r.ApplyGate([]Status{Unprotected})
			return r
		}},
	}
	for _, format := range Formats() {
		for _, rep := range reports {
			t.Run(format+"/"+rep.name, func(t *testing.T) {
				r := rep.r()
				before := renderString(t, "json", r, RenderOptions{})
				out := renderString(t, format, r, RenderOptions{Width: 80})
				if out == "" {
					t.Fatal("empty output")
				}
				if after := renderString(t, "json", r, RenderOptions{}); after != before {
					t.Error("rendering changed the report")
				}
			})
		}
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	err := Render(&buf, "xml", renderSample(), RenderOptions{})
	if !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("Render(xml) = %v, want ErrUnknownFormat", err)
	}
	for _, f := range Formats() {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not list format %q", err, f)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes for an unknown format", buf.Len())
	}
}

func TestRenderNilReport(t *testing.T) {
	for _, format := range Formats() {
		var buf bytes.Buffer
		if err := Render(&buf, format, nil, RenderOptions{}); err == nil {
			t.Errorf("Render(%s, nil) = nil error", format)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderWriteError(t *testing.T) {
	for _, format := range Formats() {
		err := Render(failingWriter{}, format, renderSample(), RenderOptions{})
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("Render(%s) to a failing writer = %v, want the write error", format, err)
		}
	}
}

func TestSortedRows(t *testing.T) {
	r := renderSample()
	var got []string
	for i := range r.Lockfiles {
		for _, f := range sortedRows(&r.Lockfiles[i]) {
			got = append(got, string(f.Status)+" "+f.Name+" "+versionLabel(f)+" "+r.Lockfiles[i].Path)
		}
	}
	want := []string{
		"unprotected kramdown 2.4.0 Gemfile.lock",
		"unprotected legacy_gem 0.9.1 Gemfile.lock",
		"unprotected optout 1.2.0 Gemfile.lock",
		"unknown ffi 1.16.3 Gemfile.lock",
		"unknown ghostgem 0.1.0 Gemfile.lock",
		"partial rails 7.1.2 Gemfile.lock",
		"not_covered mytool 0.3.0 Gemfile.lock",
		"not_covered private_gem 2.0.0 Gemfile.lock",
		"protected nokogiri 1.15.4-arm64-darwin Gemfile.lock",
		"protected nokogiri 1.15.4-x86_64-linux Gemfile.lock",
		"protected rake 13.1.0 Gemfile.lock",
		"unprotected kramdown 2.3.2 services/api/Gemfile.lock",
		"unprotected oldgem 1.0.0 services/api/Gemfile.lock",
		"partial json 2.7.1-java services/api/Gemfile.lock",
		"protected puma 6.4.0 services/api/Gemfile.lock",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{name: "numeric segments", a: "1.9.0", b: "1.10.0", want: -1},
		{name: "equal", a: "2.0", b: "2.0", want: 0},
		{name: "longer is later", a: "1.0", b: "1.0.1", want: -1},
		{name: "prerelease text", a: "1.0.0.rc1", b: "1.0.0.beta", want: 1},
		{name: "mixed", a: "1.a", b: "1.2", want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compareVersions(tt.a, tt.b); got != tt.want {
				t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := compareVersions(tt.b, tt.a); got != -tt.want {
				t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}

func TestDependencyLabel(t *testing.T) {
	tests := []struct {
		name string
		f    Finding
		want string
	}{
		{name: "direct", f: Finding{Name: "rack", Direct: true, Path: []string{"rack"}}, want: "direct"},
		{name: "one level", f: Finding{Name: "rack", Path: []string{"rails", "rack"}}, want: "via rails"},
		{name: "two levels", f: Finding{Name: "rack", Path: []string{"rails", "actionpack", "rack"}}, want: "via rails > actionpack"},
		{name: "deep", f: Finding{Name: "rack", Path: []string{"a", "b", "c", "d", "rack"}}, want: "via a > … > d"},
		{name: "unknown path", f: Finding{Name: "rack"}, want: "-"},
		{name: "path without the gem", f: Finding{Name: "rack", Path: []string{"rails"}}, want: "via rails"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dependencyLabel(&tt.f); got != tt.want {
				t.Errorf("dependencyLabel = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGateLine(t *testing.T) {
	g := Gate{FailOn: []Status{Unprotected, Unknown}}
	tests := []struct {
		name    string
		failing int
		gate    Gate
		want    string
	}{
		{name: "failed", failing: 3, gate: g, want: "gate: failed: 3 findings are unprotected or unknown and not allowlisted"},
		{name: "one", failing: 1, gate: g, want: "gate: failed: 1 finding is unprotected or unknown and not allowlisted"},
		{name: "passed", gate: g, want: "gate: passed (fails on unprotected, unknown)"},
		{name: "off", gate: Gate{}, want: "gate: off (fail-on none)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gateLine(Summary{Failing: tt.failing}, tt.gate); got != tt.want {
				t.Errorf("gateLine = %q, want %q", got, tt.want)
			}
		})
	}
}
