//go:build unix

package sesemu

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// setProcAttr puts the emulator in its own process group (so that Stop can
// kill it with anything it started) and, on Linux, has the kernel kill it if
// the test process dies first.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(cmd.SysProcAttr)
}

// terminate signals the emulator's process group: SIGTERM, or SIGKILL when
// hard is set.
func terminate(cmd *exec.Cmd, hard bool) {
	if cmd.Process == nil {
		return
	}
	sig := syscall.SIGTERM
	if hard {
		sig = syscall.SIGKILL
	}
	// The group ID is the child's PID (Setpgid with Pgid 0).
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
		_ = cmd.Process.Signal(sig)
	}
}

// lockInstall takes an exclusive lock on <root>/.run/sesemu-install.lock and
// returns its release function.
func lockInstall(root string) (func(), error) {
	dir := filepath.Join(root, ".run")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, errorf("install lock: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "sesemu-install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, errorf("install lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return nil, errorf("install lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
