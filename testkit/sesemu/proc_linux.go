//go:build linux

package sesemu

import "syscall"

// setDeathSignal asks the kernel to SIGKILL the emulator when the process
// that started it exits, so that a crashed or killed test leaves nothing
// behind.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
