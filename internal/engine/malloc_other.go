//go:build !linux || !cgo

package engine

// TrimCHeap does nothing where glibc's malloc_trim is not available.
func TrimCHeap() {}
