package session

import (
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// The allocator hands back freed buffers of the same size class, zeroed
// and aligned, keeps no more than its bound, and its builders' arrays
// hold what was appended across batches that reuse the same memory.
func TestCopyAllocatorReuse(t *testing.T) {
	a := newCopyAllocator(1 << 20)
	b := a.Allocate(1000)
	if len(b) != 1000 || cap(b) != 1024 || uintptr(unsafe.Pointer(&b[0]))%copyAlign != 0 {
		t.Fatalf("len %d cap %d addr %p", len(b), cap(b), &b[0])
	}
	for i := range b {
		b[i] = 0xff
	}
	a.Free(b)
	c := a.Allocate(600)
	if &c[0] != &b[0] {
		t.Fatal("a freed buffer of the class was not reused")
	}
	for i, v := range c {
		if v != 0 {
			t.Fatalf("reused byte %d is %#x, want 0", i, v)
		}
	}
	c[0] = 7
	d := a.Reallocate(900, c)
	if &d[0] != &c[0] || len(d) != 900 || d[0] != 7 || d[899] != 0 {
		t.Fatalf("reallocate within capacity: len %d first %d last %d", len(d), d[0], d[899])
	}
	e := a.Reallocate(5000, d)
	if len(e) != 5000 || e[0] != 7 || e[4999] != 0 || a.held != 1024 {
		t.Fatalf("reallocate beyond capacity: len %d first %d, held %d", len(e), e[0], a.held)
	}
	// the bound: a buffer that would exceed it is left to the GC
	a.Free(a.Allocate(1 << 20))
	if a.held != 1024 {
		t.Fatalf("held %d bytes past the bound of %d", a.held, a.maxHeld)
	}
	if len(a.Allocate(0)) != 0 {
		t.Fatal("a zero-size allocation has bytes")
	}

	bld := array.NewInt64Builder(a)
	defer bld.Release()
	for batch := 0; batch < 3; batch++ {
		bld.Reserve(100)
		for i := 0; i < 100; i++ {
			if i%7 == 0 {
				bld.AppendNull()
			} else {
				bld.Append(int64(batch*1000 + i))
			}
		}
		arr := bld.NewInt64Array()
		for i := 0; i < 100; i++ {
			if arr.IsNull(i) != (i%7 == 0) || (!arr.IsNull(i) && arr.Value(i) != int64(batch*1000+i)) {
				t.Fatalf("batch %d row %d: null %v value %d", batch, i, arr.IsNull(i), arr.Value(i))
			}
		}
		arr.Release()
	}
}
