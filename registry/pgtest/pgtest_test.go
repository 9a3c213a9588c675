package pgtest

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func i64(n int64) *int64 { return &n }

// connect opens a connection to url, closed when the test ends.
func connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// wantColumns is the dump's tables as dump-schema.sql must create them:
// "name type", plus " NOT NULL" where the column has that constraint.
var wantColumns = map[string][]string{
	"rubygems": {
		"id integer NOT NULL", "name character varying", "created_at timestamp without time zone",
		"updated_at timestamp without time zone", "indexed boolean NOT NULL", "organization_id bigint",
	},
	"versions": {
		"id integer NOT NULL", "authors text", "description text", "number character varying",
		"rubygem_id integer", "built_at timestamp without time zone", "updated_at timestamp without time zone",
		"summary text", "platform character varying", "created_at timestamp without time zone",
		"indexed boolean", "prerelease boolean", "position integer", "latest boolean",
		"full_name character varying", "size integer", "licenses character varying", "requirements text",
		"required_ruby_version character varying", "sha256 character varying", "metadata hstore NOT NULL",
		"yanked_at timestamp without time zone", "required_rubygems_version character varying(255)",
		"info_checksum character varying", "yanked_info_checksum character varying", "pusher_id bigint",
		"cert_chain text", "canonical_number character varying", "pusher_api_key_id bigint",
		"gem_platform character varying", "gem_full_name character varying", "spec_sha256 character varying(44)",
	},
	"gem_downloads": {
		"id integer NOT NULL", "rubygem_id integer NOT NULL", "version_id integer NOT NULL", "count bigint",
	},
	"linksets": {
		"id integer NOT NULL", "rubygem_id integer", "home character varying", "wiki character varying",
		"docs character varying", "mail character varying", "code character varying", "bugs character varying",
		"created_at timestamp without time zone", "updated_at timestamp without time zone",
	},
	"attestations": {
		"id bigint NOT NULL", "version_id bigint NOT NULL", "body jsonb", "media_type character varying",
		"created_at timestamp(6) without time zone NOT NULL", "updated_at timestamp(6) without time zone NOT NULL",
	},
}

