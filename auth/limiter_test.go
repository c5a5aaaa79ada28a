package auth

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	clk := &clock{t: testNow}
	l := NewLimiter(LimiterConfig{
		Free: 3, Base: Duration(100 * time.Millisecond), Max: Duration(time.Second),
		HalfLife: Duration(time.Minute), Now: clk.Now,
	})
	const addr = "10.0.0.1:5555"
	var got []time.Duration
	for i := 0; i < 8; i++ {
		got = append(got, l.Delay(addr, "alice"))
		l.Failure(addr, "alice")
	}
	want := []time.Duration{0, 0, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays = %v, want %v", got, want)
		}
	}
	l.Failure(addr, "alice")
	if d := l.Delay(addr, "alice"); d != time.Second {
		t.Errorf("capped delay = %v", d)
	}
	// Another port of the same host is the same client; another user from
	// it is slowed down by the address's score.
	if d := l.Delay("10.0.0.1:6000", "bob"); d != time.Second {
		t.Errorf("same host, other user: %v", d)
	}
	// The user's score follows them to another address.
	if d := l.Delay("10.9.9.9:1", "alice"); d != time.Second {
		t.Errorf("other host, same user: %v", d)
	}
	if d := l.Delay("10.9.9.9:1", "bob"); d != 0 {
		t.Errorf("unrelated: %v", d)
	}
	// Decay: 9 failures halve to 4.5 after a minute -> 1.5 over Free ->
	// 100ms * 2^0.5.
	clk.Add(time.Minute)
	if d := l.Delay("10.9.9.9:1", "alice"); d < 141*time.Millisecond || d > 142*time.Millisecond {
		t.Errorf("after one half-life: %v", d)
	}
	clk.Add(10 * time.Minute)
	if d := l.Delay(addr, "alice"); d != 0 {
		t.Errorf("after ten half-lives: %v", d)
	}
}

func TestLimiterSuccess(t *testing.T) {
	t.Parallel()
	clk := &clock{t: testNow}
	l := NewLimiter(LimiterConfig{Free: 1, Base: Duration(time.Second), Max: Duration(time.Minute), Now: clk.Now})
	for i := 0; i < 5; i++ {
		l.Failure("10.0.0.1:1", "alice")
	}
	l.Success("10.0.0.2:1", "alice")
	if d := l.Delay("10.0.0.2:1", "alice"); d != 0 {
		t.Errorf("user score not reset by success: %v", d)
	}
	// The failing address keeps its score: a success on one account must
	// not let it keep guessing others at full speed.
	l.Success("10.0.0.1:1", "alice")
	if d := l.Delay("10.0.0.1:1", "carol"); d == 0 {
		t.Error("address score reset by a success")
	}
}

func TestLimiterAddressGrouping(t *testing.T) {
	t.Parallel()
	l := NewLimiter(LimiterConfig{Free: 1, Now: (&clock{t: testNow}).Now})
	for i := 0; i < 3; i++ {
		l.Failure("[2001:db8:1:2::10]:5432", "u")
	}
	for addr, slowed := range map[string]bool{
		"[2001:db8:1:2:ffff::1]:1": true, // same /64
		"2001:db8:1:2::99":         true,
		"[2001:db8:1:3::10]:5432":  false, // next /64
		"[::ffff:10.0.0.1]:1":      false,
	} {
		if d := l.Delay(addr, "other"); (d > 0) != slowed {
			t.Errorf("%s: delay %v", addr, d)
		}
	}
	l.Failure("[::ffff:10.0.0.1]:1", "x")
	l.Failure("[::ffff:10.0.0.1]:1", "y")
	if d := l.Delay("10.0.0.1:2", "z"); d == 0 {
		t.Error("IPv4-mapped address not grouped with IPv4")
	}
}

func TestLimiterBounded(t *testing.T) {
	t.Parallel()
	clk := &clock{t: testNow}
	l := NewLimiter(LimiterConfig{MaxEntries: 100, Now: clk.Now})
	for i := 0; i < 1000; i++ {
		l.Failure("10.0.0.1", string(rune('a'+i%26))+string(rune(i)))
	}
	if n := len(l.entries); n > 100 {
		t.Errorf("%d entries, max 100", n)
	}
}
