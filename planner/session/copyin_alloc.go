package session

import (
	"math/bits"
	"sync"
	"unsafe"
)

// copyAllocator is the memory.Allocator of one COPY's Arrow builders. Each
// batch of a COPY needs buffers of the sizes the previous one had, and
// frees them once the Parquet writer has taken the rows (the writer's
// threads release the batches): keeping the freed buffers for the next
// batch spares the Go allocator a large zeroed allocation per column and
// batch, and the garbage collector their sweep and scavenging (an eighth of
// a CSV COPY's samples, BENCHMARKS.md). Buffers come in power-of-two sizes,
// 64-byte aligned as Arrow's own allocator gives them; at most maxHeld
// bytes are kept, the rest left to the garbage collector. It lives as long
// as its COPY.
type copyAllocator struct {
	mu      sync.Mutex
	free    [64][][]byte // by size class: cap 1<<class
	held    int
	maxHeld int
}

const copyAlign = 64

func newCopyAllocator(maxHeld int) *copyAllocator { return &copyAllocator{maxHeld: maxHeld} }

// Allocate returns size zeroed bytes.
func (a *copyAllocator) Allocate(size int) []byte {
	if size <= 0 {
		return []byte{}
	}
	class := bits.Len(uint(size - 1))
	a.mu.Lock()
	if n := len(a.free[class]); n > 0 {
		buf := a.free[class][n-1]
		a.free[class][n-1] = nil
		a.free[class] = a.free[class][:n-1]
		a.held -= cap(buf)
		a.mu.Unlock()
		buf = buf[:size]
		clear(buf)
		return buf
	}
	a.mu.Unlock()
	raw := make([]byte, 1<<class+copyAlign)
	off := 0
	if r := int(uintptr(unsafe.Pointer(&raw[0])) % copyAlign); r != 0 {
		off = copyAlign - r
	}
	return raw[off : off+size : off+1<<class]
}

// Reallocate grows or shrinks b to size bytes, keeping its contents; the
// bytes added are zero.
func (a *copyAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := a.Allocate(size)
	copy(nb, b)
	a.Free(b)
	return nb
}

// Free keeps b for a later Allocate of its size class.
func (a *copyAllocator) Free(b []byte) {
	c := cap(b)
	if c == 0 || c&(c-1) != 0 {
		return // not one of ours (an empty buffer)
	}
	class := bits.Len(uint(c)) - 1
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.held+c > a.maxHeld {
		return
	}
	a.free[class] = append(a.free[class], b[:c])
	a.held += c
}