func TestDumpSchema(t *testing.T) {
	s := Start(t)
	url := s.NewDumpDB(t)

	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatalf("pgx.ParseConfig(%q): %v", url, err)
	}
	if cfg.Host != s.sock || int(cfg.Port) != s.port || cfg.User != "postgres" || !strings.HasPrefix(cfg.Database, "mfaudit_t") {
		t.Errorf("ParseConfig(%q) = host %q port %d user %q db %q; want host %q port %d", url, cfg.Host, cfg.Port, cfg.User, cfg.Database, s.sock, s.port)
	}

	conn := connect(t, url)
	rows, err := conn.Query(context.Background(), `
		SELECT table_name, column_name,
		       CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END,
		       character_maximum_length, datetime_precision, is_nullable = 'NO', column_default
		FROM information_schema.columns WHERE table_schema = 'public'
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	defaults := map[string]string{}
	for rows.Next() {
		var table, col, typ string
		var maxLen, precision *int32
		var notNull bool
		var def *string
		if err := rows.Scan(&table, &col, &typ, &maxLen, &precision, &notNull, &def); err != nil {
			t.Fatal(err)
		}
		if maxLen != nil {
			typ += fmt.Sprintf("(%d)", *maxLen)
		}
		if table == "attestations" && strings.HasPrefix(typ, "timestamp") && precision != nil {
			typ = strings.Replace(typ, "timestamp", fmt.Sprintf("timestamp(%d)", *precision), 1)
		}
		c := col + " " + typ
		if notNull {
			c += " NOT NULL"
		}
		got[table] = append(got[table], c)
		if def != nil {
			defaults[table+"."+col] = *def
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantColumns) {
		for table, want := range wantColumns {
			if !slices.Equal(got[table], want) {
				t.Errorf("table %s columns:\n got %q\nwant %q", table, got[table], want)
			}
		}
		for table := range got {
			if _, ok := wantColumns[table]; !ok {
				t.Errorf("unexpected table %s", table)
			}
		}
	}
	for col, want := range map[string]string{
		"rubygems.indexed":  "false",
		"versions.indexed":  "true",
		"versions.metadata": "''::hstore",
		"versions.id":       "nextval('versions_id_seq'::regclass)",
	} {
		if defaults[col] != want {
			t.Errorf("default of %s = %q, want %q", col, defaults[col], want)
		}
	}

	var indexes []string
	if err := pgx.BeginFunc(context.Background(), conn, func(tx pgx.Tx) error {
		r, err := tx.Query(context.Background(), `SELECT indexname || CASE WHEN indexdef LIKE 'CREATE UNIQUE%' THEN ' unique' ELSE '' END
			FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`)
		if err != nil {
			return err
		}
		indexes, err = pgx.CollectRows(r, pgx.RowTo[string])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"index_rubygems_on_name unique", "index_rubygems_upcase",
		"index_versions_on_rubygem_id_and_number_and_platform unique", "index_versions_on_position_and_rubygem_id",
		"index_gem_downloads_on_rubygem_id_and_version_id unique", "versions_pkey unique",
	} {
		if !slices.Contains(indexes, want) {
			t.Errorf("index %q missing; have %q", want, indexes)
		}
	}
}

// versionRow is a versions row as the tests read it back.
type versionRow struct {
	Number, Platform, FullName string
	Position                   int
	Latest, Indexed, Pre       bool
	Yanked                     bool // yanked_at is set
	Downloads                  int64
}

// readVersions returns gem's versions, by id.
func readVersions(t *testing.T, conn *pgx.Conn, gem string) []versionRow {
	t.Helper()
	rows, err := conn.Query(context.Background(), `
		SELECT v.number, v.platform, v.full_name, v.position, v.latest, v.indexed, v.prerelease,
		       v.yanked_at IS NOT NULL, d.count
		FROM versions v JOIN rubygems r ON r.id = v.rubygem_id
		JOIN gem_downloads d ON d.rubygem_id = r.id AND d.version_id = v.id
		WHERE r.name = $1 ORDER BY v.id`, gem)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (versionRow, error) {
		var v versionRow
		err := r.Scan(&v.Number, &v.Platform, &v.FullName, &v.Position, &v.Latest, &v.Indexed, &v.Pre, &v.Yanked, &v.Downloads)
		return v, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLoadDerivedColumns(t *testing.T) {
	s := Start(t)
	url := s.NewDumpDB(t)
	mfa := map[string]string{"rubygems_mfa_required": "true"}
	gems := []Gem{
		{
			Name: "alpha", Total: i64(1234),
			Links: &Linkset{Home: "https://alpha.example", Code: "https://github.com/x/alpha"},
			Versions: []Version{
				{Number: "1.0.0", Downloads: 10},
				{Number: "1.0.0", Platform: "java", Downloads: 11},
				{Number: "2.0.0", Metadata: mfa, Downloads: 20, Attested: true},
				{Number: "2.0.0", Platform: "x86_64-linux", Metadata: mfa, Downloads: 21},
				{Number: "2.1.0.rc1", Downloads: 30},                 // a letter: a prerelease though not flagged so
				{Number: "3.0.0", Yanked: true, Downloads: 40},       // yanked, newest
				{Number: "2.0.1", Prerelease: true, Downloads: 25},   // flagged prerelease
				{Number: "0.9", Platform: "ruby", Downloads: 5},      // "ruby" spelled out
				{Number: "10.0.0.beta", Yanked: true, Downloads: 50}, // yanked prerelease
			},
		},
		{Name: "all-yanked", Versions: []Version{{Number: "1.0.0", Yanked: true}}},
		{Name: "pre-only", Versions: []Version{{Number: "0.1.0.pre"}, {Number: "0.2.0", Prerelease: true}}},
		{Name: "no-versions"},
	}
	if err := Load(context.Background(), url, gems); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, url)

	want := []versionRow{
		{"1.0.0", "ruby", "alpha-1.0.0", 5, false, true, false, false, 10},
		{"1.0.0", "java", "alpha-1.0.0-java", 5, true, true, false, false, 11},
		{"2.0.0", "ruby", "alpha-2.0.0", 4, true, true, false, false, 20},
		{"2.0.0", "x86_64-linux", "alpha-2.0.0-x86_64-linux", 4, true, true, false, false, 21},
		{"2.1.0.rc1", "ruby", "alpha-2.1.0.rc1", 2, false, true, true, false, 30},
		{"3.0.0", "ruby", "alpha-3.0.0", 1, false, false, false, true, 40},
		{"2.0.1", "ruby", "alpha-2.0.1", 3, false, true, true, false, 25},
		{"0.9", "ruby", "alpha-0.9", 6, false, true, false, false, 5},
		{"10.0.0.beta", "ruby", "alpha-10.0.0.beta", 0, false, false, true, true, 50},
	}
	if got := readVersions(t, conn, "alpha"); !reflect.DeepEqual(got, want) {
		t.Errorf("alpha versions:\n got %+v\nwant %+v", got, want)
	}
	if got := readVersions(t, conn, "all-yanked"); len(got) != 1 || got[0].Latest || got[0].Indexed || got[0].Position != 0 {
		t.Errorf("all-yanked versions = %+v, want one yanked, not latest", got)
	}
	if got := readVersions(t, conn, "pre-only"); len(got) != 2 || got[0].Latest || got[1].Latest || !got[0].Pre || !got[1].Pre ||
		got[0].Position != 1 || got[1].Position != 0 {
		t.Errorf("pre-only versions = %+v, want two prereleases at positions 1, 0, neither latest", got)
	}

	ctx := context.Background()
	indexed := map[string]bool{}
	rows, _ := conn.Query(ctx, "SELECT name, indexed FROM rubygems")
	var name string
	var ix bool
	if _, err := pgx.ForEachRow(rows, []any{&name, &ix}, func() error { indexed[name] = ix; return nil }); err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"alpha": true, "all-yanked": false, "pre-only": true, "no-versions": false}; !reflect.DeepEqual(indexed, want) {
		t.Errorf("rubygems.indexed = %v, want %v", indexed, want)
	}

	// The total row, and no total row where Total is nil.
	rows, _ = conn.Query(ctx, "SELECT d.count FROM gem_downloads d JOIN rubygems r ON r.id = d.rubygem_id WHERE d.version_id = 0")
	if totals, err := pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil || !slices.Equal(totals, []int64{1234}) {
		t.Errorf("total rows = %v, %v; want [1234]", totals, err)
	}

	// The MFA rule's query finds alpha's latest release with the flag.
	var number, flag string
	if err := conn.QueryRow(ctx, `SELECT v.number, COALESCE(v.metadata -> 'rubygems_mfa_required', '')
		FROM versions v JOIN rubygems r ON r.id = v.rubygem_id
		WHERE r.name = 'alpha' AND v.latest ORDER BY v.position, v.platform LIMIT 1`).Scan(&number, &flag); err != nil ||
		number != "2.0.0" || flag != "true" {
		t.Errorf("latest of alpha = %q flag %q (%v), want 2.0.0 with \"true\"", number, flag, err)
	}

	var home, code, wiki *string
	if err := conn.QueryRow(ctx, `SELECT l.home, l.code, l.wiki FROM linksets l JOIN rubygems r ON r.id = l.rubygem_id WHERE r.name = 'alpha'`).
		Scan(&home, &code, &wiki); err != nil || home == nil || *home != "https://alpha.example" || code == nil || *code != "https://github.com/x/alpha" || wiki != nil {
		t.Errorf("alpha linkset = %v %v %v (%v)", home, code, wiki, err)
	}
	var attested, mediaType, body string
	if err := conn.QueryRow(ctx, `SELECT v.full_name, a.media_type, a.body::text FROM attestations a JOIN versions v ON v.id = a.version_id`).
		Scan(&attested, &mediaType, &body); err != nil || attested != "alpha-2.0.0" || mediaType != attestationMediaType || body != "{}" {
		t.Errorf("attestation = %q %q %q (%v), want alpha-2.0.0's", attested, mediaType, body, err)
	}
	var created, yankedAt time.Time
	if err := conn.QueryRow(ctx, `SELECT created_at, yanked_at FROM versions WHERE full_name = 'alpha-3.0.0'`).Scan(&created, &yankedAt); err != nil ||
		!created.Equal(defaultCreated) || !yankedAt.After(created) {
		t.Errorf("alpha-3.0.0 created %v yanked %v (%v), want created %v and yanked after", created, yankedAt, err, defaultCreated)
	}

	// The sequences continue after the loaded ids, and a second Load
	// appends.
	var newID, maxID int
	if err := conn.QueryRow(ctx, "INSERT INTO rubygems (name) VALUES ('by-sequence') RETURNING id").Scan(&newID); err != nil {
		t.Fatal(err)
	}
	if err := Load(ctx, url, []Gem{{Name: "second", Versions: []Version{{Number: "1.0"}}, Total: i64(1)}}); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT id FROM rubygems WHERE name = 'second'").Scan(&maxID); err != nil || newID != len(gems)+1 || maxID != newID+1 {
		t.Errorf("ids: by-sequence %d, second %d (%v); want %d, %d", newID, maxID, err, len(gems)+1, len(gems)+2)
	}
	if got := readVersions(t, conn, "second"); len(got) != 1 || !got[0].Latest {
		t.Errorf("second's versions = %+v, want one latest", got)
	}
	var vid int
	if err := conn.QueryRow(ctx, "INSERT INTO versions (number, rubygem_id, platform) VALUES ('9', 1, 'ruby') RETURNING id").Scan(&vid); err != nil || vid != len(want)+1+2+1+1 {
		t.Errorf("versions id by sequence = %d (%v), want %d", vid, err, len(want)+1+2+1+1)
	}
}

func TestLoadErrors(t *testing.T) {
	s := Start(t)
	url := s.NewDumpDB(t)
	ctx := context.Background()
	for _, tt := range []struct {
		gems []Gem
		want string
	}{
		{[]Gem{{Name: "dup", Versions: []Version{{Number: "1.0"}, {Number: "1.0", Platform: "ruby"}}}}, `gem "dup": version 1.0 (ruby) is listed twice`},
		{[]Gem{{Name: "nonum", Versions: []Version{{}}}}, `gem "nonum": version 0 has no number`},
		{[]Gem{{Name: "same"}, {Name: "same"}}, "index_rubygems_on_name"},
		{[]Gem{{}}, "a gem has no name"},
	} {
		err := Load(ctx, url, tt.gems)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "pgtest: load: ") {
			t.Errorf("Load(%+v) = %v, want an error with %q", tt.gems, err, tt.want)
		}
	}
	// Nothing of the failed loads remains: each ran in one transaction.
	var n int
	if err := connect(t, url).QueryRow(ctx, "SELECT count(*) FROM rubygems").Scan(&n); err != nil || n != 0 {
		t.Errorf("rubygems after failed loads: %d (%v), want 0", n, err)
	}
	if err := Load(ctx, s.NewDB(t), []Gem{{Name: "x"}}); err == nil || !strings.Contains(err.Error(), "rubygems") {
		t.Errorf("Load into a database without the dump's tables = %v, want an error naming rubygems", err)
	}
}

func TestLoadFuncBatches(t *testing.T) {
	s := Start(t)
	url := s.NewDumpDB(t)
	const n = 2*batchGems + 7
	// One Gem, reused for every call, as LoadFunc allows.
	var g Gem
	g.Versions = make([]Version, 2)
	i := 0
	next := func() (*Gem, bool) {
		if i == n {
			return nil, false
		}
		g.Name = fmt.Sprintf("g%05d", i)
		g.Versions[0] = Version{Number: fmt.Sprintf("%d.0", i), Downloads: int64(i)}
		g.Versions[1] = Version{Number: fmt.Sprintf("%d.1", i), Yanked: i%2 == 0}
		g.Total = i64(int64(i))
		i++
		return &g, true
	}
	if err := LoadFunc(context.Background(), url, next); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, url)
	var gems, versions, downloads, totals int
	if err := conn.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM rubygems), (SELECT count(*) FROM versions),
		(SELECT count(*) FROM gem_downloads), (SELECT sum(count) FROM gem_downloads WHERE version_id = 0)`).
		Scan(&gems, &versions, &downloads, &totals); err != nil {
		t.Fatal(err)
	}
	if gems != n || versions != 2*n || downloads != 3*n || totals != n*(n-1)/2 {
		t.Errorf("counts: %d gems, %d versions, %d downloads rows, total %d; want %d, %d, %d, %d",
			gems, versions, downloads, totals, n, 2*n, 3*n, n*(n-1)/2)
	}
	// A gem from each batch: the yanked x.1 of even gems leaves x.0 latest.
	for _, k := range []int{0, batchGems + 1, n - 1} {
		got := readVersions(t, conn, fmt.Sprintf("g%05d", k))
		wantLatest := []bool{k%2 == 0, k%2 != 0}
		if len(got) != 2 || got[0].Number != fmt.Sprintf("%d.0", k) || got[0].Position != 1 || got[1].Position != 0 ||
			got[0].Latest != wantLatest[0] || got[1].Latest != wantLatest[1] || got[0].Downloads != int64(k) {
			t.Errorf("gem %d: %+v, want latest %v", k, got, wantLatest)
		}
	}
}

