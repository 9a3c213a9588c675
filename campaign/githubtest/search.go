package githubtest

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// issueQuery is a parsed issue search query.
type issueQuery struct {
	repos           map[string]bool // lower-case full names; empty: all
	onlyIssues      bool            // is:issue or type:issue; the fake has no issues
	state           string          // "", "open" or "closed"
	merged          *bool
	author          string
	head, base      string
	inTitle, inBody bool
	terms           []string // lower case
}

// searchWords splits q at spaces, keeping "quoted phrases" together.
func searchWords(q string) []string {
	var words []string
	var cur strings.Builder
	quoted := false
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ' ' || r == '\t' || r == '\n' || r == '+'):
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return words
}

// parseIssueQuery parses the qualifiers the fake understands; any other word
// is a term.
func parseIssueQuery(q string) issueQuery {
	iq := issueQuery{repos: map[string]bool{}}
	inSet := false
	yes, no := true, false
	for _, w := range searchWords(q) {
		key, val, _ := strings.Cut(w, ":")
		switch k, v := lower(key), lower(val); {
		case k == "repo" && v != "":
			iq.repos[v] = true
		case (k == "is" || k == "type") && (v == "pr" || v == "pull-request"):
		case (k == "is" || k == "type") && v == "issue":
			iq.onlyIssues = true
		case (k == "is" || k == "state") && (v == "open" || v == "closed"):
			iq.state = v
		case k == "is" && v == "merged":
			iq.merged = &yes
		case k == "is" && v == "unmerged":
			iq.merged = &no
		case k == "author" && v != "":
			iq.author = val
		case k == "head" && v != "":
			iq.head = val
		case k == "base" && v != "":
			iq.base = val
		case k == "in" && v != "":
			inSet = true
			for _, f := range strings.Split(v, ",") {
				iq.inTitle = iq.inTitle || f == "title"
				iq.inBody = iq.inBody || f == "body"
			}
		default:
			iq.terms = append(iq.terms, lower(w))
		}
	}
	if !inSet {
		iq.inTitle, iq.inBody = true, true
	}
	return iq
}

// matches reports whether pull p of rp satisfies the query.
func (iq issueQuery) matches(rp *repo, p *pull) bool {
	switch {
	case iq.onlyIssues:
		return false
	case len(iq.repos) > 0 && !iq.repos[lower(rp.fullName())]:
		return false
	case iq.state != "" && p.state != iq.state:
		return false
	case iq.merged != nil && p.merged != *iq.merged:
		return false
	case iq.author != "" && !equalFold(p.user, iq.author):
		return false
	case iq.head != "" && p.headRef != iq.head, iq.base != "" && p.baseRef != iq.base:
		return false
	}
	var text string
	if iq.inTitle {
		text += lower(p.title) + "\n"
	}
	if iq.inBody {
		text += lower(p.body)
	}
	for _, t := range iq.terms {
		if !strings.Contains(text, t) {
			return false
		}
	}
	return true
}

// issueJSON renders pull p of rp in the issues API's shape.
func (s *Server) issueJSON(rp *repo, p *pull) map[string]any {
	html := fmt.Sprintf("%s/%s/pull/%d", s.URL(), rp.fullName(), p.number)
	return map[string]any{
		"id": p.id, "node_id": fmt.Sprintf("PR_%d", p.id), "number": p.number, "title": p.title,
		"body": nullable(p.body), "state": p.state, "locked": false, "draft": p.draft, "html_url": html,
		"url":            fmt.Sprintf("%s/issues/%d", s.repoAPI(rp), p.number),
		"repository_url": s.repoAPI(rp), "user": s.userJSON(p.user), "score": 1.0,
		"created_at": p.created.Format(time.RFC3339), "updated_at": p.updated.Format(time.RFC3339),
		"closed_at": timeJSON(p.closedAt),
		"pull_request": map[string]any{
			"url": fmt.Sprintf("%s/pulls/%d", s.repoAPI(rp), p.number), "html_url": html,
			"diff_url": html + ".diff", "patch_url": html + ".patch", "merged_at": timeJSON(p.mergedAt),
		},
	}
}

// searchIssues serves GET /search/issues. Pull requests created through the
// API are found only from their searchFrom-th search request on.
func (s *Server) searchIssues(c *call) reply {
	q := c.query().Get("q")
	if strings.TrimSpace(q) == "" {
		return validationFailed(fieldError{Resource: "Search", Field: "q", Code: "missing"})
	}
	s.searches++
	iq := parseIssueQuery(q)
	type hit struct {
		rp *repo
		p  *pull
	}
	var hits []hit
	for _, rp := range s.repos {
		for _, p := range rp.pulls {
			if p.searchFrom <= s.searches && iq.matches(rp, p) {
				hits = append(hits, hit{rp, p})
			}
		}
	}
	asc := c.query().Get("order") == "asc"
	sort.SliceStable(hits, func(i, j int) bool { return (hits[i].p.order < hits[j].p.order) == asc })
	start, end, link := s.paginate(c, len(hits))
	items := []map[string]any{}
	for _, h := range hits[start:end] {
		items = append(items, s.issueJSON(h.rp, h.p))
	}
	return reply{status: 200, header: link, body: map[string]any{"total_count": len(hits), "incomplete_results": false, "items": items}}
}
