package auth

import (
	"errors"
	"math"
	"net"
	"net/netip"
	"sync"
	"time"
)

// LimiterConfig configures a Limiter. Zero values take the defaults.
type LimiterConfig struct {
	// Free is how many recent failures cost nothing (typos). Default 3.
	Free int `json:"free,omitempty"`
	// Base is the delay after the first failure beyond Free; each further
	// failure doubles it. Default 250ms.
	Base Duration `json:"base,omitempty"`
	// Max caps the delay. Default 10s.
	Max Duration `json:"max,omitempty"`
	// HalfLife is how fast failures are forgiven: a failure counts half
	// after one HalfLife. Default 1m.
	HalfLife Duration `json:"half_life,omitempty"`
	// MaxEntries bounds the memory used for tracking. Default 100000.
	MaxEntries int `json:"max_entries,omitempty"`
	// Now replaces time.Now (tests).
	Now func() time.Time `json:"-"`
}

// Validate checks c.
func (c LimiterConfig) Validate() error {
	if c.Free < 0 || c.Base < 0 || c.Max < 0 || c.HalfLife < 0 || c.MaxEntries < 0 {
		return errors.New("auth: limiter: negative setting")
	}
	return nil
}

func (c LimiterConfig) withDefaults() LimiterConfig {
	if c.Free == 0 {
		c.Free = 3
	}
	if c.Base == 0 {
		c.Base = Duration(250 * time.Millisecond)
	}
	if c.Max == 0 {
		c.Max = Duration(10 * time.Second)
	}
	if c.HalfLife == 0 {
		c.HalfLife = Duration(time.Minute)
	}
	if c.MaxEntries == 0 {
		c.MaxEntries = 100000
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Limiter slows down password guessing. It keeps a failure score per client
// address and per user name that decays exponentially, and turns the larger
// of the two into a delay: none for the first Free failures, then Base,
// doubling per failure, capped at Max. It never refuses outright, so an
// attacker failing on purpose can slow a victim down by at most Max, not
// lock them out.
//
// Use, per authentication attempt:
//
//	d := lim.Delay(addr, user) // before answering the final message,
//	sleep(ctx, d)              // whatever the outcome, else the attacker
//	                           // learns a failure from a slow answer
//	... verify ...
//	lim.Failure(addr, user) or lim.Success(addr, user)
//
// Success resets the user's score but not the address's: otherwise one valid
// account would let an address spray guesses at other users and reset its
// score between them. The address's score decays like any other.
//
// Safe for concurrent use.
type Limiter struct {
	cfg     LimiterConfig
	mu      sync.Mutex
	entries map[string]*limiterEntry
}

type limiterEntry struct {
	score float64
	at    time.Time
}

// NewLimiter returns a Limiter; cfg must be valid.
func NewLimiter(cfg LimiterConfig) *Limiter {
	return &Limiter{cfg: cfg.withDefaults(), entries: map[string]*limiterEntry{}}
}

// Delay returns how long to wait before answering an attempt by user from
// addr ("host:port" or a bare host).
func (l *Limiter) Delay(addr, user string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	s := max(l.score(addrKey(addr), now), l.score(userKey(user), now))
	return l.delayFor(s)
}

// Failure records a failed attempt.
func (l *Limiter) Failure(addr, user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	for _, k := range []string{addrKey(addr), userKey(user)} {
		e := l.entries[k]
		if e == nil {
			if len(l.entries) >= l.cfg.MaxEntries {
				l.prune(now)
			}
			e = &limiterEntry{}
			l.entries[k] = e
		}
		e.score = l.decayed(e, now) + 1
		e.at = now
	}
}

// Success records a successful login: the user's score is cleared.
func (l *Limiter) Success(addr, user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.entries, userKey(user))
}

func (l *Limiter) score(k string, now time.Time) float64 {
	e := l.entries[k]
	if e == nil {
		return 0
	}
	return l.decayed(e, now)
}

func (l *Limiter) decayed(e *limiterEntry, now time.Time) float64 {
	dt := now.Sub(e.at)
	if dt <= 0 {
		return e.score
	}
	return e.score * math.Exp2(-float64(dt)/float64(l.cfg.HalfLife))
}

func (l *Limiter) delayFor(score float64) time.Duration {
	over := score - float64(l.cfg.Free)
	if over <= 0 {
		return 0
	}
	d := float64(l.cfg.Base) * math.Exp2(over-1)
	if d >= float64(l.cfg.Max) {
		return time.Duration(l.cfg.Max)
	}
	return time.Duration(d)
}

// prune drops entries whose score has decayed to nothing; if that is not
// enough it drops arbitrary ones (map order), which only ever forgives.
func (l *Limiter) prune(now time.Time) {
	for k, e := range l.entries {
		if l.decayed(e, now) < 0.01 {
			delete(l.entries, k)
		}
	}
	for k := range l.entries {
		if len(l.entries) < l.cfg.MaxEntries*9/10 {
			break
		}
		delete(l.entries, k)
	}
}

func userKey(u string) string { return "u\x00" + u }

// addrKey groups IPv6 clients by /64, the block one host usually controls.
func addrKey(addr string) string {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap().WithZone("")
		if ip.Is6() {
			p, _ := ip.Prefix(64)
			return "a\x00" + p.String()
		}
		return "a\x00" + ip.String()
	}
	return "a\x00" + host
}