func TestHstoreRoundTrip(t *testing.T) {
	s := Start(t)
	url := s.NewDumpDB(t)
	meta := map[string]string{
		"rubygems_mfa_required":      "true",
		"quotes":                     `say "hi"`,
		"backslash":                  `C:\path\ and \\ two`,
		"arrow":                      `a=>b, "c"=>"d"`,
		`key "with" => \ and, comma`: "v",
		"unicode":                    "ünïcødé 日本語 🚀",
		"empty":                      "",
		"NULL":                       "NULL",
		"spaces":                     "  lead and trail  ",
		"newline":                    "line1\nline2\ttab",
	}
	if err := Load(context.Background(), url, []Gem{{Name: "h", Versions: []Version{{Number: "1.0", Metadata: meta}}}}); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, url)
	rows, err := conn.Query(context.Background(), "SELECT key, value FROM versions, each(metadata)")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var k string
	var v *string
	if _, err := pgx.ForEachRow(rows, []any{&k, &v}, func() error {
		if v == nil {
			return fmt.Errorf("key %q has a NULL value", k)
		}
		got[k] = *v
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, meta) {
		t.Errorf("metadata read back:\n got %q\nwant %q", got, meta)
	}
	// The text form parses back to the same hstore, as a dump's COPY data would.
	var same bool
	if err := conn.QueryRow(context.Background(), "SELECT metadata = (metadata::text)::hstore AND metadata -> 'arrow' = $1 FROM versions", meta["arrow"]).Scan(&same); err != nil || !same {
		t.Errorf("hstore text round trip: %v (%v)", same, err)
	}
}

