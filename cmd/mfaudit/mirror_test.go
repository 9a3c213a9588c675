package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry"
	"github.com/mfaudit/mfaudit/report"
)

// verdicts maps each finding (lockfile, name, version, platform) to what
// the audit judged: status, reason, latest release, flag.
func verdicts(t *testing.T, stdout string) (map[string]string, *report.Report) {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v\n%.300s", err, stdout)
	}
	out := map[string]string{}
	for _, lr := range r.Lockfiles {
		for _, f := range lr.Gems {
			flag := "-"
			if f.MFAFlag != nil {
				flag = *f.MFAFlag
			}
			out[lr.Path+" "+f.Name+" "+f.Version+" "+f.Platform] = strings.Join([]string{string(f.Status), f.Reason, f.LatestVersion, flag}, " | ")
		}
	}
	return out, &r
}

// TestMirrorRoundTrip mirrors the registry answers three corpus lockfiles
// need, audits them offline against the mirror, and gets the online
// verdicts, with the data's date in the report; a gem taken out of the
// mirror is unknown, "not in the mirror", and fails the gate (exit 3, not
// an incomplete audit); a second mirror run refreshes with conditional
// requests only.
func TestMirrorRoundTrip(t *testing.T) {
	var paths []string
	var lfs []*lockfile.Lockfile
	for _, name := range []string{"rails__rails__Gemfile.lock", "huginn__huginn__Gemfile.lock", "CocoaPods__CocoaPods__Gemfile.lock"} {
		p := filepath.Join("..", "..", "testdata", "lockfiles", name)
		lf, err := lockfile.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		paths, lfs = append(paths, p), append(lfs, lf)
	}
	fr := truthRegistry(t, lfs)
	dir := filepath.Join(t.TempDir(), "mirror")
	fast := []string{"--rate", "100000", "--concurrency", "16"}

	_, stderr, code := runCLI(t, terminal{}, append(append([]string{"mirror", "--out", dir, "--registry-url", fr.URL()}, fast...), paths...)...)
	if code != exitOK {
		t.Fatalf("mirror: exit %d\n%s", code, stderr)
	}
	m, err := registry.ReadManifest(dir)
	if err != nil || m == nil || m.Source != fr.URL() || m.Taken.IsZero() {
		t.Fatalf("manifest %+v, %v", m, err)
	}
	online, _, code := runCLI(t, terminal{}, append(append([]string{"audit", "--no-cache", "--format", "json", "--registry-url", fr.URL()}, fast...), paths...)...)
	if code != exitFindings {
		t.Fatalf("online audit: exit %d", code)
	}
	offline, stderr, code := runCLI(t, terminal{}, append([]string{"audit", "--format", "json", "--registry-url", "file://" + dir}, paths...)...)
	if code != exitFindings {
		t.Fatalf("offline audit: exit %d\n%s", code, stderr)
	}
	want, _ := verdicts(t, online)
	got, r := verdicts(t, offline)
	if len(got) != len(want) || len(got) < 500 {
		t.Fatalf("%d findings offline, %d online", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s:\n  online  %s\n  offline %s", k, v, got[k])
		}
	}
	if r.Registry == nil || r.Registry.Source != fr.URL() || r.Registry.Taken == nil || r.Registry.Taken.Format("2006-01-02") != testNow.Format("2006-01-02") {
		t.Errorf("registry data %+v, want the mirror taken %s", r.Registry, testNow.Format("2006-01-02"))
	}
	table, _, _ := runCLI(t, terminal{}, "audit", "--registry-url", "file://"+dir, paths[0])
	if !strings.Contains(table, "registry data from "+testNow.Format("2006-01-02")+" (mirror of "+fr.URL()+" in file://"+dir+")") {
		t.Errorf("the table does not date its data:\n%s", table[len(table)-400:])
	}

	// A gem taken out of the mirror: unknown, said so, exit 3.
	var gone string
	for _, f := range r.Lockfiles[0].Gems {
		if f.Status == report.Protected && f.Direct {
			gone = f.Name
			break
		}
	}
	if err := os.Remove(filepath.Join(dir, "api", "v1", "versions", gone+".json")); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, terminal{}, "audit", "--format", "json", "--registry-url", "file://"+dir, paths[0])
	if code != exitFindings {
		t.Errorf("a gem not in the mirror: exit %d, want %d\n%s", code, exitFindings, stderr)
	}
	v, _ := verdicts(t, stdout)
	for k, s := range v {
		if strings.Contains(k, " "+gone+" ") && !strings.HasPrefix(s, "unknown | not in the mirror taken "+testNow.Format("2006-01-02")) {
			t.Errorf("%s: %s", k, s)
		}
	}

	// A second run refreshes: every document asked for again, with its
	// ETag, and answered 304.
	before := fr.paths()
	_, stderr, code = runCLI(t, terminal{}, append(append([]string{"mirror", "--out", dir, "--registry-url", fr.URL()}, fast...), paths...)...)
	if code != exitOK {
		t.Fatalf("second mirror: exit %d\n%s", code, stderr)
	}
	asked, notModified := 0, fr.notModified
	for p, n := range fr.paths() {
		asked += n - before[p]
	}
	// Gems the registry lacks answer 404 again; every other document is
	// unchanged (the gem removed from the mirror kept its validator).
	m2, _ := registry.ReadManifest(dir)
	if asked == 0 || notModified != asked-len(m2.Absent) {
		t.Errorf("the refresh asked %d times, %d answered 304; want all but the %d absent gems", asked, notModified, len(m2.Absent))
	}
	if _, err := os.Stat(filepath.Join(dir, "api", "v1", "versions", gone+".json")); err != nil {
		t.Errorf("the refresh did not bring %s back: %v", gone, err)
	}
}
