package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// pgBatch is how many gems one PostgreSQL query looks up.
const pgBatch = 1000

// ErrNoOwnerData is returned (wrapped) when the source cannot say which
// gems a user owns: RubyGems.org's public dump leaves users and ownerships
// out.
var ErrNoOwnerData = errors.New("the public dump holds no ownerships (RubyGems.org leaves users and ownerships out of it)")

// ErrNoCensus is returned (wrapped) by EachGem for a source that cannot
// list the whole registry: only a database loaded with the dump can.
var ErrNoCensus = errors.New("listing every gem needs a database loaded with RubyGems.org's public dump (--registry-url postgres://…)")

// dumpColumns are the tables and columns of RubyGems.org's public dump
// that mfaudit reads; versions.metadata must be an hstore.
var dumpColumns = []struct {
	table   string
	columns []string
}{
	{"rubygems", []string{"id", "name"}},
	{"versions", []string{"id", "rubygem_id", "number", "platform", "prerelease", "indexed", "position", "metadata", "created_at"}},
	{"gem_downloads", []string{"rubygem_id", "version_id", "count"}},
	{"linksets", []string{"id", "rubygem_id", "home", "wiki", "docs", "mail", "code", "bugs"}},
}

// pgSource answers from a PostgreSQL database loaded with RubyGems.org's
// weekly public dump: every lookup is a query, batched (= ANY($1)), with no
// request to RubyGems.org, no rate limit and no cache.
type pgSource struct {
	opts  *Options
	pool  *pgxpool.Pool
	shown string // the database, without credentials
	// password is scrubbed from every error message.
	password string

	newest       time.Time
	attestations bool // the attestations table is there (dumps since 2025)
	queries      atomic.Int64
}

