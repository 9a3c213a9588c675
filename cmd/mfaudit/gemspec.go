package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mfaudit/mfaudit/gemspec"
	"github.com/mfaudit/mfaudit/registry"
	"github.com/mfaudit/mfaudit/report/atomicfile"
)

func newGemspecCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gemspec",
		Short: "Check or add the MFA requirement in a gem's own gemspec",
		Long: `The gemspec commands work on a gem's own repository: check is a CI gate
that fails when a gemspec does not require MFA for pushes, and fix adds
metadata["rubygems_mfa_required"] = "true" in the file's own style.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf(cmd, "unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newGemspecCheckCmd(e, nil), newGemspecFixCmd(e, nil))
	return cmd
}

// gemspecCheckOptions are the inputs of `mfaudit gemspec check`.
type gemspecCheckOptions struct {
	env    *env
	paths  []string
	format string
}

func newGemspecCheckCmd(e *env, runF func(context.Context, *gemspecCheckOptions) error) *cobra.Command {
	opts := &gemspecCheckOptions{env: e}
	cmd := &cobra.Command{
		Use:   "check [FILE|DIR ...]",
		Short: "Report whether each gemspec requires MFA for pushes",
		Long: `Check reads gemspecs (by default the *.gemspec files in the current
directory; a DIR means the *.gemspec files directly in it) and reports, for
each Gem::Specification, whether it sets metadata["rubygems_mfa_required"]
to a value RubyGems.org reads as true. It never runs the gemspec's Ruby.

Exit status: 0 when every gemspec requires MFA, 3 when one does not
(missing, commented out, opted out, invalid, or computed by code mfaudit
cannot follow), 1 when a file cannot be read or understood, 2 on usage
errors. Templates, vendored copies, files that only evaluate another
gemspec and gems not published to RubyGems.org are listed as skipped and
do not fail the check.

A specification handed to a helper (Fino.metadata(spec)) defined in a
file the gemspec loads with require_relative is judged by what the
helper sets; only files inside the project (the current directory, or
the directory given) are read, one level deep.`,
		Example: `  mfaudit gemspec check
  mfaudit gemspec check --format json mygem.gemspec`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.paths = args
			switch opts.format {
			case "table", "json":
			default:
				return usageErrorf(cmd, "unknown --format %q (want table or json)", opts.format)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runGemspecCheck(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.format, "format", "table", "output format: table or json")
	return cmd
}

// gemspecFixOptions are the inputs of `mfaudit gemspec fix`.
type gemspecFixOptions struct {
	env            *env
	paths          []string
	diff           bool
	overrideOptOut bool
	all            bool
	name           string
}

func newGemspecFixCmd(e *env, runF func(context.Context, *gemspecFixOptions) error) *cobra.Command {
	opts := &gemspecFixOptions{env: e}
	cmd := &cobra.Command{
		Use:   "fix [FILE|DIR ...]",
		Short: `Add metadata["rubygems_mfa_required"] = "true" to gemspecs`,
		Long: `Fix adds the MFA requirement to gemspecs (by default the *.gemspec files
in the current directory) with the smallest edit in the file's own style:
a pair in the last metadata Hash, an index line after the last metadata
line, or the uncommented line of the bundle gem template. Files are
rewritten atomically and keep their mode. A file mfaudit cannot follow
with confidence is left untouched, with the reason.

An explicit false value is a maintainer's decision and is kept unless
--override-opt-out is given. In a file with several specifications, the
one named like the file is edited, or the one given by --name, or all
with --all; without --all, the others that still lack the flag are
listed on stderr and the exit status is 3.

A specification handed to a helper in another file of the project
(Fino.metadata(spec), loaded with require_relative) is judged by what the
helper does; files outside the project are never read.