func TestDatabasesAreIndependent(t *testing.T) {
	s := Start(t)
	a, b := s.NewDumpDB(t), s.NewDumpDB(t)
	if a == b {
		t.Fatalf("two NewDumpDB calls gave the same URL %s", a)
	}
	if err := Load(context.Background(), a, []Gem{{Name: "only-in-a", Versions: []Version{{Number: "1"}}}}); err != nil {
		t.Fatal(err)
	}
	Exec(t, b, "CREATE TABLE only_in_b (x int); INSERT INTO only_in_b VALUES (1), (2)")
	var n int
	if err := connect(t, b).QueryRow(context.Background(), "SELECT count(*) FROM rubygems").Scan(&n); err != nil || n != 0 {
		t.Errorf("rubygems in b: %d (%v), want 0", n, err)
	}
	var exists bool
	if err := connect(t, a).QueryRow(context.Background(), "SELECT to_regclass('only_in_b') IS NOT NULL").Scan(&exists); err != nil || exists {
		t.Errorf("only_in_b visible in a: %v (%v)", exists, err)
	}
	empty := s.NewDB(t)
	var tables int
	var hstore bool
	if err := connect(t, empty).QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'),
		EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hstore')`).Scan(&tables, &hstore); err != nil || tables != 0 || !hstore {
		t.Errorf("NewDB: %d tables, hstore %v (%v); want 0 tables and hstore", tables, hstore, err)
	}
}

