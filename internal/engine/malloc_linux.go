//go:build linux && cgo

package engine

/*
#define _GNU_SOURCE
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// arena_max is how many glibc arenas DuckDB's threads share: one per core
// this process may use, at least two and at most eight (glibc's default is
// eight per core).
static int arena_max(void) {
	cpu_set_t set;
	int n = 2;
	if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
	return n < 2 ? 2 : n > 8 ? 8 : n;
}

// cap_arenas runs when the program loads, before any thread allocates:
// glibc fixes its arena limit once a few arenas exist, so a mallopt from
// Go's init would come too late. An operator's MALLOC_ARENA_MAX wins.
__attribute__((constructor)) static void cap_arenas(void) {
	if (getenv("MALLOC_ARENA_MAX") == NULL) mallopt(M_ARENA_MAX, arena_max());
}

// heap_arenas counts the arenas glibc's malloc_info reports.
static int heap_arenas(void) {
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL) return -1;
	malloc_info(0, f);
	fclose(f);
	int n = 0;
	for (char *p = buf; (p = strstr(p, "<heap nr=")) != NULL; p++) n++;
	free(buf);
	return n;
}

// touch_heap allocates and frees on the calling thread, which gives the
// thread an arena.
static void touch_heap(void) { free(malloc(64)); }
*/
import "C"

// DuckDB's C++ objects (catalogs, Parquet footers, plans) live on glibc's
// heap; its column data on the jemalloc it links. glibc gives each thread
// that finds the arenas busy an arena of its own, up to eight per core,
// and every arena keeps the pages its frees leave between live chunks:
// bench/soak's engines, opened and closed on many threads, left glibc
// holding 76 -> 120 MiB free in 10 minutes (2 arenas: 4 -> 35 MiB, RSS
// flat). cap_arenas above caps them.

// TrimCHeap returns the C heap's free pages to the system (glibc's
// malloc_trim). A closed database frees its catalog and Parquet footers
// into glibc's arenas, which keep the pages: bench/soak saw them grow by
// 60 MiB in 10 minutes of engines closing and opening.
func TrimCHeap() { C.malloc_trim(0) }

// arenaMax is the cap on glibc's arenas set at load.
func arenaMax() int { return int(C.arena_max()) }

// heapArenas is how many arenas glibc's heap has (-1 if unknown).
func heapArenas() int { return int(C.heap_arenas()) }

// touchHeap makes the calling OS thread allocate from glibc's heap.
func touchHeap() { C.touch_heap() }