Exit status: 0 when every gemspec now requires MFA (or already did), 3
when something was left unfixed, 1 on errors, 2 on usage errors.`,
		Example: `  mfaudit gemspec fix --diff
  mfaudit gemspec fix --name mygem gems/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.paths = args
			if opts.all && opts.name != "" {
				return usageErrorf(cmd, "--all and --name cannot be used together")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runGemspecFix(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.diff, "diff", false, "print a unified diff instead of writing the files")
	cmd.Flags().BoolVar(&opts.overrideOptOut, "override-opt-out", false, `replace an explicit false value (such as "false") with "true"`)
	cmd.Flags().BoolVar(&opts.all, "all", false, "edit every specification in a file")
	cmd.Flags().StringVar(&opts.name, "name", "", "edit only the specification with this gem name")
	return cmd
}

// gemspecInput is one file named by the arguments, or the reason it
// cannot be read.
type gemspecInput struct {
	path string
	src  []byte
	err  error
	// root is the project the gemspec's helpers must stay in: the
	// working directory when the gemspec is inside it (as judgedPath
	// decides what is vendored), else the directory argument it was
	// found through, else its own directory.
	root string
}

// readGemspecs expands the arguments (default ".") into gemspec files:
// a directory stands for the *.gemspec files directly in it.
func readGemspecs(ctx context.Context, args []string) []gemspecInput {
	if len(args) == 0 {
		args = []string{"."}
	}
	var out []gemspecInput
	seen := map[string]bool{}
	add := func(p, root string) {
		if seen[p] {
			return
		}
		seen[p] = true
		in := gemspecInput{path: p, root: root}
		if err := ctx.Err(); err != nil {
			in.err = err
		} else if in.src, in.err = os.ReadFile(p); in.err != nil {
			in.err = fmt.Errorf("cannot read gemspec: %w", in.err)
		}
		out = append(out, in)
	}
	for _, a := range args {
		p := filepath.Clean(a)
		fi, err := os.Stat(p)
		if err != nil {
			out = append(out, gemspecInput{path: p, err: err})
			continue
		}
		if !fi.IsDir() {
			add(p, projectRoot(filepath.Dir(p)))
			continue
		}
		matches, err := filepath.Glob(filepath.Join(p, "*.gemspec"))
		if err != nil {
			out = append(out, gemspecInput{path: p, err: fmt.Errorf("gemspec: %s: %w", p, err)})
			continue
		}
		var files []string
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
				files = append(files, m)
			}
		}
		if len(files) == 0 {
			out = append(out, gemspecInput{path: p, err: fmt.Errorf("%s: no *.gemspec file in this directory", p)})
			continue
		}
		sort.Strings(files)
		root := projectRoot(p)
		for _, m := range files {
			add(m, root)
		}
	}
	return out
}

// checkFile is one file in the JSON output of check.
type checkFile struct {
	Path  string      `json:"path"`
	Skip  *checkSkip  `json:"skip,omitempty"`
	Error string      `json:"error,omitempty"`
	Specs []checkSpec `json:"specs"`
}

type checkSkip struct {
	Kind   string `json:"kind"`
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
}

type checkSpec struct {
	Name      string     `json:"name"`
	Variable  string     `json:"variable"`
	Line      int        `json:"line"`
	State     string     `json:"state"`
	StateLine int        `json:"state_line,omitempty"`
	Value     *string    `json:"value,omitempty"`
	Detail    string     `json:"detail"`
	Protected bool       `json:"protected"`
	Skip      *checkSkip `json:"skip,omitempty"`
	Notes     []string   `json:"notes,omitempty"`
}

type checkSummary struct {
	Files       int `json:"files"`
	Specs       int `json:"specs"`
	Protected   int `json:"protected"`
	Unprotected int `json:"unprotected"`
	Skipped     int `json:"skipped"`
	Errors      int `json:"errors"`
}

type checkReport struct {
	Gemspecs []checkFile  `json:"gemspecs"`
	Summary  checkSummary `json:"summary"`
}

func toCheckSkip(s *gemspec.Skip) *checkSkip {
	if s == nil {
		return nil
	}
	return &checkSkip{Kind: string(s.Kind), Line: s.Line, Reason: registry.Sanitize(s.Reason)}
}

