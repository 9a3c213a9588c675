package pgtest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/mfaudit/mfaudit/registry"
)

// Gem is one rubygems row with its versions, downloads and links.
type Gem struct {
	Name     string
	Versions []Version
	// Total is the gem's total downloads (the gem_downloads row with
	// version_id = 0); nil writes no such row.
	Total *int64
	Links *Linkset // nil: no linksets row
}

// Version is one build of a gem: a versions row, its gem_downloads row and
// perhaps an attestations row.
type Version struct {
	Number, Platform string // Platform "" means "ruby"
	// Prerelease is the prerelease column; Load also sets it, as RubyGems
	// does, when Number has a letter (registry.IsPrerelease).
	Prerelease bool
	Yanked     bool // indexed = false, yanked_at set
	Metadata   map[string]string
	Downloads  int64     // its gem_downloads row (rubygem_id, version_id = this version's id)
	CreatedAt  time.Time // zero: a fixed 2024-01-01T00:00:00Z
	Attested   bool      // one attestations row for this version
}

// Linkset is a gem's linksets row; an empty field is NULL.
type Linkset struct{ Home, Wiki, Docs, Mail, Code, Bugs string }

// defaultCreated stands in for a zero Version.CreatedAt.
var defaultCreated = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// attestationMediaType is the media_type of the attestations rows Load writes.
const attestationMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// batchGems is how many gems LoadFunc holds before writing them.
const batchGems = 10_000

// Load inserts gems into the dump-schema database at url (see NewDumpDB),
// after any rows already there, in one transaction. It fills the columns
// RubyGems.org derives as RubyGems.org does: rubygems.indexed (some version
// is not yanked), versions.position (the rank of the version's number among
// the gem's distinct numbers by registry.CompareVersions, newest first from
// 0, shared by a number's platforms), versions.latest (Rubygem#reorder_versions:
// per platform, the newest version that is neither a prerelease nor yanked),
// full_name and canonical_number. It then advances the id sequences and
// analyzes the tables.
func Load(ctx context.Context, url string, gems []Gem) error {
	i := 0
	return LoadFunc(ctx, url, func() (*Gem, bool) {
		if i == len(gems) {
			return nil, false
		}
		i++
		return &gems[i-1], true
	})
}

// LoadFunc is Load for a stream: next returns the next gem, or false at the
// end. It writes the gems in batches, so its memory does not grow with their
// number; next may reuse the Gem it returned before.
func LoadFunc(ctx context.Context, url string, next func() (*Gem, bool)) error {
	if err := loadFunc(ctx, url, next); err != nil {
		return fmt.Errorf("pgtest: load: %w", err)
	}
	return nil
}

