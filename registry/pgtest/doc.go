// Package pgtest runs a real PostgreSQL server for tests and loads it with
// data shaped like RubyGems.org's weekly public PostgreSQL dump.
//
// A test binary that uses it must stop the server when its tests end:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// Start starts one server per test binary on first use (initdb into a
// temporary directory, listening only on a Unix socket in a private
// directory; as root, the server runs as the "postgres" system user). Each
// test then takes fresh databases from it: NewDB (empty, with hstore) or
// NewDumpDB (the dump's tables, from the embedded dump-schema.sql), and fills
// them with Load, LoadFunc or Exec. FromAPIDir turns a directory laid out like
// RubyGems.org's JSON API into Gems for Load.
//
// Without PostgreSQL installed, Start skips the test, or fails it when the
// CI environment variable is set. Tests never use the network.
//
// The package is a test helper: only tests import it.
package pgtest