func TestDatabaseDroppedAtCleanup(t *testing.T) {
	s := Start(t)
	var name string
	t.Run("inner", func(t *testing.T) {
		url := s.NewDB(t)
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		name = cfg.Config.Database
	})
	var exists bool
	if err := connect(t, s.url("postgres")).QueryRow(context.Background(), "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil || exists {
		t.Errorf("database %q exists after its test: %v (%v)", name, exists, err)
	}
}

func TestServerUser(t *testing.T) {
	s := Start(t)
	wantUID := uint32(os.Geteuid())
	if wantUID == 0 {
		if s.cred == nil {
			t.Fatal("running as root, but the server has no credential to drop to")
		}
		wantUID = s.cred.Uid
		if wantUID == 0 {
			t.Fatal("the server's user is root")
		}
	}
	fi, err := os.Stat(s.data)
	if err != nil {
		t.Fatal(err)
	}
	if uid := fi.Sys().(*syscall.Stat_t).Uid; uid != wantUID {
		t.Errorf("data directory owned by uid %d, want %d", uid, wantUID)
	}
	var pid int
	if err := connect(t, s.url("postgres")).QueryRow(context.Background(), "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(status)))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 1 && f[0] == "Uid:" {
			if f[1] != strconv.Itoa(int(wantUID)) {
				t.Errorf("backend %d runs as uid %s, want %d", pid, f[1], wantUID)
			}
			return
		}
	}
	t.Errorf("no Uid line in /proc/%d/status", pid)
}