func loadFunc(ctx context.Context, url string, next func() (*Gem, bool)) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	var hstoreOID uint32
	if err := conn.QueryRow(ctx, "SELECT 'public.hstore'::regtype::oid").Scan(&hstoreOID); err != nil {
		return fmt.Errorf("find the hstore type (is this a NewDumpDB database?): %w", err)
	}
	conn.TypeMap().RegisterType(&pgtype.Type{Name: "hstore", OID: hstoreOID, Codec: pgtype.HstoreCodec{}})

	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.Background()) // a no-op after Commit
	l := &loader{tx: tx, next: map[string]int64{}, rows: map[string][][]any{}}
	for _, t := range tables {
		var id int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+t).Scan(&id); err != nil {
			return fmt.Errorf("read the ids of %s: %w", t, err)
		}
		l.next[t] = id
	}
	for {
		g, ok := next()
		if !ok {
			break
		}
		if err := l.add(g); err != nil {
			return err
		}
		if len(l.gems) >= batchGems {
			if err := l.flush(ctx); err != nil {
				return err
			}
		}
	}
	if err := l.flush(ctx); err != nil {
		return err
	}
	for _, t := range tables {
		if _, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence($1, 'id'), $2, false)", "public."+t, l.next[t]); err != nil {
			return fmt.Errorf("set the id sequence of %s: %w", t, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// The dump tables Load writes, in the order it writes them.
const (
	tRubygems     = "rubygems"
	tVersions     = "versions"
	tDownloads    = "gem_downloads"
	tLinksets     = "linksets"
	tAttestations = "attestations"
)

var tables = []string{tRubygems, tVersions, tDownloads, tLinksets, tAttestations}

// The columns Load writes, per table; each row of loader's buffers holds
// these values in this order.
var columns = map[string][]string{
	tRubygems: {"id", "name", "created_at", "updated_at", "indexed"},
	tVersions: {"id", "rubygem_id", "number", "platform", "prerelease", "indexed", "position", "latest",
		"full_name", "canonical_number", "gem_platform", "gem_full_name", "metadata",
		"created_at", "updated_at", "built_at", "yanked_at"},
	tDownloads:    {"id", "rubygem_id", "version_id", "count"},
	tLinksets:     {"id", "rubygem_id", "home", "wiki", "docs", "mail", "code", "bugs", "created_at", "updated_at"},
	tAttestations: {"id", "version_id", "body", "media_type", "created_at", "updated_at"},
}

// loader buffers one batch of rows per table.
type loader struct {
	tx   pgx.Tx
	next map[string]int64 // the next id per table
	rows map[string][][]any
	gems []string // the batch's gem names, for error messages
}

// add converts g into rows, computing the derived columns.
func (l *loader) add(g *Gem) error {
	if g.Name == "" {
		return errors.New("a gem has no name")
	}
	n := len(g.Versions)
	platforms := make([]string, n)
	prerelease := make([]bool, n)
	for i, v := range g.Versions {
		if v.Number == "" {
			return fmt.Errorf("gem %q: version %d has no number", g.Name, i)
		}
		platforms[i] = cmp.Or(v.Platform, "ruby")
		prerelease[i] = v.Prerelease || registry.IsPrerelease(v.Number)
	}

	// order lists the versions newest first: by number, then by the number's
	// spelling and platform, so that equal builds end up adjacent.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		va, vb := g.Versions[a].Number, g.Versions[b].Number
		if c := registry.CompareVersions(vb, va); c != 0 {
			return c
		}
		if c := strings.Compare(va, vb); c != 0 {
			return c
		}
		return strings.Compare(platforms[a], platforms[b])
	})
	position := make([]int, n)
	latest := make([]bool, n)
	var latestPlatforms []string
	indexed := false
	pos := -1
	for k, i := range order {
		v := g.Versions[i]
		if k == 0 || v.Number != g.Versions[order[k-1]].Number {
			pos++
		} else if platforms[i] == platforms[order[k-1]] {
			return fmt.Errorf("gem %q: version %s (%s) is listed twice", g.Name, v.Number, platforms[i])
		}
		position[i] = pos
		if !v.Yanked {
			indexed = true
			if !prerelease[i] && !slices.Contains(latestPlatforms, platforms[i]) {
				latest[i] = true
				latestPlatforms = append(latestPlatforms, platforms[i])
			}
		}
	}

	gemID := l.id(tRubygems)
	gemCreated := time.Time{}
	for i, v := range g.Versions {
		created := v.CreatedAt
		if created.IsZero() {
			created = defaultCreated
		}
		created = created.UTC()
		if gemCreated.IsZero() || created.Before(gemCreated) {
			gemCreated = created
		}
		fullName := g.Name + "-" + v.Number
		if platforms[i] != "ruby" {
			fullName += "-" + platforms[i]
		}
		meta := make(pgtype.Hstore, len(v.Metadata))
		for k, val := range v.Metadata {
			meta[k] = &val
		}
		var yanked any
		if v.Yanked {
			yanked = created.Add(24 * time.Hour)
		}
		versionID := l.id(tVersions)
		l.rows[tVersions] = append(l.rows[tVersions], []any{
			versionID, gemID, v.Number, platforms[i], prerelease[i], !v.Yanked, position[i], latest[i],
			fullName, v.Number, platforms[i], fullName, meta,
			created, created, created, yanked,
		})
		l.rows[tDownloads] = append(l.rows[tDownloads], []any{l.id(tDownloads), gemID, versionID, v.Downloads})
		if v.Attested {
			l.rows[tAttestations] = append(l.rows[tAttestations], []any{
				l.id(tAttestations), versionID, json.RawMessage(`{}`), attestationMediaType, created, created,
			})
		}
	}
	if gemCreated.IsZero() {
		gemCreated = defaultCreated
	}
	l.rows[tRubygems] = append(l.rows[tRubygems], []any{gemID, g.Name, gemCreated, gemCreated, indexed})
	if g.Total != nil {
		l.rows[tDownloads] = append(l.rows[tDownloads], []any{l.id(tDownloads), gemID, int64(0), *g.Total})
	}
	if k := g.Links; k != nil {
		l.rows[tLinksets] = append(l.rows[tLinksets], []any{
			l.id(tLinksets), gemID, null(k.Home), null(k.Wiki), null(k.Docs), null(k.Mail), null(k.Code), null(k.Bugs),
			gemCreated, gemCreated,
		})
	}
	l.gems = append(l.gems, g.Name)
	return nil
}

// id takes the next id of table.
func (l *loader) id(table string) int64 {
	id := l.next[table]
	l.next[table]++
	return id
}

// flush copies the buffered rows into their tables and empties the buffers.
func (l *loader) flush(ctx context.Context) error {
	for _, t := range tables {
		rows := l.rows[t]
		if len(rows) == 0 {
			continue
		}
		if _, err := l.tx.CopyFrom(ctx, pgx.Identifier{t}, columns[t], pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy %d rows into %s (gems %q to %q): %w", len(rows), t, l.gems[0], l.gems[len(l.gems)-1], err)
		}
		clear(rows) // drop the references before reuse
		l.rows[t] = rows[:0]
	}
	l.gems = l.gems[:0]
	return nil
}

// null returns s, or nil (NULL) if s is empty.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}
