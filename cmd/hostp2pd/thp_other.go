//go:build !linux

package main

// noHugePages: transparent huge pages are a Linux matter.
func noHugePages() error { return nil }