func TestFromAPIDir(t *testing.T) {
	gems, err := FromAPIDir("../../testdata/registry")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Gem{}
	var names []string
	for _, g := range gems {
		names = append(names, g.Name)
		byName[g.Name] = g
	}
	if want := []string{"ble", "coulda", "dry-struct", "json", "rails", "standard"}; !slices.Equal(names, want) {
		t.Fatalf("gems = %q, want %q", names, want)
	}
	// ble's metadata names no link: its homepage is the linkset's.
	if l := byName["ble"].Links; l == nil || l.Home != "http://gitlab.com/sdalu/ruby-ble" {
		t.Errorf("ble's linkset %+v, want the gems document's homepage", l)
	}
	total := func(g Gem) int64 {
		if g.Total == nil {
			return -1
		}
		return *g.Total
	}
	flagged := func(g Gem) int {
		n := 0
		for _, v := range g.Versions {
			if v.Metadata["rubygems_mfa_required"] == "true" {
				n++
			}
		}
		return n
	}
	for _, tt := range []struct {
		name             string
		builds, flagged  int
		total, firstDown int64
		first            string
	}{
		{"standard", 137, 37, -1, 205466, "1.42.1"},
		{"dry-struct", 22, 0, -1, 7_496_385, "1.6.0"},
		{"coulda", 1, 0, -1, 9676, "0.7.1"},
		{"json", 1, 0, 922_743_728, 922_743_728, "2.9.0"},
		{"rails", 1, 1, 567_406_953, 238_710, "8.0.0"},
		{"ble", 1, 0, 13_812, 3_468, "1.0.0"},
	} {
		g := byName[tt.name]
		if len(g.Versions) != tt.builds || flagged(g) != tt.flagged {
			t.Errorf("%s: %d builds, %d flagged; want %d, %d", tt.name, len(g.Versions), flagged(g), tt.builds, tt.flagged)
		}
		if total(g) != tt.total {
			t.Errorf("%s: total %d, want %d", tt.name, total(g), tt.total)
		}
		if len(g.Versions) == 0 || (g.Versions[0].Number != tt.first || g.Versions[0].Downloads != tt.firstDown) {
			t.Errorf("%s: first build %s with %d downloads, want %s with %d", tt.name, g.Versions[0].Number, g.Versions[0].Downloads, tt.first, tt.firstDown)
		}
	}
	// The newest 37 standard builds are the flagged ones.
	for i, v := range byName["standard"].Versions {
		if got := v.Metadata["rubygems_mfa_required"] == "true"; got != (i < 37) {
			t.Errorf("standard build %d (%s) flagged %v", i, v.Number, got)
		}
	}
	if g := byName["standard"]; !g.Versions[0].CreatedAt.Equal(time.Date(2024, 11, 19, 0, 56, 52, 880e6, time.UTC)) || g.Versions[0].Platform != "ruby" {
		t.Errorf("standard 1.42.1: created %v platform %q", g.Versions[0].CreatedAt, g.Versions[0].Platform)
	}

	// Loaded, the MFA rule's query sees what the API documents say.
	s := Start(t)
	url := s.NewDumpDB(t)
	if err := Load(context.Background(), url, gems); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, url)
	latest := map[string]string{}
	rows, _ := conn.Query(context.Background(), `SELECT DISTINCT ON (r.name) r.name, v.number || ' ' || COALESCE(v.metadata -> 'rubygems_mfa_required', '-')
		FROM rubygems r JOIN versions v ON v.rubygem_id = r.id AND v.latest ORDER BY r.name, v.position`)
	var name, desc string
	if _, err := pgx.ForEachRow(rows, []any{&name, &desc}, func() error { latest[name] = desc; return nil }); err != nil {
		t.Fatal(err)
	}
	if latest["standard"] != "1.42.1 true" || latest["rails"] != "8.0.0 true" || latest["json"] != "2.9.0 -" || len(latest) != 6 {
		t.Errorf("latest versions = %v", latest)
	}
	var sum int64
	if err := conn.QueryRow(context.Background(), `SELECT sum(d.count) FROM gem_downloads d JOIN rubygems r ON r.id = d.rubygem_id
		WHERE r.name = 'standard' AND d.version_id <> 0`).Scan(&sum); err != nil || sum <= 205466 {
		t.Errorf("standard's build downloads add up to %d (%v)", sum, err)
	}
}

