//go:build !linux

package main

import "syscall"

func benchServerAttr() *syscall.SysProcAttr { return nil }
