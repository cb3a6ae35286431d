//go:build !unix

package sesemu

import "os/exec"

// setProcAttr does nothing on systems without process groups.
func setProcAttr(*exec.Cmd) {}

// terminate kills the emulator process.
func terminate(cmd *exec.Cmd, _ bool) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// lockInstall does not lock on systems without flock.
func lockInstall(string) (func(), error) { return func() {}, nil }
