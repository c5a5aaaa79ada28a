package main

// The C allocators' own figures, to tell memory DuckDB holds from memory
// an allocator keeps after it was freed: glibc's mallinfo2 (C++ objects,
// most of DuckDB's catalog and strings) and the jemalloc DuckDB links
// (its buffer manager's blocks).

/*
#include <malloc.h>
#include <stdint.h>
#include <stddef.h>
int duckdb_je_mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);
static void mallocStats(size_t *inuse, size_t *freed) {
	struct mallinfo2 m = mallinfo2();
	*inuse = m.uordblks + m.hblkhd;
	*freed = m.fordblks;
}
static size_t jeStat(const char *name) {
	size_t v = 0, sz = sizeof(v);
	if (duckdb_je_mallctl(name, &v, &sz, NULL, 0) != 0) return 0;
	return v;
}
static void jeStats(size_t *allocated, size_t *resident, size_t *retained) {
	uint64_t epoch = 1; size_t sz = sizeof(epoch);
	duckdb_je_mallctl("epoch", &epoch, &sz, &epoch, sz);
	*allocated = jeStat("stats.allocated");
	*resident = jeStat("stats.resident");
	*retained = jeStat("stats.retained");
}
*/
import "C"

// mallocMiB returns glibc's heap in use and the freed bytes it still keeps,
// in MiB.
func mallocMiB() (inuse, freed float64) {
	var u, f C.size_t
	C.mallocStats(&u, &f)
	return float64(u) / (1 << 20), float64(f) / (1 << 20)
}

// jemallocMiB returns jemalloc's allocated and resident bytes, in MiB.
func jemallocMiB() (allocated, resident float64) {
	var a, r, x C.size_t
	C.jeStats(&a, &r, &x)
	return float64(a) / (1 << 20), float64(r) / (1 << 20)
}