func TestFromAPIDirRegistryTestdata(t *testing.T) {
	gems, err := FromAPIDir("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, g := range gems {
		total := "nil"
		if g.Total != nil {
			total = strconv.FormatInt(*g.Total, 10)
		}
		summary = append(summary, fmt.Sprintf("%s %d %s", g.Name, len(g.Versions), total))
	}
	// json and rails have only a gems document: one version, the document's.
	want := []string{"dry-struct 22 nil", "json 1 922743728", "rails 1 567406953", "standard 137 nil"}
	if !slices.Equal(summary, want) {
		t.Errorf("gems = %q, want %q", summary, want)
	}
	if len(gems) == 4 {
		if v := gems[1].Versions[0]; v.Number != "2.9.0" || v.Downloads != 1_671_518 || v.Platform != "ruby" || v.Metadata["source_code_uri"] != "https://github.com/ruby/json" ||
			!v.CreatedAt.Equal(time.Date(2024, 12, 3, 8, 25, 11, 979e6, time.UTC)) {
			t.Errorf("json's version = %+v", v)
		}
	}
}

func TestFromAPIDirShapes(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("api/v1/versions/b.json", `[{"number":"1.0.0","platform":"java","prerelease":false,"downloads_count":null,
		"metadata":{"s":"x","n":null,"i":1,"o":{"a":"b"}},"created_at":"2020-02-03T04:05:06.789Z"}]`)
	write("api/v1/gems/a.json", `{"name":"a","downloads":5,"version":"2.0.0.pre","platform":"ruby","version_downloads":3,"metadata":{},"yanked":true,
		"homepage_uri":"https://a.example","source_code_uri":"https://github.com/x/a","wiki_uri":null}`)
	write("api/v1/versions/notes.txt", "ignored")
	gems, err := FromAPIDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Gem{
		{Name: "a", Total: i64(5), Versions: []Version{{Number: "2.0.0.pre", Platform: "ruby", Prerelease: true, Yanked: true, Downloads: 3}},
			Links: &Linkset{Home: "https://a.example", Code: "https://github.com/x/a"}},
		{Name: "b", Versions: []Version{{Number: "1.0.0", Platform: "java", Metadata: map[string]string{"s": "x"},
			CreatedAt: time.Date(2020, 2, 3, 4, 5, 6, 789e6, time.UTC)}}},
	}
	if !reflect.DeepEqual(gems, want) {
		t.Errorf("FromAPIDir = %+v\nwant %+v", gems, want)
	}

	write("api/v1/versions/bad.json", `{"not":"a list"}`)
	if _, err := FromAPIDir(dir); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("FromAPIDir with a bad file = %v, want an error naming bad.json", err)
	}
	if _, err := FromAPIDir(t.TempDir()); err == nil {
		t.Error("FromAPIDir of an empty directory: no error")
	}
}