func runGemspecCheck(ctx context.Context, opts *gemspecCheckOptions) error {
	e := opts.env
	var rep checkReport
	for _, in := range readGemspecs(ctx, opts.paths) {
		cf := checkFile{Path: in.path, Specs: []checkSpec{}}
		rep.Summary.Files++
		if in.err != nil {
			cf.Error = registry.Sanitize(in.err.Error())
			rep.Summary.Errors++
			rep.Gemspecs = append(rep.Gemspecs, cf)
			continue
		}
		read, closeRead := helperReader(in)
		a, err := gemspec.AnalyzeWith(in.src, judgedPath(in.path), gemspec.AnalyzeOptions{Read: read})
		closeRead()
		if err != nil {
			cf.Error = registry.Sanitize(err.Error())
			rep.Summary.Errors++
			rep.Gemspecs = append(rep.Gemspecs, cf)
			continue
		}
		cf.Skip = toCheckSkip(a.Skip)
		if !a.Skip.Judged() {
			rep.Summary.Skipped++
		}
		for _, s := range a.Specs {
			cs := checkSpec{
				Name:      registry.Sanitize(s.Name),
				Variable:  registry.Sanitize(s.Var),
				Line:      s.Line,
				State:     string(s.State),
				StateLine: s.StateLine,
				Detail:    registry.Sanitize(s.Detail),
				Protected: s.State.Protected(),
				Skip:      toCheckSkip(s.Skip),
			}
			for _, n := range s.Notes {
				cs.Notes = append(cs.Notes, registry.Sanitize(n))
			}
			if s.State == gemspec.Required || s.State == gemspec.OptedOut {
				v := registry.Sanitize(s.Value)
				cs.Value = &v
			}
			cf.Specs = append(cf.Specs, cs)
			if !a.Skip.Judged() {
				continue
			}
			rep.Summary.Specs++
			switch {
			case !s.Skip.Judged():
				rep.Summary.Skipped++
			case !s.State.Protected():
				rep.Summary.Unprotected++
			default:
				rep.Summary.Protected++
			}
		}
		rep.Gemspecs = append(rep.Gemspecs, cf)
	}
	for _, f := range rep.Gemspecs {
		if f.Error != "" {
			fmt.Fprintf(e.stderr, "mfaudit: %s\n", f.Error)
		}
	}
	var err error
	if opts.format == "json" {
		err = writeCheckJSON(e.stdout, &rep)
	} else {
		err = writeCheckTable(e, &rep)
	}
	if err != nil {
		return fmt.Errorf("gemspec check: %w", err)
	}
	switch {
	case rep.Summary.Errors > 0:
		return fmt.Errorf("gemspec check: %d of %d files could not be read", rep.Summary.Errors, rep.Summary.Files)
	case rep.Summary.Unprotected > 0:
		return errFindings
	}
	return nil
}

func writeCheckJSON(w io.Writer, rep *checkReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiReset  = "\x1b[0m"
)

