package pgtest

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// dumpSchema creates the tables of RubyGems.org's public dump.
//
//go:embed dump-schema.sql
var dumpSchema string

// Server is a running PostgreSQL server that the test binary owns. It is
// safe for concurrent use.
type Server struct {
	bin  string              // directory holding initdb, pg_ctl and postgres
	base string              // temporary directory holding data/, sock/ and the logs
	data string              // the data directory
	sock string              // the private directory of the Unix socket
	port int                 // names the socket file; TCP is off
	cred *syscall.Credential // the user the server runs as; nil: the current user
	dog  *watchdog           // stops the server if the test binary dies; nil: none

	nextDB atomic.Int64
}

// The process-wide server and its state, guarded by mu.
var (
	mu         sync.Mutex
	inMain     bool // Main is running, so the server will be stopped
	server     *Server
	startErr   error
	skipNotice sync.Once
)

// Main runs a test binary's tests and then stops the server if one was
// started, whatever the tests' outcome:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// Call it first in TestMain: it also serves as the watchdog process that
// stops the server should the test binary die without stopping it (a panic, a
// -timeout, a signal). Main returns m.Run's exit code, or 1 if the tests
// passed but stopping the server failed.
func Main(m *testing.M) (code int) {
	if spec := os.Getenv(watchdogEnv); spec != "" {
		return runWatchdog(spec)
	}
	mu.Lock()
	inMain = true
	mu.Unlock()
	defer func() {
		if err := shutdown(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}()
	return m.Run()
}

// shutdown stops the process-wide server, if any, and removes its files.
func shutdown() error {
	mu.Lock()
	defer mu.Unlock()
	inMain = false
	s := server
	server, startErr = nil, nil
	if s == nil {
		return nil
	}
	return s.stop()
}

// Start returns the test binary's server, starting it on first use. Without
// PostgreSQL's programs it skips the test, or fails it if the CI environment
// variable is set. A server that does not start fails the test with the tail
// of its log.
func Start(t testing.TB) *Server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if !inMain {
		t.Fatal("pgtest.Start: the test binary must run its tests through pgtest.Main, which stops the server: " +
			"func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }")
	}
	if server != nil {
		return server
	}
	if startErr != nil {
		t.Fatalf("pgtest: PostgreSQL failed to start earlier in this test binary: %v", startErr)
	}
	bin, err := findBinDir()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("pgtest: PostgreSQL is not installed, and CI is set, so tests must not skip: %v "+
				"(install the postgresql package)", err)
		}
		msg := fmt.Sprintf("PostgreSQL not installed: SKIPPING the tests that need it (%v); install the postgresql package to run them", err)
		skipNotice.Do(func() { fmt.Fprintf(os.Stderr, "pgtest: %s\n", msg) })
		t.Skip(msg)
	}
	s, err := start(bin)
	if err != nil {
		startErr = err
		t.Fatal(err)
	}
	server = s
	return s
}

// NewDB creates an empty database with the hstore extension, dropped when
// the test ends, and returns its libpq URL, such as
// postgres://postgres@/mfaudit_t3?host=%2Ftmp%2Fpgtest-1%2Fsock&port=54321.
func (s *Server) NewDB(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("mfaudit_t%d", s.nextDB.Add(1))
	if err := s.admin("CREATE DATABASE " + name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := s.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u := s.url(name)
	Exec(t, u, "CREATE EXTENSION hstore")
	return u
}

// NewDumpDB is NewDB with the tables of RubyGems.org's public dump
// (dump-schema.sql), empty.
func (s *Server) NewDumpDB(t testing.TB) string {
	t.Helper()
	u := s.NewDB(t)
	Exec(t, u, dumpSchema)
	return u
}

// Exec runs sql, which may hold several statements, on the database at url,
// and fails the test on an error.
func Exec(t testing.TB, url, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", url, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: exec on %s: %v\nSQL: %s", url, err, abbreviate(sql, 500))
	}
}

// url returns the libpq URL of database db.
func (s *Server) url(db string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d", db, url.QueryEscape(s.sock), s.port)
}

