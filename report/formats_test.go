package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestRenderJSONContract decodes the JSON output generically and checks the
// mfaudit/v1 contract key by key, so a renamed struct tag fails here.
func TestRenderJSONContract(t *testing.T) {
	r := renderSample()
	out := renderString(t, "json", r, RenderOptions{})
	if !strings.HasPrefix(out, "{\n  \"schema\"") || !strings.HasSuffix(out, "}\n") {
		t.Errorf("output is not indented JSON with a trailing newline:\n%.80s", out)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema"] != "mfaudit/v1" {
		t.Errorf("schema = %v", doc["schema"])
	}
	summary, _ := doc["summary"].(map[string]any)
	for _, k := range []string{"protected", "partial", "unprotected", "not_covered", "unknown"} {
		if _, ok := summary[k].(float64); !ok {
			t.Errorf("summary.%s missing or not a number: %v", k, summary[k])
		}
	}
	if summary["unprotected"] != float64(r.Summary.Unprotected) {
		t.Errorf("summary.unprotected = %v, want %d", summary["unprotected"], r.Summary.Unprotected)
	}

	lockfiles, _ := doc["lockfiles"].([]any)
	if len(lockfiles) != len(r.Lockfiles) {
		t.Fatalf("%d lockfiles, want %d", len(lockfiles), len(r.Lockfiles))
	}
	contract := map[string]string{ // key -> JSON type
		"name": "string", "version": "string", "platform": "string", "source": "object",
		"line": "number", "direct": "bool", "path": "array", "status": "string", "reason": "string",
		"latest_version": "string", "mfa_flag": "string|null", "locked_version_mfa": "bool|null",
		"downloads": "number", "source_code_uri": "string|null", "allowlisted": "bool",
	}
	for i, lfAny := range lockfiles {
		lf := lfAny.(map[string]any)
		if lf["path"] != r.Lockfiles[i].Path {
			t.Errorf("lockfile %d path = %v", i, lf["path"])
		}
		gems := lf["gems"].([]any)
		for j, gAny := range gems {
			g := gAny.(map[string]any)
			want := r.Lockfiles[i].Gems[j]
			if g["name"] != want.Name || g["platform"] != want.Platform || g["line"] != float64(want.Line) {
				t.Errorf("lockfile %d gem %d = %v %v line %v, want lockfile order (%s %s line %d)",
					i, j, g["name"], g["platform"], g["line"], want.Name, want.Platform, want.Line)
			}
			for key, typ := range contract {
				v, ok := g[key]
				if !ok {
					t.Errorf("gem %s: key %q missing", want.Name, key)
					continue
				}
				if !slices.Contains(strings.Split(typ, "|"), jsonType(v)) {
					t.Errorf("gem %s: %s is %s, want %s", want.Name, key, jsonType(v), typ)
				}
			}
			src := g["source"].(map[string]any)
			if _, ok := src["type"].(string); !ok {
				t.Errorf("gem %s: source.type missing", want.Name)
			}
			if _, ok := src["remote"].(string); !ok {
				t.Errorf("gem %s: source.remote missing", want.Name)
			}
			if want.MFAFlag == nil && g["mfa_flag"] != nil {
				t.Errorf("gem %s: mfa_flag = %v, want null", want.Name, g["mfa_flag"])
			}
		}
	}
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

// TestJSONEmptyLists: lists a script iterates over are [] rather than null.
func TestJSONEmptyLists(t *testing.T) {
	r := &Report{Lockfiles: []LockfileReport{{Path: "Gemfile.lock", Gems: []Finding{{Name: "rack", Status: Unknown}}}}}
	out := renderString(t, "json", r, RenderOptions{})
	for _, want := range []string{`"path": []`, `"fail_on": []`, `"schema": "mfaudit/v1"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	out = renderString(t, "json", &Report{}, RenderOptions{})
	if !strings.Contains(out, `"lockfiles": []`) {
		t.Errorf("no lockfiles should render as [], got:\n%s", out)
	}
}

// sarifDoc is the part of a SARIF log the structural test reads.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID         string `json:"id"`
					HelpURI    string `json:"helpUri"`
					Properties struct {
						Tags     []string `json:"tags"`
						Severity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			Notifications       []struct {
				Level string `json:"level"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
			Properties struct {
				Gem      string `json:"gem"`
				Platform string `json:"platform"`
			} `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, r *Report) sarifDoc {
	t.Helper()
	var doc sarifDoc
	dec := json.NewDecoder(strings.NewReader(renderString(t, "sarif", r, RenderOptions{ToolVersion: "1.2.3"})))
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	return doc
}

// TestSARIFStructure checks the mapping the sarif renderer documents.
func TestSARIFStructure(t *testing.T) {
	r := renderSample()
	doc := decodeSARIF(t, r)
	if doc.Version != "2.1.0" || !strings.Contains(doc.Schema, "sarif-2.1.0") {
		t.Errorf("version %q schema %q", doc.Version, doc.Schema)
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "mfaudit" || run.Tool.Driver.Version != "1.2.3" {
		t.Errorf("driver %+v", run.Tool.Driver)
	}
	var ids []string
	for _, rule := range run.Tool.Driver.Rules {
		ids = append(ids, rule.ID)
		if !strings.HasPrefix(rule.HelpURI, "https://") || !slices.Contains(rule.Properties.Tags, "security") ||
			rule.Properties.Severity == "" {
			t.Errorf("rule %s lacks helpUri, security tag or security-severity", rule.ID)
		}
	}
	if got := strings.Join(ids, ","); got != "MFA001,MFA002,MFA003,MFA004" {
		t.Errorf("rules = %s", got)
	}
	if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful || len(run.Invocations[0].Notifications) != 3 {
		t.Errorf("invocations = %+v, want one with 1 lockfile warning and 2 allowlist notes", run.Invocations)
	}

	// Index the findings by lockfile, gem and platform.
	type key struct{ path, gem, platform string }
	findings := map[key]*Finding{}
	nonProtected := 0
	for i := range r.Lockfiles {
		for j := range r.Lockfiles[i].Gems {
			f := &r.Lockfiles[i].Gems[j]
			findings[key{r.Lockfiles[i].Path, f.Name + "@" + f.Version, f.Platform}] = f
			if f.Status != Protected {
				nonProtected++
			}
		}
	}
	if len(run.Results) != nonProtected {
		t.Errorf("%d results, want one per finding that is not protected (%d)", len(run.Results), nonProtected)
	}
	wantRule := map[Status]string{Unprotected: "MFA001", Unknown: "MFA002", Partial: "MFA003", NotCovered: "MFA004"}
	for _, res := range run.Results {
		if len(res.Locations) != 1 {
			t.Fatalf("result %q has %d locations", res.Message.Text, len(res.Locations))
		}
		loc := res.Locations[0].PhysicalLocation
		version := strings.Fields(res.Message.Text)[1]
		version = strings.TrimSuffix(version, "-"+res.Properties.Platform)
		f := findings[key{loc.ArtifactLocation.URI, res.Properties.Gem + "@" + version, res.Properties.Platform}]
		if f == nil {
			t.Errorf("result %q at %s matches no finding", res.Message.Text, loc.ArtifactLocation.URI)
			continue
		}
		if loc.Region.StartLine != f.Line {
			t.Errorf("%s: startLine %d, want %d", f.Name, loc.Region.StartLine, f.Line)
		}
		if res.RuleID != wantRule[f.Status] || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("%s (%s): ruleId %s index %d", f.Name, f.Status, res.RuleID, res.RuleIndex)
		}
		if want := findingLevel(f); res.Level != want {
			t.Errorf("%s: level %s, want %s", f.Name, res.Level, want)
		}
		if f.FailsGate != (res.Level == "error") {
			t.Errorf("%s: level %s but fails gate = %v", f.Name, res.Level, f.FailsGate)
		}
		if f.Allowlisted != (len(res.Suppressions) == 1) {
			t.Errorf("%s: allowlisted %v but %d suppressions", f.Name, f.Allowlisted, len(res.Suppressions))
		}
		if f.Allowlisted && res.Suppressions[0].Justification != f.AllowlistReason {
			t.Errorf("%s: suppression justification %q", f.Name, res.Suppressions[0].Justification)
		}
		fp := res.PartialFingerprints[fingerprintKey]
		if len(fp) != 64 || res.PartialFingerprints["primaryLocationLineHash"] != fp {
			t.Errorf("%s: partialFingerprints %v", f.Name, res.PartialFingerprints)
		}
	}
}

// TestSARIFEmptyResults: a clean audit still lists "results": [], which is
// what tells code scanning to close earlier alerts.
func TestSARIFEmptyResults(t *testing.T) {
	r := &Report{Lockfiles: []LockfileReport{{Path: "Gemfile.lock", Gems: []Finding{
		{Name: "rake", Version: "13.1.0", Platform: "ruby", Line: 4, Status: Protected},
	}}}}
	out := renderString(t, "sarif", r, RenderOptions{})
	if !strings.Contains(out, `"results": []`) {
		t.Errorf("no results should render as [], got:\n%s", out)
	}
}

func TestSARIFFingerprintStable(t *testing.T) {
	base := Finding{Name: "kramdown", Version: "2.4.0", Platform: "ruby", Line: 8, Status: Unprotected}
	fp := func(path string, mutate func(*Finding)) string {
		f := base
		if mutate != nil {
			mutate(&f)
		}
		r := &Report{Lockfiles: []LockfileReport{{Path: path, Gems: []Finding{f}}}}
		doc := decodeSARIF(t, r)
		if len(doc.Runs[0].Results) != 1 {
			t.Fatalf("want one result")
		}
		return doc.Runs[0].Results[0].PartialFingerprints[fingerprintKey]
	}
	want := fp("Gemfile.lock", nil)
	tests := []struct {
		name   string
		path   string
		mutate func(*Finding)
		same   bool
	}{
		{name: "another line", path: "Gemfile.lock", mutate: func(f *Finding) { f.Line = 80 }, same: true},
		{name: "another version", path: "Gemfile.lock", mutate: func(f *Finding) { f.Version = "2.5.1" }, same: true},
		{name: "another reason", path: "Gemfile.lock", mutate: func(f *Finding) { f.Reason = "changed" }, same: true},
		{name: "path spelt with ./", path: "./Gemfile.lock", same: true},
		{name: "another gem", path: "Gemfile.lock", mutate: func(f *Finding) { f.Name = "kramdown-parser-gfm" }},
		{name: "another platform", path: "Gemfile.lock", mutate: func(f *Finding) { f.Platform = "java" }},
		{name: "another lockfile", path: "api/Gemfile.lock"},
		{name: "another status", path: "Gemfile.lock", mutate: func(f *Finding) { f.Status = Unknown }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fp(tt.path, tt.mutate)
			if (got == want) != tt.same {
				t.Errorf("fingerprint %s vs %s: same = %v, want %v", got, want, got == want, tt.same)
			}
		})
	}
}

// sarifValidator finds the SARIF Multitool wrapper: $MFAUDIT_SARIF_VALIDATE
// or shared/tools/sarif-validate next to the repository.
func sarifValidator() string {
	if p := os.Getenv("MFAUDIT_SARIF_VALIDATE"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "shared", "tools", "sarif-validate")
}

// TestSARIFValidates runs Microsoft's SARIF Multitool over the sample. It
// is slow on first use (it installs the tool), so -short skips it; without
// the tool it skips loudly, unless CI is set, where it fails.
func TestSARIFValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not running the SARIF validator")
	}
	tool := sarifValidator()
	if _, err := os.Stat(tool); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("SARIF validator %s not found (set MFAUDIT_SARIF_VALIDATE): %v", tool, err)
		}
		t.Skipf("SKIPPING SARIF validation: validator %s not found (set MFAUDIT_SARIF_VALIDATE)", tool)
	}
	reports := []struct {
		name string
		r    *Report
	}{
		{name: "sample", r: renderSample()},
		{name: "injection", r: injectionReport()},
		{name: "clean", r: &Report{Lockfiles: []LockfileReport{{Path: "Gemfile.lock"}}}},
		{name: "baseline", r: baselineReport()},
	}
	for _, rep := range reports {
		t.Run(rep.name, func(t *testing.T) {
			t.Parallel() // each run starts the .NET tool: seconds, mostly waiting
			file := filepath.Join(t.TempDir(), rep.name+".sarif")
			if err := os.WriteFile(file, []byte(renderString(t, "sarif", rep.r, RenderOptions{ToolVersion: "1.2.3"})), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(tool, file).CombinedOutput()
			var exit *exec.ExitError
			switch {
			case err == nil:
			case errors.As(err, &exit) && exit.ExitCode() == 2:
				if os.Getenv("CI") != "" {
					t.Fatalf("SARIF validator unavailable:\n%s", out)
				}
				t.Skipf("SKIPPING SARIF validation: validator unavailable:\n%s", out)
			default:
				t.Fatalf("SARIF validation failed (%v):\n%s", err, out)
			}
			// The wrapper prints "warning: N [...]"; warnings are findings too.
			if m := regexp.MustCompile(`(?m)^warning: (\d+)`).FindSubmatch(out); m == nil || string(m[1]) != "0" {
				t.Errorf("SARIF validator reported warnings:\n%s", out)
			}
		})
	}
}

// baselineReport is the sample compared with a baseline that knew the
// first lockfile's findings: they are unchanged, the second's are new.
func baselineReport() *Report {
	b := NewBaseline(DefaultFailOn)
	r := renderSample()
	b.Add(&r.Lockfiles[0])
	for i := range r.Lockfiles {
		b.Mark(&r.Lockfiles[i])
	}
	r.Gate.Baseline = "main"
	r.ApplyGate(DefaultFailOn)
	return r
}

// injectionReport carries hostile text in every field that reaches an
// output: terminal escapes, CR/LF followed by a workflow command, table
// and Markdown metacharacters, mentions and HTML.
func injectionReport() *Report {
	evil := "x\x1b[2J\x1b]0;owned\x07\r\n::error file=evil,line=1::injected\n|a|b| @octocat #1 <img src=x> `code` *bold* \u009b31m \u202eevil %0A"
	f := Finding{
		Name: "evil" + evil, Version: "1.0" + evil, Platform: "ruby" + evil,
		Source: Source{Type: "rubygems", Remote: "https://rubygems.org/" + evil},
		Line:   3, Path: []string{"root" + evil, "evil" + evil},
		Status: Unprotected, Reason: "reason " + evil, LatestVersion: "2.0" + evil,
		MFAFlag: strp("flag" + evil), SourceCodeURI: strp("https://example.com/" + evil),
	}
	allowed := f
	allowed.Line = 4
	allowed.Allowlisted = true
	allowed.AllowlistReason = "because " + evil
	r := &Report{
		Lockfiles: []LockfileReport{{
			Path:     "Gemfile.lock",
			Gems:     []Finding{f, allowed},
			Warnings: []Warning{{Line: 2, Message: "warning " + evil}},
		}},
		Allowlist: []AllowlistEntryState{{Gem: "gone" + evil, Reason: "stale " + evil, State: "stale"}},
	}
	r.ApplyGate([]Status{Unprotected})
	return r
}

// TestRenderInjection renders hostile text in every format and checks it
// stays inert: no control character reaches the output (JSON escapes
// them), no line but our own starts a workflow command, and Markdown table
// rows keep their cell count.
func TestRenderInjection(t *testing.T) {
	r := injectionReport()
	for _, format := range Formats() {
		for _, color := range []bool{false, true} {
			name := format
			if color {
				name += "/color"
			}
			t.Run(name, func(t *testing.T) {
				out := renderString(t, format, r, RenderOptions{Color: color, Width: 120})
				if color && format == "table" {
					// The only escapes allowed are the status colours.
					out = regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(out, "")
				}
				for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
					if c := controlIn(line); c != "" {
						t.Errorf("line %d carries control character %s: %q", i+1, c, line)
					}
					if strings.HasPrefix(strings.TrimSpace(line), "::") && format != "github" {
						t.Errorf("line %d starts a workflow command: %q", i+1, line)
					}
				}
				switch format {
				case "github":
					checkWorkflowCommands(t, out)
				case "markdown":
					checkMarkdownCells(t, out)
				case "json", "sarif":
					checkJSONFaithful(t, out)
				case "table":
					if n := strings.Count(out, "\n"); n > 20 {
						t.Errorf("table spans %d lines; hostile text must not add lines", n)
					}
				}
			})
		}
	}
}

// controlIn names the first control or bidi character in s, or "".
func controlIn(s string) string {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || jsonUnsafe(r) {
			return fmt.Sprintf("U+%04X", r)
		}
	}
	return ""
}

// checkWorkflowCommands: every line is one of our commands (or the final
// summary), and no property smuggles in an extra key.
func checkWorkflowCommands(t *testing.T, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	// 2 findings + 1 lockfile warning + 1 allowlist note + the summary.
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(lines), out)
	}
	cmd := regexp.MustCompile(`^::(error|warning|notice)( [^:]*)?::(.*)$`)
	for i, line := range lines[:4] {
		m := cmd.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %d is not a well-formed workflow command: %q", i+1, line)
			continue
		}
		for _, prop := range strings.Split(strings.TrimSpace(m[2]), ",") {
			if prop == "" {
				continue
			}
			k, _, _ := strings.Cut(prop, "=")
			if !slices.Contains([]string{"file", "line", "title"}, k) {
				t.Errorf("line %d: unexpected property %q in %q", i+1, k, line)
			}
		}
		if strings.Contains(m[3], "%0A") && !strings.Contains(m[3], "%250A") {
			t.Errorf("line %d: message carries an escaped newline: %q", i+1, m[3])
		}
	}
	if !strings.HasPrefix(lines[4], "mfaudit: ") {
		t.Errorf("last line %q is not the summary", lines[4])
	}
}

// checkMarkdownCells splits table rows the way GitHub does (a backslash
// escapes the next character) and checks every row has 7 cells, and that
// no untrusted text is live Markdown.
func checkMarkdownCells(t *testing.T, out string) {
	t.Helper()
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "|"):
			rows++
			cells := splitCells(line)
			if len(cells) != 9 { // empty text before the first and after the last pipe
				t.Errorf("row has %d cell separators, want 8: %q", len(cells)-1, line)
				continue
			}
			for _, cell := range cells[2:8] { // the status cell is ours
				if live := liveMarkdown(cell); live != "" {
					t.Errorf("cell %q carries live Markdown %q", cell, live)
				}
			}
		case strings.HasPrefix(line, "- "), strings.HasPrefix(line, "### "):
			_, text, _ := strings.Cut(line, " ")
			if live := liveMarkdown(text); live != "" {
				t.Errorf("line %q carries live Markdown %q", line, live)
			}
		}
	}
	if rows != 4 { // header, delimiter, 2 findings
		t.Errorf("%d table rows, want 4", rows)
	}
}

// splitCells splits a table row on the pipes GitHub treats as separators.
func splitCells(line string) []string {
	var cells []string
	start := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			cells = append(cells, line[start:i])
			start = i + 1
		}
	}
	return append(cells, line[start:])
}

// liveMarkdown returns the first character of s, outside code spans, that
// Markdown or GitHub would act on: an unescaped metacharacter, or "@"/"#"
// that could mention a user or reference an issue.
func liveMarkdown(s string) string {
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\\':
			i++
		case '`':
			n := 0
			for i+n < len(rs) && rs[i+n] == '`' {
				n++
			}
			fence := strings.Repeat("`", n)
			end := strings.Index(string(rs[i+n:]), fence)
			if end < 0 {
				return "unclosed code span"
			}
			i += n + len([]rune(string(rs[i+n:])[:end])) + n - 1
		case '<', '>', '*', '_', '[', ']', '&', '~', '$':
			return string(rs[i])
		case '@', '#':
			if i+1 >= len(rs) || rs[i+1] != '\u2060' {
				return string(rs[i])
			}
		}
	}
	return ""
}

