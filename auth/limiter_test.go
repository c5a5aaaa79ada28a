package auth

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// try is one serial attempt: reserve, (pretend to) wait, report.
func try(t *testing.T, l *Limiter, clk *clock, addr, user string, ok bool) time.Duration {
	t.Helper()
	a, err := l.Reserve(addr, user)
	if err != nil {
		t.Fatalf("%s@%s: %v", user, addr, err)
	}
	clk.Add(a.Wait)
	a.Done(ok)
	return a.Wait
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	clk := &clock{t: testNow}
	l := NewLimiter(LimiterConfig{
		Free: 3, Base: Duration(100 * time.Millisecond), Max: Duration(time.Second),
		HalfLife: Duration(time.Minute), Now: clk.Now,
	})
	const addr = "10.0.0.1:5555"
	var got []time.Duration
	for i := 0; i < 9; i++ {
		got = append(got, try(t, l, clk, addr, "alice", false))
	}
	// The waits follow the score, which decays a little while waiting.
	want := []time.Duration{0, 0, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second}
	for i := range want {
		if d := got[i] - want[i]; d < -want[i]/20 || d > 0 {
			t.Fatalf("waits = %v, want about %v", got, want)
		}
	}
	// Another user from the same host (another port) is not slowed down,
	// nor alice from another host.
	for _, c := range []struct{ addr, user string }{{"10.0.0.1:6000", "bob"}, {"10.9.9.9:1", "alice"}} {
		if d := try(t, l, clk, c.addr, c.user, true); d != 0 {
			t.Errorf("%s from %s waits %v", c.user, c.addr, d)
		}
	}
	if d := try(t, l, clk, addr, "alice", false); d != time.Second {
		t.Errorf("capped wait = %v", d)
	}
	// Decay: 10 failures (a little less: they decayed while waiting) halve
	// to about 5 after a minute -> 2 over Free ->
	// 100ms * 2^1.
	clk.Add(time.Minute)
	if d := try(t, l, clk, addr, "alice", false); d < 170*time.Millisecond || d > 200*time.Millisecond {
		t.Errorf("after one half-life: %v", d)
	}
	clk.Add(10 * time.Minute)
	if d := try(t, l, clk, addr, "alice", true); d != 0 {
		t.Errorf("after ten half-lives: %v", d)
	}
}

