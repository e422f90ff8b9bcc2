package main

import "syscall"

// benchServerAttr makes the kernel stop the bench server when the
// benchmark's process dies, so that an interrupted run leaves no server
// holding its ports.
func benchServerAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
