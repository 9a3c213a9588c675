package campaign

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mfaudit/mfaudit/registry"
)

// Formats lists the output formats of WritePlan and WriteStatus.
func Formats() []string { return []string{"table", "json"} }

// PlanJSONSchema names the JSON form of a plan or a run.
const PlanJSONSchema = "mfaudit-campaign-plan/v1"

// WritePlan writes a plan (or, after Apply, a run) in format. The table
// lists every gem with its outcome, then the pull requests with their
// title and the unified diff of each gemspec. applied says the plan has
// been carried out, which changes the headings. Every text that came
// from the registry or the forge is made safe to print.
func WritePlan(w io.Writer, p *Plan, format string, applied bool) error {
	p = safePlan(p)
	var b bytes.Buffer
	switch format {
	case "json":
		doc := struct {
			Schema string `json:"schema"`
			DryRun bool   `json:"dry_run"`
			*Plan
		}{PlanJSONSchema, !applied, p}
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(doc); err != nil {
			return err
		}
	case "table":
		writePlanTable(&b, p, applied)
	default:
		return fmt.Errorf("campaign: unknown format %q", format)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writePlanTable(b *bytes.Buffer, p *Plan, applied bool) {
	if len(p.Repos) == 0 {
		b.WriteString("No unprotected gem to campaign for.\n")
		return
	}
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REPOSITORY\tGEM\tOUTCOME\tDETAIL")
	for _, rp := range p.Repos {
		repo := rp.Repo
		if repo == "" {
			repo = "-"
		}
		for i, g := range rp.Gems {
			shown := safe(repo)
			if i > 0 {
				shown = ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", shown, safe(g.Gem), g.Outcome, safe(g.Reason))
		}
	}
	tw.Flush()

	for _, rp := range p.Repos {
		if len(rp.Edits) == 0 || !showsDiff(rp.Outcome) {
			continue
		}
		fmt.Fprintf(b, "\n== %s: %s\n", safe(rp.Repo), safe(rp.steps(p.Viewer, applied)))
		fmt.Fprintf(b, "   title: %s\n", safe(rp.Title))
		for _, e := range rp.Edits {
			b.WriteString(safeText(e.Diff))
		}
	}
	s := p.Summary
	verb := "to open"
	if applied {
		verb = "opened"
	}
	fmt.Fprintf(b, "\n%s in %s: %s %s, %d to resume, %d skipped, %d %s",
		plural(s.Gems, "gem"), plural(s.Repositories, "repository"), plural(s.PullRequests, "pull request"), verb,
		s.Resume, s.Skipped, s.Errors, pluralWord(s.Errors, "error"))
	if s.Held > 0 {
		fmt.Fprintf(b, ", %d held by --max-prs", s.Held)
	}
	b.WriteString("\n")
}

func showsDiff(o Outcome) bool {
	switch o {
	case OutcomeOpen, OutcomeResume, OutcomeOpened, OutcomeHeld, OutcomeFailed:
		return true
	}
	return false
}

// safePlan returns a copy of p whose every text is safe to print: reasons
// quote gemspecs and forge answers, and paths are the forge's.
func safePlan(p *Plan) *Plan {
	out := *p
	out.Viewer = safe(p.Viewer)
	out.Repos = make([]RepoPlan, len(p.Repos))
	for i, rp := range p.Repos {
		rp.Repo, rp.URL, rp.Reason, rp.Title, rp.HeadRepo = safe(rp.Repo), safe(rp.URL), safe(rp.Reason), safe(rp.Title), safe(rp.HeadRepo)
		gems := make([]GemPlan, len(rp.Gems))
		for j, g := range rp.Gems {
			g.Gem, g.Reason, g.Link, g.Gemspec, g.Latest = safe(g.Gem), safe(g.Reason), safe(g.Link), safe(g.Gemspec), safe(g.Latest)
			gems[j] = g
		}
		rp.Gems = gems
		edits := make([]FileEdit, len(rp.Edits))
		for j, e := range rp.Edits {
			e.Path, e.Diff = safe(e.Path), safeText(e.Diff)
			edits[j] = e
		}
		rp.Edits = edits
		if rp.PullRequest != nil {
			pr := *rp.PullRequest
			pr.Title, pr.URL, pr.Author = safe(pr.Title), safe(pr.URL), safe(pr.Author)
			rp.PullRequest = &pr
		}
		out.Repos[i] = rp
	}
	return &out
}

// steps says in a line which writes a run makes (or made).
func (rp *RepoPlan) steps(viewer string, applied bool) string {
	switch rp.Outcome {
	case OutcomeOpened:
		return rp.Reason
	case OutcomeFailed:
		return "failed: " + rp.Reason
	case OutcomeHeld:
		return rp.Reason
	}
	var parts []string
	head := rp.HeadRepo
	if rp.Fork {
		who := "your account"
		if viewer != "" {
			who = viewer
		}
		parts = append(parts, "fork to "+who)
		head = "the fork"
	}
	base := ""
	if rp.Base != nil {
		base = rp.Base.Branch
	}
	if rp.Outcome == OutcomeResume {
		parts = append(parts, fmt.Sprintf("open a pull request from the existing branch %s of %s against %s", rp.Branch, head, base))
	} else {
		parts = append(parts,
			fmt.Sprintf("commit %s to a new branch %s in %s", plural(len(rp.Edits), "file"), rp.Branch, head),
			"open a pull request against "+base)
	}
	return "will " + strings.Join(parts, ", ")
}

// WriteStatus writes the refreshed pull requests in format.
func WriteStatus(w io.Writer, ss []PRStatus, format string) error {
	var b bytes.Buffer
	switch format {
	case "json":
		if ss == nil {
			ss = []PRStatus{}
		}
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(struct {
			PullRequests []PRStatus `json:"pull_requests"`
		}{ss}); err != nil {
			return err
		}
	case "table":
		if len(ss) == 0 {
			b.WriteString("The state file records no pull request yet.\n")
			break
		}
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REPOSITORY\tPR\tSTATE\tGEMS\tDETAIL\tURL")
		counts := map[PRState]int{}
		for _, s := range ss {
			counts[s.State]++
			fmt.Fprintf(tw, "%s\t#%d\t%s\t%s\t%s\t%s\n", safe(s.Repo), s.Number, s.State,
				safe(strings.Join(s.Gems, ",")), safe(s.Detail), safe(s.URL))
		}
		tw.Flush()
		var parts []string
		for _, st := range []PRState{PROpen, PRDraft, PRMergedUnreleased, PRReleased, PRDeclined, PRUnknown} {
			if counts[st] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
			}
		}
		fmt.Fprintf(&b, "\n%s: %s\n", plural(len(ss), "pull request"), strings.Join(parts, ", "))
	default:
		return fmt.Errorf("campaign: unknown format %q", format)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func plural(n int, word string) string {
	return fmt.Sprintf("%d %s", n, pluralWord(n, word))
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	if strings.HasSuffix(word, "y") {
		return strings.TrimSuffix(word, "y") + "ies"
	}
	return word + "s"
}

// safe makes one line of untrusted text safe for a terminal.
func safe(s string) string { return registry.Sanitize(s) }

// safeText is safe for text of several lines: newlines and tabs stay.
func safeText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		parts := strings.Split(l, "\t")
		for j, p := range parts {
			parts[j] = registry.Sanitize(p)
		}
		lines[i] = strings.Join(parts, "\t")
	}
	return strings.Join(lines, "\n")
}
