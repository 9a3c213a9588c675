package pgtest

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// watchdogEnv, when set, makes Main act as the watchdog its value describes
// instead of running tests.
const watchdogEnv = "PGTEST_WATCHDOG"

// watchdogSpec tells the watchdog what to stop and remove.
type watchdogSpec struct {
	Bin, Base string
	Uid, Gid  uint32
	AsUser    bool // run PostgreSQL's programs as Uid:Gid
}

// watchdog is a copy of the test binary that waits for the test binary to
// end. When it does, by exiting normally or by dying, the watchdog's end of
// a pipe reads EOF; if the server's directory still exists then, the
// watchdog stops the server and removes the directory.
type watchdog struct {
	cmd *exec.Cmd
	w   *os.File // the test binary's end of the pipe; closing it releases the watchdog
}

// startWatchdog starts a watchdog for s.
func startWatchdog(s *Server) (*watchdog, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the test binary: %w", err)
	}
	spec := watchdogSpec{Bin: s.bin, Base: s.base}
	if s.cred != nil {
		spec.Uid, spec.Gid, spec.AsUser = s.cred.Uid, s.cred.Gid, true
	}
	js, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("encode the watchdog's spec: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("watchdog pipe: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), watchdogEnv+"="+string(js))
	cmd.ExtraFiles = []*os.File{r} // fd 3
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	// Its own process group: a signal to the test's group (Ctrl-C, a CI
	// runner's cancel) ends the test binary but leaves the watchdog to
	// clean up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	r.Close()
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("start the watchdog: %w", err)
	}
	return &watchdog{cmd: cmd, w: w}, nil
}

// release tells the watchdog that the server is gone and waits for it to
// exit.
func (d *watchdog) release() error {
	d.w.Close()
	if err := d.cmd.Wait(); err != nil {
		return fmt.Errorf("watchdog: %w", err)
	}
	return nil
}

// runWatchdog is the watchdog process's main function.
func runWatchdog(js string) int {
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGPIPE)
	var spec watchdogSpec
	if err := json.Unmarshal([]byte(js), &spec); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest watchdog: bad %s: %v\n", watchdogEnv, err)
		return 2
	}
	pipe := os.NewFile(3, "pgtest-watchdog")
	_, _ = io.Copy(io.Discard, pipe) // returns when the test binary's end closes
	if _, err := os.Stat(spec.Base); err != nil {
		return 0 // the test binary cleaned up
	}
	fmt.Fprintf(os.Stderr, "pgtest watchdog: the test binary ended without stopping PostgreSQL; stopping it and removing %s\n", spec.Base)
	s := &Server{bin: spec.Bin, base: spec.Base, data: spec.Base + "/data"}
	if spec.AsUser {
		s.cred = &syscall.Credential{Uid: spec.Uid, Gid: spec.Gid, Groups: []uint32{}}
	}
	if err := s.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest watchdog: %v\n", err)
		return 1
	}
	return 0
}
