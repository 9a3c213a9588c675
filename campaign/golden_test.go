package campaign

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// checkGolden compares got with testdata/golden/name, or rewrites it with
// -update (only when it differs).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	want, err := os.ReadFile(path)
	if *update && !bytes.Equal(want, got) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the output (run go test -update to accept):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// stable replaces the fake server's random address with a fixed one.
func (w *world) stable(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte(strings.TrimSuffix(w.gh.URL(), "/")), []byte("https://github.test"))
}

// TestPlanGolden renders the fleet's plan as a table and as JSON.
func TestPlanGolden(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	p := w.plan(fleetGems...)
	for _, format := range Formats() {
		var buf bytes.Buffer
		if err := WritePlan(&buf, p, format, false); err != nil {
			t.Fatal(err)
		}
		ext := map[string]string{"table": "txt", "json": "json"}[format]
		checkGolden(t, "fleet-plan."+ext, w.stable(buf.Bytes()))
	}
	if n := len(w.gh.Writes()); n != 0 {
		t.Errorf("plan made %d writes: %v", n, writes(w.gh))
	}
}

// TestPullRequestTextGolden renders the built-in title, body and commit
// message for a monorepo.
func TestPullRequestTextGolden(t *testing.T) {
	tx, err := parseTexts("", "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := tx.render(TextData{Repo: "acme/railsy", Gems: []string{"railsy-core", "railsy-web"},
		Files: []string{"core/railsy-core.gemspec", "web/railsy-web.gemspec"}, Branch: DefaultBranch})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("title: " + r.Title + "\n\n--- body\n" + r.Body + "\n--- commit\n" + r.Commit)
	checkGolden(t, "pull-request-text.txt", b.Bytes())
	for _, want := range []string{"Axios", "LiteLLM", "next release", "trusted publishing", "every owner",
		"https://guides.rubygems.org/mfa-requirement-opt-in/", "<!-- mfaudit:v1 gems=railsy-core,railsy-web -->"} {
		if !strings.Contains(strings.ToLower(r.Body), strings.ToLower(want)) {
			t.Errorf("the body does not say %q", want)
		}
	}
	if !strings.Contains(r.Title, "rubygems_mfa_required") {
		t.Errorf("the title %q does not name the flag", r.Title)
	}
}

// TestCustomTemplates: --title and --body-file replace the texts, and the
// marker is appended to a body that lacks it; a template that cannot
// render is refused before anything is asked.
func TestCustomTemplates(t *testing.T) {
	tx, err := parseTexts("MFA for {{gems .Gems}} in {{.Repo}}", "Please merge: {{join .Files \", \"}}.")
	if err != nil {
		t.Fatal(err)
	}
	r, err := tx.render(TextData{Repo: "acme/widget", Gems: []string{"widget"}, Files: []string{"widget.gemspec"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != "MFA for `widget` in acme/widget" {
		t.Errorf("title %q", r.Title)
	}
	if r.Body != "Please merge: widget.gemspec.\n\n<!-- mfaudit:v1 gems=widget -->\n" {
		t.Errorf("body %q", r.Body)
	}
	for _, bad := range []struct{ title, body string }{
		{"{{.Nope}}", ""}, {"{{", ""}, {"", "{{range}}"}, {"   ", ""},
	} {
		if err := CheckTemplates(bad.title, bad.body); err == nil {
			t.Errorf("CheckTemplates(%q, %q) accepted it", bad.title, bad.body)
		}
	}
}
