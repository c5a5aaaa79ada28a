package auth

import (
	"context"
	"errors"
	"math"
	"net"
	"net/netip"
	"sync"
	"time"
)

// ErrTooManyAttempts: an attempt would have had to wait longer than
// LimiterConfig.Max for its turn (others for the same user and address
// are queued ahead of it). Its credentials were not checked; server/ answers
// it exactly like a wrong password.
var ErrTooManyAttempts = errors.New("auth: too many attempts for this user from this address; credentials not checked")

// LimiterConfig configures a Limiter. Zero values take the defaults.
type LimiterConfig struct {
	// Free is how many recent failures of one user from one address cost
	// nothing (typos). Default 3.
	Free int `json:"free,omitempty"`
	// Base is the delay after the first failure beyond Free; each further
	// failure doubles it. Default 250ms.
	Base Duration `json:"base,omitempty"`
	// Max caps the delay, and the wait for a turn: an attempt whose turn is
	// further away than Max fails unchecked (ErrTooManyAttempts). Keep it
	// below the server's authentication timeout. Default 5s.
	Max Duration `json:"max,omitempty"`
	// HalfLife is how fast failures are forgiven: a failure counts half
	// after one HalfLife. Default 1m.
	HalfLife Duration `json:"half_life,omitempty"`
	// FreeNames is how many different user names may fail from one address
	// (recently, decaying like failures) before trying one more name costs
	// a delay (Base, doubling, capped at Max). Default 10.
	FreeNames int `json:"free_names,omitempty"`
	// Trust is how long a successful login exempts that user, from that
	// address, from the address's name budget. Default 24h.
	Trust Duration `json:"trust,omitempty"`
	// MaxEntries bounds the memory used for tracking. Default 100000.
	MaxEntries int `json:"max_entries,omitempty"`
	// Now replaces time.Now (tests).
	Now func() time.Time `json:"-"`
}

// Validate checks c.
func (c LimiterConfig) Validate() error {
	if c.Free < 0 || c.Base < 0 || c.Max < 0 || c.HalfLife < 0 || c.FreeNames < 0 || c.Trust < 0 || c.MaxEntries < 0 {
		return errors.New("auth: limiter: negative setting")
	}
	return nil
}

// DefaultLimiterMax is LimiterConfig.Max's default: half of the server's
// default authentication timeout (10 s), so a delayed login still finishes.
const DefaultLimiterMax = 5 * time.Second

