package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry/pgtest"
)

// bigLockfile writes a lockfile of n distinct RubyGems.org gems taken
// from the corpus (the largest corpus lockfile has 362 specs, fewer than
// the fleets that motivate a database), and returns it parsed.
func bigLockfile(tb testing.TB, path string, n int) *lockfile.Lockfile {
	tb.Helper()
	_, lfs := allCorpus(tb)
	versions := map[string]string{}
	for _, lf := range lfs {
		for _, s := range lf.Specs {
			if corpusCovered(s) && s.Platform == "ruby" && versions[s.Name] == "" {
				versions[s.Name] = s.Version
			}
		}
	}
	names := make([]string, 0, len(versions))
	for name := range versions {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(names) < n {
		tb.Fatalf("the corpus has %d distinct gems, fewer than %d", len(names), n)
	}
	names = names[:n]
	var b bytes.Buffer
	b.WriteString("GEM\n  remote: https://rubygems.org/\n  specs:\n")
	for _, name := range names {
		fmt.Fprintf(&b, "    %s (%s)\n", name, versions[name])
	}
	b.WriteString("\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n")
	for _, name := range names {
		fmt.Fprintf(&b, "  %s\n", name)
	}
	b.WriteString("\nBUNDLED WITH\n   2.6.9\n")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	lf, err := lockfile.ParseFile(path)
	if err != nil || len(lf.Specs) != n {
		tb.Fatalf("%s: %v (%d specs)", path, err, len(lf.Specs))
	}
	return lf
}

// BenchmarkAuditPostgres709 audits a 709-spec lockfile (distinct corpus
// gems) from a PostgreSQL database loaded with their data, through the
// whole command (connection, schema check, batched lookups, JSON report),
// and reports the peak RSS of one more run as a process of its own.
// At RubyGems.org's 10 requests a second the same lookups take at least
// 70.8 s.
//
//	go test -run '^$' -bench AuditPostgres709 ./cmd/mfaudit/
func BenchmarkAuditPostgres709(b *testing.B) {
	dir := b.TempDir()
	lock := filepath.Join(dir, "Gemfile.lock")
	lf := bigLockfile(b, lock, 709)
	fr := truthRegistry(b, []*lockfile.Lockfile{lf})
	url := dumpDB(b, dumpOf(fr.gems))
	args := []string{"audit", "--registry-url", url, "--format", "json", "--output", filepath.Join(dir, "report.json"), lock}
	for b.Loop() {
		if code := runQuiet(args); code != exitFindings {
			b.Fatalf("exit %d", code)
		}
	}
	b.StopTimer()
	rss := runChild(b, exitFindings, args...)
	b.ReportMetric(float64(len(lf.Specs)), "specs")
	b.ReportMetric(float64(rss)/(1<<20), "process-peak-RSS-MB")
}

// cliChildEnv marks a test binary started to run the command line alone;
// its value is the file the child writes its peak RSS to.
const cliChildEnv = "MFAUDIT_TEST_CLI_CHILD"

// runCLIChild runs the arguments after "--" as the command line, then
// writes the process's peak resident set size (VmHWM, which counts this
// program alone: rusage's maxrss would count the parent's memory shared
// until exec) to the file named report.
func runCLIChild(report string) int {
	code := 2
	for i, a := range os.Args {
		if a == "--" {
			code = run(context.Background(), os.Args[i+1:], newSystemEnv())
			break
		}
	}
	status, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				err = os.WriteFile(report, []byte(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))), 0o644)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 125
	}
	return code
}

// runChild runs the command line in a child process and returns its peak
// resident set size in bytes.
func runChild(tb testing.TB, want int, args ...string) int64 {
	tb.Helper()
	report := filepath.Join(tb.TempDir(), "rss")
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), cliChildEnv+"="+report)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != want {
		tb.Fatalf("%v: exit %d, want %d (%v)\n%s", args, code, want, err, stderr.String())
	}
	data, err := os.ReadFile(report)
	if err != nil {
		tb.Fatalf("the child did not report its peak RSS: %v\n%s", err, stderr.String())
	}
	kb, err := strconv.ParseInt(string(data), 10, 64)
	if err != nil {
		tb.Fatalf("peak RSS %q: %v", data, err)
	}
	return kb << 10
}

// BenchmarkCensus runs the census over generated registries of 20,000 and
// 200,000 gems (about 2 million versions; pgtest.Generate), loading each
// once outside the timer. It reports the versions walked, the peak heap
// during the census, and the peak RSS of one more census run as a process
// of its own: the walk streams, so neither may grow tenfold with the
// registry.
//
//	go test -run '^$' -bench Census -benchtime 1x ./cmd/mfaudit/
func BenchmarkCensus(b *testing.B) {
	for _, n := range []int{20_000, 200_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			url := pgtest.Start(b).NewDumpDB(b)
			r := rand.New(rand.NewPCG(1, 2))
			var g pgtest.Gem
			i, versions := 0, 0
			start := time.Now()
			err := pgtest.LoadFunc(context.Background(), url, func() (*pgtest.Gem, bool) {
				if i == n {
					return nil, false
				}
				pgtest.Generate(&g, i, r)
				i++
				versions += len(g.Versions)
				return &g, true
			})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("loaded %d gems, %d versions in %v", n, versions, time.Since(start).Round(time.Millisecond))
			out := filepath.Join(b.TempDir(), "census.json")
			args := []string{"census", "--registry-url", url, "--top", "500", "--format", "json", "--output", out}
			b.ResetTimer()
			for b.Loop() {
				runtime.GC()
				heap, live := sampleHeap(func() {
					var stdout, stderr bytes.Buffer
					e := &env{stdin: bytes.NewReader(nil), stdout: &stdout, stderr: &stderr,
						getenv: func(string) string { return "" }, now: time.Now}
					if code := run(context.Background(), args, e); code != 0 {
						b.Fatalf("census: exit %d\n%s", code, stderr.String())
					}
				})
				b.ReportMetric(float64(versions), "versions")
				b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
			}
			b.StopTimer()
			rss := runChild(b, 0, args...)
			b.ReportMetric(float64(rss)/(1<<20), "process-peak-RSS-MB")
		})
	}
}
