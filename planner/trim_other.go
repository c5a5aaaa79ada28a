//go:build !linux || !cgo

package planner

// trimCHeap does nothing where glibc's malloc_trim is not available.
func trimCHeap() {}