func (c LimiterConfig) withDefaults() LimiterConfig {
	if c.Free == 0 {
		c.Free = 3
	}
	if c.Base == 0 {
		c.Base = Duration(250 * time.Millisecond)
	}
	if c.Max == 0 {
		c.Max = Duration(DefaultLimiterMax)
	}
	if c.HalfLife == 0 {
		c.HalfLife = Duration(time.Minute)
	}
	if c.FreeNames == 0 {
		c.FreeNames = 10
	}
	if c.Trust == 0 {
		c.Trust = Duration(24 * time.Hour)
	}
	if c.MaxEntries == 0 {
		c.MaxEntries = 100000
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Limiter slows down password guessing without slowing down anyone else.
//
// Failures are counted per (user name, client address), IPv6 addresses
// grouped by /64: the score decays exponentially (HalfLife) and turns into
// the spacing between attempts for that pair: none for the first Free
// failures, then Base, doubling per failure, capped at Max. So another
// user's failures, even from the same address (a NAT, a load balancer),
// never delay a login, and one user's failures from one address never
// delay that user elsewhere.
//
// Attempts for one pair take turns: each reserves the next slot, spaced as
// if every attempt still in flight had failed, and waits for it; an attempt
// whose slot lies more than Max ahead fails unchecked (ErrTooManyAttempts).
// Parallel connections therefore share one budget: in a long attack the
// pair gets at most one checked guess per Max, plus a burst of
// Free+1+ceil(log2(Max/Base)) at the start (see GuessBound).
//
// Trying many user names from one address would get Free free guesses per
// name. Each address therefore also has a name budget: the first failure of
// a (name, address) pair with no recent failures counts against the address,
// and beyond FreeNames such names an attempt on a new name waits for the
// address's turn too (Base doubling, capped at Max, shared by parallel
// attempts the same way). Only pairs that logged in successfully within
// Trust are exempt, so a known user behind a NAT is not slowed by a sprayer;
// a user logging in for the first time from that address may be, by at
// most Max.
//
// None of this depends on whether an account exists: unknown names are
// treated exactly like known ones that fail (the exemption needs a correct
// password), so delays and answers do not reveal accounts.
//
// Use, per authentication attempt, before checking the final message:
//
//	att, err := lim.Begin(ctx, addr, user) // waits for the pair's turn
//	if err != nil { fail like a wrong password }
//	... verify ...
//	att.Done(ok)
//
// Safe for concurrent use.
type Limiter struct {
	cfg     LimiterConfig
	mu      sync.Mutex
	entries map[string]*limiterEntry
}

// limiterEntry is the state of one (user, address) pair or one address's
// name budget.
type limiterEntry struct {
	score   float64   // failures, decayed to at
	at      time.Time // when score was last updated
	next    time.Time // the slot of the latest admitted attempt
	pending int       // admitted attempts without an outcome yet
	trusted time.Time // a success exempts the pair from the name budget until then
}

// NewLimiter returns a Limiter; cfg must be valid.
func NewLimiter(cfg LimiterConfig) *Limiter {
	return &Limiter{cfg: cfg.withDefaults(), entries: map[string]*limiterEntry{}}
}

// Attempt is an admitted authentication attempt; report its outcome with
// Done.
type Attempt struct {
	l          *Limiter
	pair, addr string
	name       bool // counted against the address's name budget
	done       bool
	// Wait is how long the attempt waited (or, from Reserve, must wait)
	// for its turn.
	Wait time.Duration
}

// Begin reserves the next turn for user from addr ("host:port" or a bare
// host) and waits for it. It fails with ErrTooManyAttempts, without
// waiting, when the turn is more than Max away, and with ctx's error when
// ctx ends first (the turn stays spent).
func (l *Limiter) Begin(ctx context.Context, addr, user string) (*Attempt, error) {
	a, err := l.Reserve(addr, user)
	if err != nil {
		return nil, err
	}
	if a.Wait > 0 {
		t := time.NewTimer(a.Wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			a.Done(false)
			return nil, ctx.Err()
		}
	}
	return a, nil
}

// Reserve is Begin without the wait: the caller waits a.Wait.
func (l *Limiter) Reserve(addr, user string) (*Attempt, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	ak := addrKey(addr)
	pk := pairKey(user, ak)
	p := l.entry(pk, now)
	slot := later(now, p.next).Add(l.delayFor(l.decayed(p, now)+float64(p.pending), l.cfg.Free))
	// A pair without a failure within about a half-life is a new name for
	// the address (a trusted pair is not: it proved its password).
	name := p.pending == 0 && l.decayed(p, now) < 0.5 && !now.Before(p.trusted)
	var a *limiterEntry
	if name {
		a = l.entry(ak, now)
		if as := later(now, a.next).Add(l.delayFor(l.decayed(a, now)+float64(a.pending), l.cfg.FreeNames)); as.After(slot) {
			slot = as
		}
	}
	wait := slot.Sub(now)
	if wait > time.Duration(l.cfg.Max) {
		return nil, ErrTooManyAttempts
	}
	p.next, p.pending = slot, p.pending+1
	if a != nil {
		a.next, a.pending = slot, a.pending+1
	}
	return &Attempt{l: l, pair: pk, addr: ak, name: name, Wait: wait}, nil
}

// Waited is a.Wait, 0 for a nil Attempt (no limiter).
func (a *Attempt) Waited() time.Duration {
	if a == nil {
		return 0
	}
	return a.Wait
}

// Done records the outcome: ok means the credentials were right. A failure
// counts for the pair (and, for a new name, for the address's name budget);
// a success clears the pair's failures and trusts it for Trust. Calls after
// the first do nothing.
func (a *Attempt) Done(ok bool) {
	if a == nil || a.done {
		return
	}
	a.done = true
	l := a.l
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	p := l.entry(a.pair, now)
	p.pending = max(0, p.pending-1)
	if ok {
		p.score, p.at, p.next = 0, now, time.Time{}
		p.trusted = now.Add(time.Duration(l.cfg.Trust))
	} else {
		p.score, p.at = l.decayed(p, now)+1, now
	}
	if a.name {
		e := l.entry(a.addr, now)
		e.pending = max(0, e.pending-1)
		if !ok {
			e.score, e.at = l.decayed(e, now)+1, now
		}
	}
}

// GuessBound is how many attempts for one (user, address) pair can have
// their credentials checked within d, failing all along, whatever the
// parallelism. It plays the best attacker: starting from no failures, each
// attempt checked at the earliest turn the limiter gives (parallel
// connections only reserve those same turns earlier, and their pending
// attempts count without decaying, which is worse for them; pausing lets
// the score decay but costs more time than it saves). With the defaults:
// 4 free, 5 on the doubling ramp within about 8 s, then one per Max (5 s):
// 0.2 guesses/s, 17,280 a day, per pair.
func (c LimiterConfig) GuessBound(d time.Duration) int {
	l := NewLimiter(c)
	var t time.Duration
	score, n := 0.0, 0
	for {
		step := l.delayFor(score, l.cfg.Free)
		if t+step > d {
			return n
		}
		t += step
		score = score*math.Exp2(-float64(step)/float64(l.cfg.HalfLife)) + 1
		n++
	}
}

func (l *Limiter) entry(k string, now time.Time) *limiterEntry {
	e := l.entries[k]
	if e == nil {
		if len(l.entries) >= l.cfg.MaxEntries {
			l.prune(now)
		}
		e = &limiterEntry{at: now}
		l.entries[k] = e
	}
	return e
}

func (l *Limiter) decayed(e *limiterEntry, now time.Time) float64 {
	dt := now.Sub(e.at)
	if dt <= 0 {
		return e.score
	}
	return e.score * math.Exp2(-float64(dt)/float64(l.cfg.HalfLife))
}

// delayFor is the spacing after score failures when free of them cost
// nothing.
func (l *Limiter) delayFor(score float64, free int) time.Duration {
	over := score - float64(free)
	if over <= 0 {
		return 0
	}
	d := float64(l.cfg.Base) * math.Exp2(over-1)
	if d >= float64(l.cfg.Max) {
		return time.Duration(l.cfg.Max)
	}
	return time.Duration(d)
}

// prune drops entries that no longer matter: score decayed to nothing, no
// attempt in flight or queued, no trust. If that is not enough it drops
// arbitrary idle ones (map order), which only ever forgives (or forgets a
// trust, costing that pair at most the name budget's delay).
func (l *Limiter) prune(now time.Time) {
	idle := func(e *limiterEntry) bool { return e.pending == 0 && !e.next.After(now) }
	for k, e := range l.entries {
		if idle(e) && l.decayed(e, now) < 0.01 && !now.Before(e.trusted) {
			delete(l.entries, k)
		}
	}
	for k, e := range l.entries {
		if len(l.entries) < l.cfg.MaxEntries*9/10 {
			break
		}
		if idle(e) {
			delete(l.entries, k)
		}
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// pairKey keeps at most 256 bytes of the name so that made-up long names
// cannot make the table big (longer names can only share a budget).
func pairKey(user, addrKey string) string {
	if len(user) > 256 {
		user = user[:256]
	}
	return "p\x00" + user + "\x00" + addrKey
}

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
