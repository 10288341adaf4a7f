package main

import "syscall"

const (
	sigHUP  = syscall.SIGHUP
	sigTERM = syscall.SIGTERM
)