func writeCheckTable(e *env, rep *checkReport) error {
	colour := e.colour(e.stdoutTTY)
	paint := func(c, s string) string {
		if !colour {
			return s
		}
		return c + s + ansiReset
	}
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOCATION\tGEM\tSTATE\tDETAIL")
	for _, f := range rep.Gemspecs {
		path := registry.Sanitize(f.Path)
		if f.Error != "" {
			continue
		}
		if f.Skip != nil && f.Skip.Kind != string(gemspec.SkipGenerated) {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", location(path, f.Skip.Line), "-", paint(ansiYellow, "skipped"), f.Skip.Reason)
			continue
		}
		for _, s := range f.Specs {
			name := s.Name
			if name == "" {
				name = "?"
			}
			line := s.StateLine
			if line == 0 {
				line = s.Line
			}
			state, detail := s.State, s.Detail
			c := ansiRed
			switch {
			case s.Skip != nil:
				state, detail, c = "skipped", s.Skip.Reason, ansiYellow
			case s.Protected:
				c = ansiGreen
			case s.State == string(gemspec.Computed):
				c = ansiYellow
			}
			if f.Skip != nil {
				detail += "; " + f.Skip.Reason
			}
			for _, n := range s.Notes {
				detail += "; note: " + n
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", location(path, line), name, paint(c, state), detail)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if rep.Summary.Files > rep.Summary.Errors {
		if _, err := e.stdout.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	if rep.Summary.Unprotected > 0 {
		_, err := fmt.Fprintf(e.stdout, "\n%d of %d specifications do not require MFA; `mfaudit gemspec fix` adds the line where it can.\n", rep.Summary.Unprotected, rep.Summary.Protected+rep.Summary.Unprotected)
		return err
	}
	return nil
}

func location(path string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", path, line)
	}
	return path
}

func runGemspecFix(ctx context.Context, opts *gemspecFixOptions) error {
	e := opts.env
	status := e.stdout
	if opts.diff {
		status = e.stderr
	}
	fo := gemspec.FixOptions{Name: opts.name, All: opts.all, OverrideOptOut: opts.overrideOptOut}
	var errs, unfixed, matched int
	inputs := readGemspecs(ctx, opts.paths)
	for _, in := range inputs {
		if in.err != nil {
			fmt.Fprintf(e.stderr, "mfaudit: %s\n", registry.Sanitize(in.err.Error()))
			errs++
			continue
		}
		read, closeRead := helperReader(in)
		fo.Read = read
		ed, err := gemspec.Fix(in.src, judgedPath(in.path), fo)
		closeRead()
		if err != nil {
			fmt.Fprintf(e.stderr, "mfaudit: %s\n", registry.Sanitize(err.Error()))
			errs++
			continue
		}
		path := registry.Sanitize(in.path)
		if ed.NoMatch {
			continue
		}
		matched++
		if ed.Reason != "" {
			fmt.Fprintf(status, "%s: not fixed: %s\n", path, registry.Sanitize(ed.Reason))
			unfixed++
			continue
		}
		if ed.Changed() {
			if opts.diff {
				a, b := "a/"+filepath.ToSlash(in.path), "b/"+filepath.ToSlash(in.path)
				if filepath.IsAbs(in.path) {
					a, b = in.path, in.path
				}
				if _, err := e.stdout.Write(gemspec.UnifiedDiff(a, b, ed.Old, ed.New)); err != nil {
					return fmt.Errorf("gemspec fix: %w", err)
				}
			} else if err := writeFileAtomic(in.path, ed.Old, ed.New); err != nil {
				fmt.Fprintf(e.stderr, "mfaudit: %s\n", registry.Sanitize(err.Error()))
				errs++
				continue
			}
		}
		for _, s := range ed.Specs {
			name := registry.Sanitize(s.Spec.Name)
			if name == "" {
				name = fmt.Sprintf("(spec at line %d)", s.Spec.Line)
			}
			lines := append(append([]int(nil), s.Inserted...), s.Changed...)
			sort.Ints(lines)
			line := s.Spec.Line
			if len(lines) > 0 {
				line = lines[0]
			}
			// past tense for a written file, "would" for a --diff preview
			did := func(past, base string) string {
				if opts.diff {
					return "would " + base
				}
				return past
			}
			switch s.Action {
			case gemspec.ActionNone:
				// Say where the flag is when it is not just the literal
				// line (a helper in another file sets it).
				extra := ""
				if d := s.Spec.Detail; d != fmt.Sprintf("%s is %q", gemspec.MFAKey, s.Spec.Value) {
					extra = " (" + registry.Sanitize(d) + ")"
				}
				fmt.Fprintf(status, "%s:%d: %s: already requires MFA%s\n", path, s.Spec.StateLine, name, extra)
			case gemspec.ActionInserted:
				fmt.Fprintf(status, "%s:%d: %s: %s %s = \"true\"\n", path, line, name, did("added", "add"), gemspec.MFAKey)
			case gemspec.ActionUncommented:
				fmt.Fprintf(status, "%s:%d: %s: %s the %s line\n", path, line, name, did("uncommented", "uncomment"), gemspec.MFAKey)
			case gemspec.ActionReplaced:
				fmt.Fprintf(status, "%s:%d: %s: %s %q to \"true\"\n", path, line, name, did("changed", "change"), registry.Sanitize(s.Spec.Value))
			case gemspec.ActionUnfixed:
				fmt.Fprintf(status, "%s: %s: not fixed: %s\n", location(path, s.Spec.StateLine), name, registry.Sanitize(s.Reason))
				unfixed++
			}
			if s.Action != gemspec.ActionUnfixed {
				for _, n := range s.Spec.Notes {
					fmt.Fprintf(status, "%s: %s: note: %s\n", location(path, s.Spec.Line), name, registry.Sanitize(n))
				}
			}
		}
		// Without --all only one specification of the file is edited:
		// the others that still lack the flag are left unfixed.
		var edited []string
		for _, s := range ed.Specs {
			edited = append(edited, fmt.Sprintf("%q", registry.Sanitize(s.Spec.Name)))
		}
		for _, o := range ed.Others {
			if o.Skip != nil || o.State.Protected() {
				continue
			}
			name := registry.Sanitize(o.Name)
			if name == "" {
				name = fmt.Sprintf("(spec at line %d)", o.Line)
			}
			fmt.Fprintf(e.stderr, "%s:%d: %s: not fixed: does not require MFA (%s); fix edits only %s in this file unless --all is given\n",
				path, o.Line, name, o.State, strings.Join(edited, ", "))
			unfixed++
		}
	}
	switch {
	case opts.name != "" && matched == 0 && errs == 0:
		return fmt.Errorf("gemspec fix: no gemspec defines a gem named %q", registry.Sanitize(opts.name))
	case errs > 0:
		return fmt.Errorf("gemspec fix: %d of %d files could not be fixed", errs, len(inputs))
	case unfixed > 0:
		return errFindings
	}
	return nil
}

// writeFileAtomic replaces path with data through a temporary file in the
// same directory, keeping the file's mode. It refuses when the file
// changed since old was read. A symbolic link is followed, not replaced.
func writeFileAtomic(path string, old, data []byte) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("gemspec: %w", err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return fmt.Errorf("gemspec: %w", err)
	}
	current, err := os.ReadFile(real)
	if err != nil {
		return fmt.Errorf("gemspec: %w", err)
	}
	if !bytes.Equal(current, old) {
		return fmt.Errorf("gemspec: %s: changed while it was being fixed; not written", path)
	}
	err = atomicfile.Replace(real, data, fi.Mode().Perm())
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("gemspec: %w", err)
		}
		return fmt.Errorf("gemspec: %s: %w", path, err)
	}
	return nil
}

