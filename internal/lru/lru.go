// Package lru is a cache of values by key, bounded by the sum of the sizes
// the caller gives them, that drops the least recently used first.
package lru

import (
	"container/list"
	"sync"
	"time"
)

// Cache is safe for concurrent use.
type Cache[V any] struct {
	// OnGet, when set, runs on a value Get returns, under the cache's
	// lock: a caller that must keep the value usable after an eviction
	// takes its reference here.
	OnGet func(V)
	// OnDrop, when set, runs on a value the cache lets go (evicted or
	// replaced), under the cache's lock.
	OnDrop func(V)
	// MaxIdle, when positive, drops a value nobody has asked for (Get) or
	// put for that long, at the cache's next Get or Put: a cache whose
	// keys move on (a table's superseded snapshots, one-off lookups)
	// holds what is still in use, not whatever filled it up to its bound.
	MaxIdle time.Duration
	now     func() time.Time // time.Now; tests set it

	mu           sync.Mutex
	max, size    int64
	order        *list.List // of *item[V], most recent first
	byKey        map[string]*list.Element
	hits, misses int64
}

type item[V any] struct {
	key  string
	size int64
	v    V
	used time.Time // last Put or Get, when MaxIdle is set
}

// Stats describe a cache.
type Stats struct {
	Hits, Misses int64 // lookups since the cache was made
	Items        int
	Bytes        int64 // the sum of the items' sizes
}

// New returns a cache holding at most maxBytes (the sum of the sizes given
// to Put).
func New[V any](maxBytes int64) *Cache[V] {
	return &Cache[V]{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// Max is the bound New was given.
func (c *Cache[V]) Max() int64 { return c.max }

// Get returns the value kept for key, and makes it the most recently used.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		c.misses++
		if c.MaxIdle > 0 {
			c.expire(c.clock())
		}
		var zero V
		return zero, false
	}
	c.hits++
	c.order.MoveToFront(el)
	it := el.Value.(*item[V])
	if c.MaxIdle > 0 {
		it.used = c.clock()
		defer c.expire(it.used)
	}
	if c.OnGet != nil {
		c.OnGet(it.v)
	}
	return it.v, true
}

// Contains reports whether key has a value, without counting a lookup or
// making it recently used.
func (c *Cache[V]) Contains(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.byKey[key]
	return ok
}

// Peek returns the value kept for key without counting a lookup or making
// it recently used.
func (c *Cache[V]) Peek(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		return el.Value.(*item[V]).v, true
	}
	var zero V
	return zero, false
}

// Delete drops the value kept for key, if any.
func (c *Cache[V]) Delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
}

// Put keeps v for key with the given size, replacing what key had, and
// drops the least recently used values until the bound holds. It reports
// false, keeping nothing, when size alone is over the bound.
func (c *Cache[V]) Put(key string, v V, size int64) bool {
	if size > c.max {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
	it := &item[V]{key: key, size: size, v: v}
	c.byKey[key] = c.order.PushFront(it)
	c.size += size
	for c.size > c.max {
		c.remove(c.order.Back())
	}
	if c.MaxIdle > 0 {
		it.used = c.clock()
		c.expire(it.used)
	}
	return true
}

// expire drops the values idle for longer than MaxIdle (c.mu held). The
// list is in order of use, so they are at its back.
func (c *Cache[V]) expire(now time.Time) {
	for el := c.order.Back(); el != nil; el = c.order.Back() {
		if now.Sub(el.Value.(*item[V]).used) <= c.MaxIdle {
			return
		}
		c.remove(el)
	}
}

func (c *Cache[V]) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

func (c *Cache[V]) remove(el *list.Element) {
	it := c.order.Remove(el).(*item[V])
	delete(c.byKey, it.key)
	c.size -= it.size
	if c.OnDrop != nil {
		c.OnDrop(it.v)
	}
}

// Stats reports the cache's lookups and contents.
func (c *Cache[V]) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Hits: c.hits, Misses: c.misses, Items: len(c.byKey), Bytes: c.size}
}