// admin runs one statement on the maintenance database "postgres".
func (s *Server) admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.url("postgres"))
	if err != nil {
		return fmt.Errorf("connect to the server: %w", err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// start creates a data directory and starts a server on it.
func start(bin string) (s *Server, err error) {
	s = &Server{bin: bin}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root.
		s.cred, err = postgresUser()
		if err != nil {
			return nil, fmt.Errorf("pgtest: running as root: %w", err)
		}
	}
	s.base, err = os.MkdirTemp(tempRoot(s.cred != nil), "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: create the server's directory: %w", err)
	}
	s.data = filepath.Join(s.base, "data")
	s.sock = filepath.Join(s.base, "sock")
	defer func() {
		if err != nil {
			if stopErr := s.stop(); stopErr != nil {
				err = errors.Join(err, stopErr)
			}
		}
	}()
	if s.dog, err = startWatchdog(s); err != nil {
		// The server still stops at Main's end; only a crash would leak it.
		fmt.Fprintf(os.Stderr, "pgtest: no watchdog (%v); a crashed test binary will leave PostgreSQL running\n", err)
		s.dog, err = nil, nil
	}
	for _, d := range []string{s.data, s.sock} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return s, fmt.Errorf("pgtest: create %s: %w", d, err)
		}
	}
	if s.cred != nil {
		for _, d := range []string{s.base, s.data, s.sock} {
			if err := os.Chown(d, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
				return s, fmt.Errorf("pgtest: give %s to the postgres user: %w", d, err)
			}
		}
	}

	out, err := s.command("initdb", "-D", s.data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--no-locale", "-N").CombinedOutput()
	if err != nil {
		return s, fmt.Errorf("pgtest: initdb: %w\n%s", err, tail(out, 30))
	}

	// The socket lives in a private directory, so no other server's socket
	// can clash with it whatever the number, and TCP is off. The number also
	// seeds the System V shared-memory key, so take it from the process ID to
	// keep concurrent test binaries apart (PostgreSQL skips a key in use).
	s.port = 20000 + os.Getpid()%40000
	conf := fmt.Sprintf(`
# pgtest: a private, throwaway server tuned for speed over durability.
listen_addresses = ''
unix_socket_directories = %s
port = %d
max_connections = 200
fsync = off
full_page_writes = off
synchronous_commit = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = '4GB'
timezone = 'UTC'
log_timezone = 'UTC'
`, confQuote(s.sock), s.port)
	if err := appendFile(filepath.Join(s.data, "postgresql.conf"), conf); err != nil {
		return s, fmt.Errorf("pgtest: configure the server: %w", err)
	}

	// pg_ctl's own output goes to a file, never a pipe: the server it starts
	// must hold no descriptor that a test's caller waits on.
	ctlLog := filepath.Join(s.base, "pg_ctl.log")
	f, err := os.Create(ctlLog)
	if err != nil {
		return s, fmt.Errorf("pgtest: create %s: %w", ctlLog, err)
	}
	defer f.Close()
	serverLog := filepath.Join(s.base, "server.log")
	cmd := s.command("pg_ctl", "start", "-w", "-t", "60", "-D", s.data, "-l", serverLog)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Run(); err != nil {
		ctlOut, _ := os.ReadFile(ctlLog)
		logOut, _ := os.ReadFile(serverLog)
		return s, fmt.Errorf("pgtest: pg_ctl start: %w\n%s\nserver log:\n%s", err, tail(ctlOut, 10), tail(logOut, 30))
	}
	return s, nil
}

// stop stops the server, if it runs, and removes its files and watchdog.
func (s *Server) stop() error {
	var errs []error
	if b, err := os.ReadFile(filepath.Join(s.data, "postmaster.pid")); s.data != "" && err == nil {
		out, err := s.command("pg_ctl", "stop", "-w", "-t", "30", "-m", "fast", "-D", s.data).CombinedOutput()
		if err != nil {
			out2, err2 := s.command("pg_ctl", "stop", "-w", "-t", "30", "-m", "immediate", "-D", s.data).CombinedOutput()
			if err2 != nil {
				// SIGQUIT is PostgreSQL's immediate shutdown.
				pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
				if pid > 0 {
					_ = syscall.Kill(pid, syscall.SIGQUIT)
				}
				errs = append(errs, fmt.Errorf("pg_ctl stop (pid %d): %w\n%s%s", pid, err2, out, out2))
			}
		}
	}
	if s.base != "" {
		if err := os.RemoveAll(s.base); err != nil {
			errs = append(errs, fmt.Errorf("remove the server's directory: %w", err))
		}
	}
	if s.dog != nil {
		if err := s.dog.release(); err != nil {
			errs = append(errs, err)
		}
		s.dog = nil
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stop PostgreSQL in %s: %w", s.base, err)
	}
	return nil
}

// command prepares one of PostgreSQL's programs, run as the server's user
// with a neutral environment.
func (s *Server) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.base // readable by the server's user, unlike perhaps the test's directory
	cmd.Env = childEnv()
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

// childEnv is the environment of PostgreSQL's programs: the test's, without
// the libpq and locale variables that would change their behavior.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "LC_") || k == "LANG" || k == "LANGUAGE" || k == "TZ" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "TZ=UTC")
}

// postgresUser returns the credential of the postgres system user.
func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL refuses to run as root, and there is no postgres user to run it as: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("postgres user's uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("postgres user's gid %q: %w", u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// findBinDir returns the directory of initdb, pg_ctl and postgres: pg_config
// --bindir, else the newest /usr/lib/postgresql/*/bin, else initdb's
// directory on PATH.
func findBinDir() (string, error) {
	if pc, err := exec.LookPath("pg_config"); err == nil {
		if out, err := exec.Command(pc, "--bindir").Output(); err == nil {
			if dir := strings.TrimSpace(string(out)); hasServer(dir) {
				return dir, nil
			}
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	major := func(d string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { return cmp.Compare(major(b), major(a)) })
	for _, d := range dirs {
		if hasServer(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && hasServer(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if hasServer(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	return "", errors.New("no initdb, pg_ctl and postgres found (looked at pg_config --bindir, /usr/lib/postgresql/*/bin and PATH)")
}

// hasServer reports whether dir holds initdb, pg_ctl and postgres.
func hasServer(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return dir != ""
}

// tempRoot returns the directory for the server's temporary directory: the
// system's, unless its path would make the socket's too long (Unix socket
// paths are limited to about 100 bytes), or, when the server runs as
// another user, that user could not reach it.
func tempRoot(otherUser bool) string {
	dir := os.TempDir()
	if len(dir) > 60 || (otherUser && !traversable(dir)) {
		return "/tmp"
	}
	return dir
}

// traversable reports whether every user may pass through dir and each of
// its parents.
func traversable(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

// confQuote quotes s as a postgresql.conf string.
func confQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// appendFile appends text to the file at path.
func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// tail returns the last n lines of b.
func tail(b []byte, n int) string {
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// abbreviate shortens s to about n bytes for an error message.
func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