// projectRoot returns the absolute project directory for gemspecs found
// in dir: the working directory when dir is inside it, else dir itself.
func projectRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		return abs
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return wd
	}
	return abs
}

// helperReader returns the reader the gemspec package follows helpers
// with: it reads files relative to the gemspec's (real) directory, and
// refuses anything outside the project root, symbolic links included.
// close releases it.
func helperReader(in gemspecInput) (read func(string) ([]byte, error), close func()) {
	refuse := func(err error) (func(string) ([]byte, error), func()) {
		return func(string) ([]byte, error) { return nil, err }, func() {}
	}
	root, err := filepath.EvalSymlinks(in.root)
	if err != nil {
		return refuse(fmt.Errorf("the project directory: %w", err))
	}
	real, err := filepath.EvalSymlinks(in.path)
	if err != nil {
		return refuse(err)
	}
	absReal, err := filepath.Abs(real)
	if err != nil {
		return refuse(err)
	}
	rel, err := filepath.Rel(root, filepath.Dir(absReal))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return refuse(fmt.Errorf("the gemspec itself is outside the project %s", in.root))
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return refuse(err)
	}
	return gemspec.FSReader(r.FS(), filepath.ToSlash(rel)), func() { r.Close() }
}

// judgedPath is the path the gemspec package judges a file by. Only
// directories inside the project (the working directory) make a gemspec a
// vendored copy, so an absolute path inside it is made relative: a gem
// checked out under some ".../vendor/..." directory and named by its
// absolute path, as CI jobs name their workspace, is still judged.
func judgedPath(p string) string {
	if !filepath.IsAbs(p) {
		return p
	}
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	rel, err := filepath.Rel(wd, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return p
	}
	return rel
}