// newPGSource connects, and checks that the database holds the dump: a
// database that cannot be reached, lacks the dump's tables or columns, or
// is empty is an error naming what is wrong, never an audit where every
// gem is "not found".
func newPGSource(opts *Options) (*pgSource, error) {
	s := &pgSource{opts: opts, shown: redactDSN(opts.BaseURL)}
	cfg, err := pgxpool.ParseConfig(opts.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("registry: %s: %w", s.shown, s.scrub(err))
	}
	s.password = cfg.ConnConfig.Password
	cfg.ConnConfig.ConnectTimeout = opts.Timeout
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "mfaudit"
	// mfaudit only reads: a session that cannot write protects the
	// database from any mistake of its own.
	cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.MaxConns = int32(min(max(opts.Concurrency, 2), 8))
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("registry: %s: %w", s.shown, s.scrub(err))
	}
	if err := s.check(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// check verifies the connection and the dump's schema, and reads how
// recent the data is.
func (s *pgSource) check(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("registry: cannot connect to %s: %w", s.shown, s.scrub(err))
	}
	var tables []string
	for _, t := range dumpColumns {
		tables = append(tables, t.table)
	}
	tables = append(tables, "attestations")
	s.queries.Add(1)
	rows, err := s.pool.Query(ctx, `SELECT table_name::text, column_name::text, udt_name::text
		FROM information_schema.columns
		WHERE table_schema = ANY (current_schemas(false)) AND table_name = ANY ($1)`, tables)
	if err != nil {
		return fmt.Errorf("registry: %s: reading the schema: %w", s.shown, s.scrub(err))
	}
	have := map[string]map[string]string{}
	for rows.Next() {
		var table, column, udt string
		if err := rows.Scan(&table, &column, &udt); err != nil {
			rows.Close()
			return fmt.Errorf("registry: %s: reading the schema: %w", s.shown, s.scrub(err))
		}
		if have[table] == nil {
			have[table] = map[string]string{}
		}
		have[table][column] = udt
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("registry: %s: reading the schema: %w", s.shown, s.scrub(err))
	}
	var absent []string
	for _, t := range dumpColumns {
		if have[t.table] == nil {
			absent = append(absent, t.table)
		}
	}
	if len(absent) == len(dumpColumns) {
		return fmt.Errorf("registry: %s holds none of the tables of RubyGems.org's public dump (%s); load the dump into it first", s.shown, strings.Join(tables[:len(dumpColumns)], ", "))
	}
	if len(absent) > 0 {
		return fmt.Errorf("registry: %s lacks table(s) %s of RubyGems.org's public dump; load the whole dump", s.shown, strings.Join(absent, ", "))
	}
	for _, t := range dumpColumns {
		var missing []string
		for _, c := range t.columns {
			if _, ok := have[t.table][c]; !ok {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("registry: %s: table %s lacks column(s) %s, so it is not RubyGems.org's dump schema", s.shown, t.table, strings.Join(missing, ", "))
		}
	}
	if udt := have["versions"]["metadata"]; udt != "hstore" {
		return fmt.Errorf("registry: %s: versions.metadata is of type %s, not hstore as in RubyGems.org's dump", s.shown, udt)
	}
	_, s.attestations = have["attestations"]["version_id"]
	var newest *time.Time
	var any bool
	s.queries.Add(1)
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM rubygems), (SELECT max(created_at) FROM versions)`).Scan(&any, &newest)
	if err != nil {
		return fmt.Errorf("registry: %s: %w", s.shown, s.scrub(err))
	}
	if !any {
		return fmt.Errorf("registry: %s: the rubygems table is empty; the dump was not loaded (or its load failed)", s.shown)
	}
	if newest != nil {
		s.newest = newest.UTC()
	}
	return nil
}

// scrub removes the password from a driver's message.
func (s *pgSource) scrub(err error) error {
	if err == nil || len(s.password) < 4 || !strings.Contains(err.Error(), s.password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), s.password, "REDACTED"))
}

func (s *pgSource) close() { s.pool.Close() }

func (s *pgSource) stats() Stats { return Stats{Queries: s.queries.Load()} }

func (s *pgSource) provenance() *Provenance {
	return &Provenance{Kind: ProvenancePostgres, Location: s.shown, Source: DefaultBaseURL, Time: s.newest}
}

func (s *pgSource) batchSize() int { return pgBatch }

func (s *pgSource) gem(ctx context.Context, name string) (*Gem, error) {
	a := s.gems(ctx, []string{name})[name]
	return a.gem, a.err
}

// lookupSQL reads the listed (not yanked) builds of the named gems, with
// each build's downloads and the gem's total (the gem_downloads row with
// version_id 0), newest first as RubyGems.org orders them.
const lookupSQL = `SELECT r.name, v.number, coalesce(v.platform, ''), coalesce(v.prerelease, false),
	hstore_to_array(v.metadata), v.created_at, coalesce(d.count, 0), t.count
FROM rubygems r
JOIN versions v ON v.rubygem_id = r.id AND v.indexed
LEFT JOIN gem_downloads d ON d.rubygem_id = r.id AND d.version_id = v.id
LEFT JOIN gem_downloads t ON t.rubygem_id = r.id AND t.version_id = 0
WHERE r.name = ANY ($1)
ORDER BY r.name, v.position, v.id DESC`

// gems looks names up with one query.
func (s *pgSource) gems(ctx context.Context, names []string) map[string]answer {
	out := make(map[string]answer, len(names))
	fail := func(err error) map[string]answer {
		for _, n := range names {
			out[n] = answer{err: fmt.Errorf("registry: gem %q: %s: %w", n, s.shown, s.scrub(err))}
		}
		return out
	}
	s.queries.Add(1)
	rows, err := s.pool.Query(ctx, lookupSQL, names)
	if err != nil {
		return fail(err)
	}
	found := map[string]*Gem{}
	bad := map[string]error{}
	var r pgRow
	for rows.Next() {
		if err := rows.Scan(&r.name, &r.number, &r.platform, &r.prerelease, &r.metadata, &r.created, &r.downloads, &r.total); err != nil {
			rows.Close()
			return fail(err)
		}
		g := found[r.name]
		if g == nil {
			g = &Gem{Name: r.name}
			found[r.name] = g
			if r.total != nil {
				g.Downloads, g.DownloadsExact = *r.total, true
			}
		}
		v, err := r.version()
		if err != nil && bad[r.name] == nil {
			bad[r.name] = err
		}
		g.Versions = append(g.Versions, v)
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	for _, n := range names {
		g := found[n]
		switch {
		case bad[n] != nil:
			out[n] = answer{err: fmt.Errorf("registry: gem %q: %s: %w", n, s.shown, bad[n])}
		case g == nil:
			out[n] = answer{err: fmt.Errorf("registry: gem %q: %w (no listed version in %s)", n, ErrNotFound, s.shown)}
		default:
			g.finish()
			out[n] = answer{gem: g}
		}
	}
	if s.opts.Record != nil {
		s.record(ctx, out)
	}
	return out
}

// pgRow is one build as the lookup queries read it.
type pgRow struct {
	name, number, platform string
	prerelease             bool
	metadata               []*string
	created                *time.Time
	downloads              int64
	total                  *int64
}

// version turns the row into a Version, sanitizing its text as the HTTP
// path does.
func (r *pgRow) version() (Version, error) {
	v := Version{
		Number:     Sanitize(r.number),
		Platform:   Sanitize(r.platform),
		Prerelease: r.prerelease,
		Downloads:  r.downloads,
	}
	if r.created != nil {
		v.CreatedAt = r.created.UTC()
	}
	if v.Platform == "" {
		v.Platform = "ruby"
	}
	if v.Number == "" {
		return v, errors.New("a listed version has no number")
	}
	if len(r.metadata)%2 != 0 {
		return v, fmt.Errorf("version %s: metadata is not key/value pairs", v.Number)
	}
	if len(r.metadata) > 0 {
		v.Metadata = make(map[string]string, len(r.metadata)/2)
		for i := 0; i < len(r.metadata); i += 2 {
			if r.metadata[i] == nil {
				continue
			}
			val := ""
			if p := r.metadata[i+1]; p != nil {
				val = *p // an hstore NULL reads as blank, as JSON null does
			}
			v.Metadata[Sanitize(*r.metadata[i])] = Sanitize(val)
		}
	}
	return v, nil
}

// finish sets what follows from a gem's builds; the exact total, when the
// dump has one, stays the gem's downloads.
func (g *Gem) finish() {
	downloads, exact := g.Downloads, g.DownloadsExact
	g.setVersions(g.Versions)
	if exact {
		g.Downloads, g.DownloadsExact = downloads, true
	}
}

// linksSQL reads the links the owners edited on the site (a gem has one
// linkset).
const linksSQL = `SELECT r.name, l.home, l.wiki, l.docs, l.mail, l.code, l.bugs
FROM rubygems r
JOIN LATERAL (SELECT * FROM linksets WHERE rubygem_id = r.id ORDER BY id LIMIT 1) l ON true
WHERE r.name = ANY ($1)`

// linksets reads the linksets of the named gems.
func (s *pgSource) linksets(ctx context.Context, names []string) (map[string]linkset, error) {
	s.queries.Add(1)
	rows, err := s.pool.Query(ctx, linksSQL, names)
	if err != nil {
		return nil, s.scrub(err)
	}
	defer rows.Close()
	out := map[string]linkset{}
	for rows.Next() {
		var name string
		var l linkset
		if err := rows.Scan(&name, &l.home, &l.wiki, &l.docs, &l.mail, &l.code, &l.bugs); err != nil {
			return nil, s.scrub(err)
		}
		out[name] = l
	}
	return out, s.scrub(rows.Err())
}

// linkset is a linksets row; nil columns are unset.
type linkset struct{ home, wiki, docs, mail, code, bugs *string }

func (s *pgSource) links(ctx context.Context, name string) (Links, error) {
	g, err := s.gem(ctx, name)
	if err != nil {
		return Links{}, fmt.Errorf("registry: gem %q: links: %w", name, errors.Unwrap(err))
	}
	ls, err := s.linksets(ctx, []string{name})
	if err != nil {
		return Links{}, fmt.Errorf("registry: gem %q: links: %s: %w", name, s.shown, err)
	}
	return apiLinks(g, ls[name]), nil
}

// uriKeys are the metadata keys RubyGems.org reads links from.
var uriKeys = []string{"homepage_uri", "changelog_uri", "source_code_uri", "documentation_uri", "wiki_uri", "mailing_list_uri", "bug_tracker_uri", "download_uri", "funding_uri"}

// apiLinks computes the links the gem document shows, as RubyGems.org
// does: homepage_uri from the metadata unless blank, else the linkset;
// every other link from the metadata alone when it sets any link, else
// from the linkset; documentation_uri falling back to rubydoc.info.
func apiLinks(g *Gem, l linkset) Links {
	v := g.Latest
	if v == nil && len(g.Versions) > 0 {
		v = &g.Versions[0]
	}
	var md map[string]string
	number := ""
	if v != nil {
		md, number = v.Metadata, v.Number
	}
	fromMetadata := false
	for _, k := range uriKeys {
		if _, ok := md[k]; ok {
			fromMetadata = true
		}
	}
	col := func(p *string) string {
		if p == nil {
			return ""
		}
		return Sanitize(strings.TrimSpace(*p))
	}
	pick := func(key string, p *string) string {
		if fromMetadata {
			return strings.TrimSpace(md[key])
		}
		return col(p)
	}
	out := Links{
		Homepage:      strings.TrimSpace(md["homepage_uri"]),
		SourceCode:    pick("source_code_uri", l.code),
		BugTracker:    pick("bug_tracker_uri", l.bugs),
		Changelog:     strings.TrimSpace(md["changelog_uri"]),
		Documentation: pick("documentation_uri", l.docs),
		Wiki:          pick("wiki_uri", l.wiki),
	}
	if out.Homepage == "" {
		out.Homepage = col(l.home)
	}
	if out.Documentation == "" && number != "" {
		out.Documentation = "https://www.rubydoc.info/gems/" + g.Name + "/" + number
	}
	return out
}

func (s *pgSource) ownerGems(ctx context.Context, handle string) ([]string, error) {
	return nil, fmt.Errorf("registry: owner %q: %s: %w; ask RubyGems.org's API for an owner's gems", handle, s.shown, ErrNoOwnerData)
}

// record hands the answers to Options.Record as the API documents
// RubyGems.org would serve for them, so that mfaudit mirror can copy a
// database into a directory.
func (s *pgSource) record(ctx context.Context, answers map[string]answer) {
	var names []string
	for n, a := range answers {
		if a.gem != nil {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	ls, err := s.linksets(ctx, names)
	if err != nil {
		for _, n := range names {
			answers[n] = answer{err: fmt.Errorf("registry: gem %q: links: %s: %w", n, s.shown, err)}
		}
		return
	}
	for _, n := range names {
		g := answers[n].gem
		versions, gem, err := apiDocuments(g, apiLinks(g, ls[n]))
		if err == nil {
			err = s.opts.Record(kindVersions, n, versions)
		}
		if err == nil {
			err = s.opts.Record(kindGem, n, gem)
		}
		if err != nil {
			answers[n] = answer{err: fmt.Errorf("registry: gem %q: recording: %w", n, err)}
		}
	}
}

// apiDocuments renders a gem as GET /api/v1/versions/NAME.json and GET
// /api/v1/gems/NAME.json would (the fields mfaudit reads).
func apiDocuments(g *Gem, links Links) (versions, gem []byte, err error) {
	list := make([]map[string]any, 0, len(g.Versions))
	for _, v := range g.Versions {
		md := v.Metadata
		if md == nil {
			md = map[string]string{}
		}
		e := map[string]any{
			"number": v.Number, "platform": v.Platform, "prerelease": v.Prerelease,
			"metadata": md, "downloads_count": v.Downloads,
		}
		if !v.CreatedAt.IsZero() {
			e["created_at"] = v.CreatedAt.UTC().Format(time.RFC3339Nano)
		}
		list = append(list, e)
	}
	if versions, err = json.Marshal(list); err != nil {
		return nil, nil, err
	}
	doc := map[string]any{"name": g.Name, "downloads": g.Downloads}
	if v := g.Latest; v != nil {
		md := v.Metadata
		if md == nil {
			md = map[string]string{}
		}
		doc["version"], doc["platform"], doc["metadata"] = v.Number, v.Platform, md
	}
	for k, val := range map[string]string{
		"homepage_uri": links.Homepage, "source_code_uri": links.SourceCode, "bug_tracker_uri": links.BugTracker,
		"changelog_uri": links.Changelog, "documentation_uri": links.Documentation, "wiki_uri": links.Wiki,
	} {
		if val != "" {
			doc[k] = val
		} else {
			doc[k] = nil
		}
	}
	gem, err = json.Marshal(doc)
	return versions, gem, err
}

// redactDSN shows a postgres:// URL without its password or query
// parameters (which may hold one): postgres://USER@HOST:PORT/DB.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the PostgreSQL database (unreadable URL)"
	}
	shown := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	if u.User != nil {
		shown.User = url.User(u.User.Username())
	}
	if h := u.Query().Get("host"); h != "" && u.Host == "" {
		// A Unix socket directory given as ?host=/run/postgresql.
		return Sanitize(shown.String() + " (socket " + h + ")")
	}
	return Sanitize(shown.String())
}

// censusSQL reads every gem with its listed builds, one gem's rows after
// another; a gem with no listed build has one row of NULLs.
const censusSQL = `SELECT r.id, r.name, v.number, coalesce(v.platform, ''), coalesce(v.prerelease, false),
	hstore_to_array(v.metadata), v.created_at, coalesce(d.count, 0), t.count, %s
FROM rubygems r
LEFT JOIN versions v ON v.rubygem_id = r.id AND v.indexed
LEFT JOIN gem_downloads d ON d.rubygem_id = r.id AND d.version_id = v.id
LEFT JOIN gem_downloads t ON t.rubygem_id = r.id AND t.version_id = 0
WHERE r.name IS NOT NULL
ORDER BY r.id, v.position, v.id DESC`

// GemExtras is what the dump says of a gem beyond its Gem.
type GemExtras struct {
	// Attested is set when every build of the latest release carries a
	// Sigstore attestation (it was published from CI with trusted
	// publishing). AttestationsKnown is false for dumps older than the
	// attestations table.
	Attested, AttestationsKnown bool
}

// EachGem calls fn for every gem of the registry, one at a time, in the
// order the gems were first pushed; memory does not grow with their
// number. A gem with no listed build (every version yanked) has no
// Versions. Only the PostgreSQL source can list the registry; the others
// return an error wrapping ErrNoCensus. An error from fn stops the walk
// and is returned.
func (c *Client) EachGem(ctx context.Context, fn func(*Gem, GemExtras) error) error {
	s, ok := c.src.(*pgSource)
	if !ok {
		return fmt.Errorf("registry: %w", ErrNoCensus)
	}
	return s.each(ctx, fn)
}

func (s *pgSource) each(ctx context.Context, fn func(*Gem, GemExtras) error) error {
	att := "false"
	if s.attestations {
		att = "EXISTS (SELECT 1 FROM attestations a WHERE a.version_id = v.id)"
	}
	s.queries.Add(1)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(censusSQL, att))
	if err != nil {
		return fmt.Errorf("registry: %s: %w", s.shown, s.scrub(err))
	}
	defer rows.Close()
	var (
		cur      *Gem
		curID    int32 = -1
		attested []bool
		r        pgRow
		number   *string
		attRow   bool
		id       int32
	)
	flush := func() error {
		if cur == nil {
			return nil
		}
		cur.finish()
		ex := GemExtras{AttestationsKnown: s.attestations}
		if builds := cur.LatestBuilds(); len(builds) > 0 && s.attestations {
			ex.Attested = true
			for _, b := range builds {
				if !attested[indexOfVersion(cur, b)] {
					ex.Attested = false
				}
			}
		}
		g := cur
		cur = nil
		return fn(g, ex)
	}
	for rows.Next() {
		if err := rows.Scan(&id, &r.name, &number, &r.platform, &r.prerelease, &r.metadata, &r.created, &r.downloads, &r.total, &attRow); err != nil {
			return fmt.Errorf("registry: %s: %w", s.shown, s.scrub(err))
		}
		if id != curID {
			if err := flush(); err != nil {
				return err
			}
			curID = id
			cur = &Gem{Name: Sanitize(r.name)}
			attested = attested[:0]
			if r.total != nil {
				cur.Downloads, cur.DownloadsExact = *r.total, true
			}
		}
		if number == nil {
			continue // no listed build
		}
		r.number = *number
		v, err := r.version()
		if err != nil {
			return fmt.Errorf("registry: %s: gem %q: %w", s.shown, cur.Name, err)
		}
		cur.Versions = append(cur.Versions, v)
		attested = append(attested, attRow)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("registry: %s: %w", s.shown, s.scrub(err))
	}
	return flush()
}

// indexOfVersion returns the index of build b in g.Versions.
func indexOfVersion(g *Gem, b *Version) int {
	for i := range g.Versions {
		if &g.Versions[i] == b {
			return i
		}
	}
	return -1
}
