package lru

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBoundAndOrder(t *testing.T) {
	c := New[int](1000)
	var dropped []int
	c.OnDrop = func(v int) { dropped = append(dropped, v) }
	for i := range 10 {
		if !c.Put(fmt.Sprint(i), i, 300) {
			t.Fatalf("put %d refused", i)
		}
		if i == 4 {
			if _, ok := c.Get("3"); !ok { // 3 becomes the most recently used
				t.Fatal("3 missing")
			}
		}
	}
	if st := c.Stats(); st.Items != 3 || st.Bytes != 900 || st.Hits != 1 {
		t.Fatalf("stats %+v, want 3 items, 900 bytes, 1 hit", st)
	}
	for _, k := range []string{"7", "8", "9"} {
		if _, ok := c.Get(k); !ok {
			t.Fatalf("%s evicted", k)
		}
	}
	if fmt.Sprint(dropped) != "[0 1 2 4 3 5 6]" {
		t.Fatalf("dropped %v", dropped)
	}
	if c.Put("big", 99, 1001) {
		t.Fatal("a value over the bound was kept")
	}
	if _, ok := c.Get("big"); ok {
		t.Fatal("big kept")
	}
	// Replacing a key drops the old value and keeps the size right.
	c.Put("9", 90, 100)
	if v, _ := c.Get("9"); v != 90 {
		t.Fatalf("9 = %d", v)
	}
	if st := c.Stats(); st.Bytes != 700 || st.Misses != 1 {
		t.Fatalf("after replacing: %+v", st)
	}
}

func TestOnGetUnderConcurrentDrops(t *testing.T) {
	c := New[*int](3)
	refs := map[*int]int{}
	var mu sync.Mutex // guards refs (the hooks run under the cache's lock, the readers outside it)
	c.OnGet = func(v *int) { mu.Lock(); refs[v]++; mu.Unlock() }
	c.OnDrop = func(v *int) { mu.Lock(); refs[v]--; mu.Unlock() }
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				k := fmt.Sprint((i + g) % 5)
				if v, ok := c.Get(k); ok {
					mu.Lock()
					if refs[v] < 1 {
						t.Errorf("a value read with no reference")
					}
					refs[v]--
					mu.Unlock()
					continue
				}
				v := new(int)
				mu.Lock()
				refs[v] = 1 // the cache's
				mu.Unlock()
				c.Put(k, v, 1)
			}
		})
	}
	wg.Wait()
	if st := c.Stats(); st.Items != 3 || st.Hits+st.Misses != 800 {
		t.Fatalf("stats %+v", st)
	}
}

// Peek neither counts nor reorders; Delete frees the item's size and runs
// OnDrop.
func TestPeekAndDelete(t *testing.T) {
	c := New[string](30)
	var dropped []string
	c.OnDrop = func(v string) { dropped = append(dropped, v) }
	c.Put("a", "A", 10)
	c.Put("b", "B", 10)
	if v, ok := c.Peek("a"); !ok || v != "A" {
		t.Fatalf("Peek(a) = %q, %v", v, ok)
	}
	if _, ok := c.Peek("z"); ok {
		t.Fatal("Peek of a missing key found something")
	}
	if st := c.Stats(); st.Hits != 0 || st.Misses != 0 {
		t.Fatalf("Peek counted lookups: %+v", st)
	}
	// a was peeked, not used: it is still the least recently used.
	c.Put("c", "C", 10)
	c.Put("d", "D", 10)
	if c.Contains("a") || !c.Contains("b") {
		t.Fatalf("after a fourth item: a kept %v, b kept %v", c.Contains("a"), c.Contains("b"))
	}
	c.Delete("c")
	c.Delete("nope")
	if st := c.Stats(); st.Items != 2 || st.Bytes != 20 || c.Contains("c") {
		t.Fatalf("after Delete: %+v", st)
	}
	if strings.Join(dropped, ",") != "A,C" {
		t.Fatalf("dropped %v, want A then C", dropped)
	}
}

// Values nobody asks for leave after MaxIdle, whatever room is left;
// values in use stay.
func TestMaxIdle(t *testing.T) {
	c := New[int](1 << 20)
	c.MaxIdle = time.Minute
	now := time.Unix(0, 0)
	c.now = func() time.Time { return now }
	var dropped []int
	c.OnDrop = func(v int) { dropped = append(dropped, v) }
	for i := range 5 {
		c.Put(fmt.Sprint(i), i, 10)
		now = now.Add(10 * time.Second)
	}
	// At 50 s: 0 was put 50 s ago. Asking for it keeps it.
	if _, ok := c.Get("0"); !ok {
		t.Fatal("0 dropped early")
	}
	now = now.Add(35 * time.Second) // 85 s: 1 (put at 10 s) and 2 (20 s) are idle past a minute
	c.Put("5", 5, 10)
	if fmt.Sprint(dropped) != "[1 2]" {
		t.Fatalf("dropped %v, want [1 2]", dropped)
	}
	// A miss expires too: at 210 s everything is idle but nothing is put.
	now = now.Add(125 * time.Second)
	if _, ok := c.Get("none"); ok {
		t.Fatal("none found")
	}
	if st := c.Stats(); st.Items != 0 || st.Bytes != 0 {
		t.Fatalf("after every value idled out: %+v", st)
	}
	// Without MaxIdle nothing idles out.
	d := New[int](100)
	d.now = func() time.Time { return now }
	d.Put("a", 1, 10)
	now = now.Add(time.Hour)
	if _, ok := d.Get("a"); !ok {
		t.Fatal("a dropped without MaxIdle")
	}
}
