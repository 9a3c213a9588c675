package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// githubRenderer writes GitHub Actions workflow commands, which the runner
// turns into annotations on the lockfile's lines: "::error" for findings
// that fail the gate, "::warning" for unprotected or unknown gems that do
// not (allowlisted, or the gate is off), "::notice" for partial and
// not_covered gems. Lockfile warnings and allowlist entries that need
// attention are warnings too. A last plain line gives the summary and the
// gate's outcome. Protected gems get no annotation.
//
// A workflow command is a line that starts with "::", so untrusted text
// must never start a line: it is sanitized (no CR or LF survives) and
// escaped as the runner expects ("%", CR and LF in messages; also ":" and
// "," in properties).
type githubRenderer struct{}

func (*githubRenderer) begin(io.Writer, RenderOptions) error { return nil }

func (*githubRenderer) lockfile(w io.Writer, lf *LockfileReport, _ int, _ RenderOptions) error {
	if lf.Error != "" {
		writeWorkflowCommand(w, "error", lf.Path, 0, "mfaudit: lockfile not audited", safeText(lf.Error))
	}
	for _, f := range sortedRows(lf) {
		if f.Status == Protected {
			continue
		}
		msg := safeText(orDash(f.Reason))
		if dep := dependencyLabel(f); dep != "-" {
			msg += " (" + safeText(dep) + ")"
		}
		if f.Allowlisted {
			msg += "; allowlisted: " + safeText(f.AllowlistReason)
		}
		title := fmt.Sprintf("mfaudit: %s %s is %s", safeText(f.Name), safeText(versionLabel(f)), statusWord(f.Status))
		file := lf.Path
		if lf.Owner != "" {
			file = "" // no file in the repository to annotate
			msg += " (" + GemURL(f.Name) + ")"
		}
		writeWorkflowCommand(w, githubCommand(findingLevel(f)), file, f.Line, title, msg)
	}
	for _, wn := range lf.Warnings {
		writeWorkflowCommand(w, "warning", lf.Path, wn.Line, "mfaudit: lockfile warning", safeText(wn.Message))
	}
	return nil
}

func (*githubRenderer) end(w io.Writer, e *ending, _ RenderOptions) error {
	for _, n := range allowlistNotes(e.r) {
		msg := fmt.Sprintf("allowlist entry %q %s (reason: %s)", safeText(n.gem), n.msg, safeText(n.reason))
		writeWorkflowCommand(w, "warning", "", 0, "mfaudit: allowlist entry "+n.state, msg)
	}
	t := e.r.Summary
	if line := registryLine(e.r.Registry); line != "" {
		fmt.Fprintf(w, "mfaudit: %s\n", line)
	}
	fmt.Fprintf(w, "mfaudit: %s; %s\n", summaryLine(t), gateLine(t, e.r.Gate))
	return nil
}

// githubCommand maps a SARIF level to a workflow command.
func githubCommand(level string) string {
	switch level {
	case "error":
		return "error"
	case "warning":
		return "warning"
	}
	return "notice"
}

// writeWorkflowCommand writes "::cmd file=F,line=N,title=T::message",
// leaving out the properties that are empty.
func writeWorkflowCommand(w io.Writer, cmd, file string, line int, title, msg string) {
	var props []string
	if file != "" {
		props = append(props, "file="+escapeProperty(safeText(cleanSlashPath(file))))
		if line > 0 {
			props = append(props, "line="+strconv.Itoa(line))
		}
	}
	if title != "" {
		props = append(props, "title="+escapeProperty(title))
	}
	if len(props) == 0 {
		fmt.Fprintf(w, "::%s::%s\n", cmd, escapeData(msg))
		return
	}
	fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(msg))
}

// escapeData escapes a workflow command's message the way the runner
// unescapes it.
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a workflow command property value; ":" and ","
// would otherwise end the property list or the property.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)