// checkJSONFaithful: the JSON formats keep untrusted text exactly (escaped
// by JSON, so inert) rather than altering the data.
func checkJSONFaithful(t *testing.T, out string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if !bytes.Contains([]byte(out), []byte(`\u001b[2J`)) {
		t.Errorf("ESC was not kept as an escape")
	}
}

// TestReadJSON reads back what the JSON renderer writes, and refuses what
// is not a report.
func TestReadJSON(t *testing.T) {
	r := renderSample()
	var buf bytes.Buffer
	if err := Render(&buf, "json", r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&buf, "report.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Findings()) != len(r.Findings()) || got.Summary != r.Summary {
		t.Fatalf("read back %d findings, summary %+v; want %d, %+v", len(got.Findings()), got.Summary, len(r.Findings()), r.Summary)
	}
	for i, f := range got.Findings() {
		if w := r.Findings()[i]; f.Name != w.Name || f.Status != w.Status {
			t.Errorf("finding %d: %s %s, want %s %s", i, f.Name, f.Status, w.Name, w.Status)
		}
	}
	for _, bad := range []struct{ in, want string }{
		{"{\n  \"schema\": \"other/v1\"\n}", `report.json: schema "other/v1"`},
		{"{\n\n  \"schema\": ,\n}", "report.json:3: not a JSON report"},
		{"GEM\n  remote: https://rubygems.org/\n", "report.json:1: not a JSON report"},
	} {
		if _, err := ReadJSON(strings.NewReader(bad.in), "report.json"); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ReadJSON(%q) = %v, want an error containing %q", bad.in, err, bad.want)
		}
	}
}