// Parallel attempts of one pair share its budget: each reserves the next
// turn as if those still in flight had failed, and one whose turn is more
// than Max away fails unchecked.
func TestLimiterParallelShareBudget(t *testing.T) {
	t.Parallel()
	clk := &clock{t: testNow}
	cfg := LimiterConfig{Free: 3, Base: Duration(100 * time.Millisecond), Max: Duration(time.Second), Now: clk.Now}
	l := NewLimiter(cfg)
	var waits []time.Duration
	var held []*Attempt
	refused := 0
	for i := 0; i < 20; i++ {
		a, err := l.Reserve("10.0.0.1:1", "alice")
		if errors.Is(err, ErrTooManyAttempts) {
			refused++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		waits = append(waits, a.Wait)
		held = append(held, a)
	}
	// 4 free, then turns 100, 300, 700 ms ahead; 1.5 s is beyond Max.
	want := []time.Duration{0, 0, 0, 0, 100 * time.Millisecond, 300 * time.Millisecond, 700 * time.Millisecond}
	if fmt.Sprint(waits) != fmt.Sprint(want) || refused != 13 {
		t.Fatalf("waits %v (%d refused), want %v (13 refused)", waits, refused, want)
	}
	// Another user from the same address is not queued behind them.
	if a, err := l.Reserve("10.0.0.1:2", "bob"); err != nil || a.Wait != 0 {
		t.Fatalf("bob: %v %v", a, err)
	}
	for _, a := range held {
		a.Done(false)
		a.Done(false) // idempotent
	}
	if p := l.entries[pairKey("alice", addrKey("10.0.0.1"))]; p.pending != 0 || p.score != 7 {
		t.Fatalf("pair after the outcomes: %+v", p)
	}
	// At the last turn, the next is spaced by the 7 failures' delay (800
	// ms, decayed a little).
	clk.Add(700 * time.Millisecond)
	if a, err := l.Reserve("10.0.0.1:1", "alice"); err != nil || a.Wait <= 700*time.Millisecond || a.Wait > 800*time.Millisecond {
		t.Fatalf("after the burst: %v %v", a, err)
	}
}

// Begin waits for the turn and gives it up when the context ends.
func TestLimiterBegin(t *testing.T) {
	t.Parallel()
	l := NewLimiter(LimiterConfig{Free: 1, Base: Duration(time.Second), Max: Duration(2 * time.Second)})
	for i := 0; i < 2; i++ {
		a, err := l.Begin(context.Background(), "10.0.0.1", "alice")
		if err != nil || a.Wait != 0 {
			t.Fatalf("free attempt %d: %v %v", i, a, err)
		}
		a.Done(false)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.Begin(ctx, "10.0.0.1", "alice"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Begin past the deadline: %v", err)
	}
	if p := l.entries[pairKey("alice", addrKey("10.0.0.1"))]; p.pending != 0 || p.score < 2.9 {
		t.Fatalf("an abandoned turn counts as a failure: %+v", p)
	}
}

func TestLimiterSuccess(t *testing.T) {
	t.Parallel()
	clk := &clock{t: testNow}
	l := NewLimiter(LimiterConfig{Free: 1, Base: Duration(time.Second), Max: Duration(time.Minute), Now: clk.Now})
	for i := 0; i < 5; i++ {
		try(t, l, clk, "10.0.0.1:1", "alice", false)
	}
	if d := try(t, l, clk, "10.0.0.1:1", "alice", true); d == 0 {
		t.Error("a right password after failures is not delayed")
	}
	if d := try(t, l, clk, "10.0.0.1:1", "alice", false); d != 0 {
		t.Errorf("pair score not reset by success: %v", d)
	}
}

// Trying many names from one address costs a delay beyond FreeNames new
// names, but not for a user who logged in from there before, and the same
// for names with and without accounts (the limiter cannot tell them apart).
func TestLimiterNameBudget(t *testing.T) {
	t.Parallel()
	clk := &clock{t: testNow}
	l := NewLimiter(LimiterConfig{Free: 3, FreeNames: 4, Base: Duration(100 * time.Millisecond), Max: Duration(time.Second), Now: clk.Now})
	const nat = "10.0.0.1"
	try(t, l, clk, nat, "carol", true) // a regular user of this address
	var got []time.Duration
	for i := 0; i < 8; i++ {
		got = append(got, try(t, l, clk, nat, fmt.Sprintf("user%d", i), false))
	}
	want := []time.Duration{0, 0, 0, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}
	for i := range want {
		if d := got[i] - want[i]; d < -want[i]/50 || d > 0 {
			t.Fatalf("new-name waits = %v, want about %v", got, want)
		}
	}
	// A name already failing is not new: its own Free applies.
	if d := try(t, l, clk, nat, "user0", false); d != 0 {
		t.Errorf("second try of a name: %v", d)
	}
	if d := try(t, l, clk, nat, "carol", true); d != 0 {
		t.Errorf("trusted user waits %v", d)
	}
	if d := try(t, l, clk, nat, "dave", true); d == 0 {
		t.Error("a new name is not charged to the name budget")
	}
	if d := try(t, l, clk, "10.0.0.2", "erin", false); d != 0 {
		t.Errorf("another address pays: %v", d)
	}
}

func TestLimiterAddressGrouping(t *testing.T) {
	t.Parallel()
	clk := &clock{t: testNow}
	l := NewLimiter(LimiterConfig{Free: 1, Now: clk.Now})
	for i := 0; i < 3; i++ {
		try(t, l, clk, "[2001:db8:1:2::10]:5432", "u", false)
	}
	for addr, slowed := range map[string]bool{
		"[2001:db8:1:2:ffff::1]:1": true, // same /64
		"2001:db8:1:2::99":         true,
		"[2001:db8:1:3::10]:5432":  false, // next /64
		"[::ffff:10.0.0.1]:1":      false,
	} {
		a, err := l.Reserve(addr, "u")
		if err != nil {
			t.Fatal(err)
		}
		if (a.Wait > 0) != slowed {
			t.Errorf("%s: wait %v", addr, a.Wait)
		}
	}
	for i := 0; i < 3; i++ {
		try(t, l, clk, "[::ffff:10.0.0.1]:1", "x", false)
	}
	if a, _ := l.Reserve("10.0.0.1:2", "x"); a == nil || a.Wait == 0 {
		t.Error("IPv4-mapped address not grouped with IPv4")
	}
}

func TestLimiterBounded(t *testing.T) {
	t.Parallel()
	clk := &clock{t: testNow}
	l := NewLimiter(LimiterConfig{MaxEntries: 100, FreeNames: 1 << 20, Now: clk.Now})
	for i := 0; i < 1000; i++ {
		try(t, l, clk, "10.0.0.1", string(rune('a'+i%26))+string(rune(i)), false)
	}
	if n := len(l.entries); n > 100 {
		t.Errorf("%d entries, max 100", n)
	}
}

// GuessBound for the defaults, and the parallel limiter never beats it.
func TestLimiterGuessBound(t *testing.T) {
	t.Parallel()
	if n := (LimiterConfig{}).GuessBound(time.Hour); n < 715 || n > 730 {
		t.Errorf("default bound for an hour: %d, want about 4+5+3600/5", n)
	}
	clk := &clock{t: testNow}
	cfg := LimiterConfig{Free: 3, Base: Duration(10 * time.Millisecond), Max: Duration(200 * time.Millisecond), Now: clk.Now}
	l := NewLimiter(cfg)
	type turn struct {
		a   *Attempt
		due time.Time
	}
	var queued []turn
	checked := 0
	// 20 connections, each retrying every millisecond for 10 s (simulated
	// time); an attempt is checked, and fails, when its turn comes.
	for ms := 0; ms < 10000; ms++ {
		for c := 0; c < 20; c++ {
			if a, err := l.Reserve("10.0.0.1", "alice"); err == nil {
				queued = append(queued, turn{a, clk.Now().Add(a.Wait)})
			}
		}
		keep := queued[:0]
		for _, q := range queued {
			if q.due.After(clk.Now()) {
				keep = append(keep, q)
				continue
			}
			checked++
			q.a.Done(false)
		}
		queued = keep
		clk.Add(time.Millisecond)
	}
	if b := cfg.GuessBound(10 * time.Second); checked > b {
		t.Errorf("%d attempts checked in 10 s, bound %d", checked, b)
	} else {
		t.Logf("%d attempts checked in 10 s by 20 parallel clients, bound %d", checked, b)
	}
}
