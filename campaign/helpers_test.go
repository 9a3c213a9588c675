package campaign

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaudit/mfaudit/campaign/githubtest"
	"github.com/mfaudit/mfaudit/registry"
)

// memRegistry is an in-memory RubyGems.org: gems with one release each,
// changeable while a test runs (a release comes out).
type memRegistry struct {
	mu    sync.Mutex
	gems  map[string]*registry.Gem
	links map[string]registry.Links
	calls map[string]int
}

func newMemRegistry() *memRegistry {
	return &memRegistry{gems: map[string]*registry.Gem{}, links: map[string]registry.Links{}, calls: map[string]int{}}
}

// release publishes version of name with metadata (nil: none).
func (m *memRegistry) release(name, version string, meta map[string]string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := &registry.Gem{Name: name, Versions: []registry.Version{{Number: version, Platform: "ruby", Metadata: meta, Downloads: 1000}}}
	g.Latest = &g.Versions[0]
	g.ListedDownloads, g.Downloads = 1000, 1000
	m.gems[name] = g
}

func (m *memRegistry) Gem(_ context.Context, name string) (*registry.Gem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["gem:"+name]++
	g, ok := m.gems[name]
	if !ok {
		return nil, fmt.Errorf("registry: gem %q: %w", name, registry.ErrNotFound)
	}
	return g, nil
}

func (m *memRegistry) Links(_ context.Context, name string) (registry.Links, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["links:"+name]++
	l, ok := m.links[name]
	if !ok {
		if _, ok := m.gems[name]; !ok {
			return registry.Links{}, registry.ErrNotFound
		}
	}
	return l, nil
}

// src returns source_code_uri metadata.
func src(url string) map[string]string { return map[string]string{"source_code_uri": url} }

// indexSpec is a gemspec in the index-line style of `bundle gem`.
func indexSpec(name string) string {
	return fmt.Sprintf(`# frozen_string_literal: true

Gem::Specification.new do |spec|
  spec.name = %q
  spec.version = "1.0.0"
  spec.authors = ["Ann Example"]
  spec.summary = "A gem named %s."
  spec.homepage = "https://example.com/%s"
  spec.license = "MIT"

  spec.metadata["homepage_uri"] = spec.homepage
  spec.metadata["source_code_uri"] = "https://github.com/acme/%s"

  spec.files = []
  spec.require_paths = ["lib"]
end
`, name, name, name, name)
}

// hashSpec is a gemspec with a multi-line metadata Hash.
func hashSpec(name, extra string) string {
	return fmt.Sprintf(`Gem::Specification.new do |s|
  s.name        = '%s'
  s.version     = '2.0.0'
  s.summary     = 'The %s gem.'
  s.authors     = ['Bo Example']
  s.files       = []
  s.metadata    = {
    'bug_tracker_uri' => 'https://github.com/acme/%s/issues',
    'source_code_uri' => 'https://github.com/acme/%s'%s
  }
end
`, name, name, name, name, extra)
}

// world is a campaign test: a fake GitHub, a registry and a state file.
type world struct {
	t     *testing.T
	gh    *githubtest.Server
	reg   *memRegistry
	state string
	clock *stepClock
	logs  []string
	mu    sync.Mutex
}

// stepClock moves a second forward each time it is read, so that two runs
// never share a commit date by accident.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

const viewerLogin = "mfaudit-bot"

func newWorld(t *testing.T) *world {
	t.Helper()
	gh := githubtest.New(t)
	gh.SetViewer(viewerLogin, 4242, "mfaudit bot", "")
	return &world{
		t:     t,
		gh:    gh,
		reg:   newMemRegistry(),
		state: t.TempDir() + "/campaign.json",
		clock: &stepClock{t: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)},
	}
}

// forge returns a go-github Forge on the fake, paced for tests.
func (w *world) forge() Forge {
	w.t.Helper()
	f, err := NewGitHub(GitHubOptions{
		URL: w.gh.URL(), Token: "ghp_test_token_never_printed",
		// Paced far faster than GitHub allows (TestPacerWindows checks
		// the real bounds), so that a campaign of 30 repositories does not
		// wait a minute for the 80-writes window.
		WriteInterval: time.Millisecond, WritesPerMinute: 1 << 20, WritesPerHour: 1 << 20,
		SearchInterval: time.Millisecond, ReadInterval: time.Microsecond,
		ForkPoll: 5 * time.Millisecond, Retries: -1,
		Notify: func(msg string) { w.log("pause: " + msg) },
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

func (w *world) log(msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.logs = append(w.logs, msg)
}

func (w *world) campaign(opts Options) *Campaign {
	w.t.Helper()
	if opts.Forge == nil {
		opts.Forge = w.forge()
	}
	opts.Registry = w.reg
	opts.Log = w.log
	opts.Now = w.clock.now
	u := strings.TrimPrefix(strings.TrimPrefix(w.gh.URL(), "http://"), "https://")
	opts.ForgeHost = "github.com"
	opts.GitHubHosts = append(opts.GitHubHosts, strings.Split(u, ":")[0])
	c, err := New(opts)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// plan plans the targets with a fresh campaign, reading the state file.
func (w *world) plan(gems ...string) *Plan {
	w.t.Helper()
	st, err := OpenState(w.state, false)
	if err != nil {
		w.t.Fatal(err)
	}
	p, err := w.campaign(Options{}).Plan(context.Background(), targets(gems...), st)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// run plans and applies, as `campaign run --apply` does.
func (w *world) run(ctx context.Context, opts ApplyOptions, gems ...string) (*Plan, error) {
	w.t.Helper()
	st, err := OpenState(w.state, true)
	if err != nil {
		w.t.Fatal(err)
	}
	defer st.Close()
	c := w.campaign(Options{})
	p, err := c.Plan(ctx, targets(gems...), st)
	if err != nil {
		return nil, err
	}
	return p, c.Apply(ctx, p, st, opts)
}

func targets(gems ...string) []Target {
	ts := make([]Target, len(gems))
	for i, g := range gems {
		ts[i] = Target{Gem: g, From: []string{"Gemfile.lock"}}
	}
	return ts
}

// outcomes maps each gem to its outcome.
func outcomes(p *Plan) map[string]Outcome {
	m := map[string]Outcome{}
	for _, r := range p.Repos {
		for _, g := range r.Gems {
			m[g.Gem] = g.Outcome
		}
	}
	return m
}

// repoPlan returns the plan of one repository.
func repoPlan(t *testing.T, p *Plan, repo string) *RepoPlan {
	t.Helper()
	for i := range p.Repos {
		if strings.EqualFold(p.Repos[i].Repo, repo) {
			return &p.Repos[i]
		}
	}
	var names []string
	for _, r := range p.Repos {
		names = append(names, r.Repo)
	}
	t.Fatalf("no plan for %s (have %v)", repo, names)
	return nil
}

// writes lists the successful write requests, as "METHOD path".
func writes(gh *githubtest.Server) []string {
	var out []string
	for _, r := range gh.Writes() {
		out = append(out, r.Method+" "+r.Path)
	}
	sort.Strings(out)
	return out
}

func registryLinks(home, docs string) registry.Links {
	return registry.Links{Homepage: home, Documentation: docs}
}
