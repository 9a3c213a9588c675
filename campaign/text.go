package campaign

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// TextData is what the title, body and commit message templates see.
type TextData struct {
	// Repo is the repository, "owner/name".
	Repo string
	// Gems are the gems the pull request protects, sorted.
	Gems []string
	// Files are the gemspecs it edits, sorted.
	Files []string
	// Branch is the campaign's branch.
	Branch string
}

// templateFuncs are available to every template: gems and files render a
// list in prose with Markdown code spans ("`a`, `b` and `c`").
var templateFuncs = template.FuncMap{
	"gems":  codeList,
	"files": codeList,
	"join":  strings.Join,
}

func codeList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = "`" + strings.ReplaceAll(s, "`", "'") + "`"
	}
	return prose(quoted)
}

// prose joins items as "a, b and c".
func prose(quoted []string) string {
	switch len(quoted) {
	case 0:
		return ""
	case 1:
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}

// texts holds the parsed templates of one campaign.
type texts struct {
	title, body, commit *template.Template
}

// parseTexts parses the templates, taking title and body (template
// source) in place of the built-in ones when they are not empty.
func parseTexts(title, body string) (*texts, error) {
	parse := func(name, override string) (*template.Template, error) {
		src := override
		if src == "" {
			b, err := templateFS.ReadFile("templates/" + name)
			if err != nil {
				return nil, err
			}
			src = string(b)
		}
		t, err := template.New(name).Funcs(templateFuncs).Option("missingkey=error").Parse(src)
		if err != nil {
			return nil, fmt.Errorf("campaign: %s template: %w", strings.TrimSuffix(name, ".tmpl"), err)
		}
		return t, nil
	}
	var t texts
	var err error
	if t.title, err = parse("title.tmpl", title); err != nil {
		return nil, err
	}
	if t.body, err = parse("body.md.tmpl", body); err != nil {
		return nil, err
	}
	if t.commit, err = parse("commit.tmpl", ""); err != nil {
		return nil, err
	}
	// Render once with sample data, so a template that fails on use
	// (a misspelt field) fails before any request is made.
	sample := TextData{Repo: "owner/repo", Gems: []string{"gem"}, Files: []string{"gem.gemspec"}, Branch: DefaultBranch}
	if _, err := t.render(sample); err != nil {
		return nil, err
	}
	return &t, nil
}

// rendered is the text of one pull request.
type rendered struct {
	Title, Body, Commit string
}

func (t *texts) render(d TextData) (rendered, error) {
	run := func(tm *template.Template) (string, error) {
		var b bytes.Buffer
		if err := tm.Execute(&b, d); err != nil {
			return "", fmt.Errorf("campaign: %s template: %w", strings.TrimSuffix(tm.Name(), ".tmpl"), err)
		}
		return b.String(), nil
	}
	var r rendered
	var err error
	if r.Title, err = run(t.title); err != nil {
		return r, err
	}
	r.Title = strings.Join(strings.Fields(r.Title), " ")
	if r.Title == "" {
		return r, fmt.Errorf("campaign: the title template gives an empty title")
	}
	if r.Body, err = run(t.body); err != nil {
		return r, err
	}
	r.Body = strings.TrimRight(r.Body, "\n") + "\n\n" + marker(d.Gems) + "\n"
	if r.Commit, err = run(t.commit); err != nil {
		return r, err
	}
	r.Commit = strings.TrimRight(r.Commit, "\n") + "\n"
	return r, nil
}

// markerPrefix starts the hidden comment that identifies mfaudit's pull
// requests, whatever their title has since become.
const markerPrefix = "<!-- mfaudit:v1 "

// marker is the hidden comment naming the gems of a pull request. It is
// always appended to the body, even a custom one.
func marker(gems []string) string {
	return markerPrefix + "gems=" + strings.Join(gems, ",") + " -->"
}

// markerGems returns the gems named by the marker in a pull request body,
// or nil when there is no marker.
func markerGems(body string) []string {
	i := strings.Index(body, markerPrefix+"gems=")
	if i < 0 {
		return nil
	}
	rest := body[i+len(markerPrefix)+len("gems="):]
	end := strings.Index(rest, " -->")
	if end < 0 {
		return nil
	}
	var gems []string
	for _, g := range strings.Split(rest[:end], ",") {
		if g = strings.TrimSpace(g); g != "" && validGemName(g) {
			gems = append(gems, g)
		}
	}
	return gems
}

// validGemName accepts the characters of gem names.
func validGemName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return len(s) <= 200
}

// hasMarker reports whether a pull request body carries mfaudit's marker.
func hasMarker(body string) bool { return strings.Contains(body, markerPrefix) }

// CheckTemplates reports whether title and body (template sources, ""
// for the built-in ones) parse and render.
func CheckTemplates(title, body string) error {
	_, err := parseTexts(title, body)
	return err
}