// TestHelperProcess is the child of TestServerStopped; it is skipped
// otherwise.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv("PGTEST_HELPER")
	if mode == "" {
		t.Skip("the child process of TestServerStopped")
	}
	s := Start(t)
	s.NewDB(t)
	pid, err := os.ReadFile(filepath.Join(s.data, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("\nBASE=%s PID=%s\n", s.base, strings.SplitN(string(pid), "\n", 2)[0])
	switch mode {
	case "fail":
		t.Fatal("deliberate failure")
	case "panic":
		panic("deliberate panic")
	case "exit":
		os.Exit(3)
	}
}

// TestServerStopped checks that the server is stopped and its directory
// removed however a test binary ends: a failing test (Main stops it), a
// panic or os.Exit (the watchdog stops it).
func TestServerStopped(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three servers")
	}
	if _, err := findBinDir(); err != nil {
		Start(t) // skips or fails as Start does
	}
	for _, mode := range []string{"fail", "panic", "exit"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "PGTEST_HELPER="+mode)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("child passed:\n%s", out)
			}
			var base string
			var pid int
			for _, line := range strings.Split(string(out), "\n") {
				if rest, ok := strings.CutPrefix(line, "BASE="); ok {
					b, p, _ := strings.Cut(rest, " PID=")
					base = b
					pid, _ = strconv.Atoi(p)
				}
			}
			if base == "" || pid <= 0 {
				t.Fatalf("child printed no BASE and PID:\n%s", out)
			}
			// The watchdog holds the output pipe until it is done, so the
			// cleanup is over when CombinedOutput returns; allow a moment
			// for the postmaster to be reaped.
			deadline := time.Now().Add(10 * time.Second)
			for {
				_, statErr := os.Stat(base)
				killErr := syscall.Kill(pid, 0)
				if os.IsNotExist(statErr) && killErr == syscall.ESRCH {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the child (%s): directory %s: %v; postmaster %d: %v\n%s", mode, base, statErr, pid, killErr, out)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if mode != "fail" && !strings.Contains(string(out), "pgtest watchdog: the test binary ended") {
				t.Errorf("the watchdog did not report stopping the server:\n%s", out)
			}
		})
	}
}

// BenchmarkLoad200k loads 200,000 generated gems (about 2 million versions)
// into a fresh dump database per iteration.
func BenchmarkLoad200k(b *testing.B) {
	const gems = 200_000
	s := Start(b)
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		url := s.NewDumpDB(b)
		r := rand.New(rand.NewPCG(1, 2))
		var g Gem
		i, versions := 0, 0
		b.StartTimer()
		err := LoadFunc(ctx, url, func() (*Gem, bool) {
			if i == gems {
				return nil, false
			}
			Generate(&g, i, r)
			i++
			versions += len(g.Versions)
			return &g, true
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var n int
		if err := connect(b, url).QueryRow(ctx, "SELECT count(*) FROM versions").Scan(&n); err != nil || n != versions {
			b.Fatalf("versions loaded: %d (%v), want %d", n, err, versions)
		}
		b.ReportMetric(float64(versions), "versions")
		b.StartTimer()
	}
}
