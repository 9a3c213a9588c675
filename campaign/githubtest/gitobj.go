package githubtest

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Git object kinds.
const (
	kindBlob   = "blob"
	kindTree   = "tree"
	kindCommit = "commit"
)

// Git modes as they appear inside a tree object.
const (
	modeFile    = "100644"
	modeExec    = "100755"
	modeSymlink = "120000"
	modeDir     = "40000"
)

// object is one git object: a blob, a tree or a commit.
type object struct {
	kind    string
	data    []byte      // blob content
	entries []treeEntry // tree entries, in git order
	commit  *commitObj
}

// treeEntry is one entry of a tree object.
type treeEntry struct {
	name string
	mode string // git form: "100644", "40000", ...
	sha  string
}

// isTree reports whether the entry names a subtree.
func (e treeEntry) isTree() bool { return e.mode == modeDir }

// signature is a commit's author or committer.
type signature struct {
	name, email string
	when        time.Time // whole seconds, in the zone given by the client
}

// commitObj is the content of a commit object.
type commitObj struct {
	tree      string
	parents   []string
	author    signature
	committer signature
	message   string
}

// fileEntry is a non-tree entry addressed by its full path.
type fileEntry struct {
	mode string
	sha  string
}

// store is the object database shared by a fork network.
type store struct {
	objs map[string]*object
}

func newStore() *store { return &store{objs: map[string]*object{}} }

// hashObject returns git's object ID for an object of kind with body.
func hashObject(kind string, body []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", kind, len(body))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// get returns the object sha if it has the given kind ("" for any).
func (st *store) get(sha, kind string) (*object, bool) {
	o, ok := st.objs[strings.ToLower(sha)]
	if !ok || (kind != "" && o.kind != kind) {
		return nil, false
	}
	return o, true
}

// putBlob stores content as a blob and returns its ID.
func (st *store) putBlob(content []byte) string {
	sha := hashObject(kindBlob, content)
	if _, ok := st.objs[sha]; !ok {
		st.objs[sha] = &object{kind: kindBlob, data: append([]byte(nil), content...)}
	}
	return sha
}

// gitLess orders tree entries as git does: a directory sorts as if its name
// ended in "/".
func gitLess(a, b treeEntry) bool {
	an, bn := a.name, b.name
	if a.isTree() {
		an += "/"
	}
	if b.isTree() {
		bn += "/"
	}
	return an < bn
}

// putTree stores a tree with the given entries and returns its ID.
func (st *store) putTree(entries []treeEntry) string {
	es := append([]treeEntry(nil), entries...)
	sort.Slice(es, func(i, j int) bool { return gitLess(es[i], es[j]) })
	var body []byte
	for _, e := range es {
		raw, _ := hex.DecodeString(e.sha)
		body = append(body, e.mode...)
		body = append(body, ' ')
		body = append(body, e.name...)
		body = append(body, 0)
		body = append(body, raw...)
	}
	sha := hashObject(kindTree, body)
	if _, ok := st.objs[sha]; !ok {
		st.objs[sha] = &object{kind: kindTree, entries: es}
	}
	return sha
}

// formatSignature renders a signature as a commit header value.
func formatSignature(s signature) string {
	_, off := s.when.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s <%s> %d %c%02d%02d", s.name, s.email, s.when.Unix(), sign, off/3600, off%3600/60)
}

// putCommit stores a commit and returns its ID.
func (st *store) putCommit(c commitObj) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tree %s\n", c.tree)
	for _, p := range c.parents {
		fmt.Fprintf(&b, "parent %s\n", p)
	}
	fmt.Fprintf(&b, "author %s\ncommitter %s\n\n%s", formatSignature(c.author), formatSignature(c.committer), c.message)
	sha := hashObject(kindCommit, []byte(b.String()))
	if _, ok := st.objs[sha]; !ok {
		cc := c
		cc.parents = append([]string(nil), c.parents...)
		st.objs[sha] = &object{kind: kindCommit, commit: &cc}
	}
	return sha
}

// flatten returns every non-tree entry below tree sha, keyed by full path.
func (st *store) flatten(sha, prefix string, out map[string]fileEntry) {
	t, ok := st.get(sha, kindTree)
	if !ok {
		return
	}
	for _, e := range t.entries {
		if e.isTree() {
			st.flatten(e.sha, prefix+e.name+"/", out)
			continue
		}
		out[prefix+e.name] = fileEntry{mode: e.mode, sha: e.sha}
	}
}

// buildTree stores the nested trees holding files and returns the root ID.
func (st *store) buildTree(files map[string]fileEntry) string {
	var entries []treeEntry
	subdirs := map[string]map[string]fileEntry{}
	for p, f := range files {
		dir, rest, nested := strings.Cut(p, "/")
		if !nested {
			entries = append(entries, treeEntry{name: p, mode: f.mode, sha: f.sha})
			continue
		}
		if subdirs[dir] == nil {
			subdirs[dir] = map[string]fileEntry{}
		}
		subdirs[dir][rest] = f
	}
	for dir, sub := range subdirs {
		entries = append(entries, treeEntry{name: dir, mode: modeDir, sha: st.buildTree(sub)})
	}
	return st.putTree(entries)
}

// lookupPath finds the entry at path below tree root; "" names root itself.
func (st *store) lookupPath(root, path string) (treeEntry, bool) {
	cur := treeEntry{mode: modeDir, sha: root}
	if path == "" {
		return cur, true
	}
	for _, part := range strings.Split(path, "/") {
		t, ok := st.get(cur.sha, kindTree)
		if !ok || !cur.isTree() {
			return treeEntry{}, false
		}
		found := false
		for _, e := range t.entries {
			if e.name == part {
				cur, found = e, true
				break
			}
		}
		if !found {
			return treeEntry{}, false
		}
	}
	return cur, true
}

// isAncestor reports whether commit anc is desc or one of its ancestors.
func (st *store) isAncestor(anc, desc string) bool {
	seen := map[string]bool{}
	queue := []string{desc}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == anc {
			return true
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		if o, ok := st.get(c, kindCommit); ok {
			queue = append(queue, o.commit.parents...)
		}
	}
	return false
}

// errBadPath reports a tree path git cannot store.
var errBadPath = errors.New("invalid path")

// checkPath validates a slash-separated path inside a tree.
func checkPath(p string) error {
	if p == "" || strings.ContainsRune(p, 0) {
		return fmt.Errorf("%w %q", errBadPath, p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." || part == ".git" {
			return fmt.Errorf("%w %q", errBadPath, p)
		}
	}
	return nil
}

// setPath places entry e at path p in files, replacing whatever was there
// (a file, or a directory and everything below it, or a file where a parent
// directory is needed). A tree entry is expanded into its files.
func (st *store) setPath(files map[string]fileEntry, p string, e *fileEntry, isTree bool) {
	for k := range files {
		if k == p || strings.HasPrefix(k, p+"/") {
			delete(files, k)
		}
	}
	parts := strings.Split(p, "/")
	for i := 1; i < len(parts); i++ {
		delete(files, strings.Join(parts[:i], "/"))
	}
	switch {
	case e == nil:
	case isTree:
		sub := map[string]fileEntry{}
		st.flatten(e.sha, "", sub)
		for k, v := range sub {
			files[p+"/"+k] = v
		}
	default:
		files[p] = *e
	}
}

// parseDate parses a commit date as the API accepts it: RFC 3339, or unix
// seconds as a string.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Truncate(time.Second), nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("invalid date %q: want RFC 3339", s)
}
