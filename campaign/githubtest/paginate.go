package githubtest

import (
	"fmt"
	"strconv"
	"strings"
)

// paginate applies the per_page (default 30, at most 100) and page
// (default 1) parameters to n items. It returns the slice bounds and a Link
// header naming the other pages, as GitHub sends it.
func (s *Server) paginate(c *call, n int) (start, end int, header map[string]string) {
	q := c.query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page <= 0 {
		page = 1
	}
	last := max(1, (n+per-1)/per)
	start = min(n, (page-1)*per)
	end = min(n, start+per)
	link := func(p int, rel string) string {
		v := c.query()
		v.Set("page", strconv.Itoa(p))
		v.Set("per_page", strconv.Itoa(per))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.URL(), c.r.URL.Path, v.Encode(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(min(page-1, last), "prev"))
	}
	if len(links) == 0 {
		return start, end, nil
	}
	return start, end, map[string]string{"Link": strings.Join(links, ", ")}
}
