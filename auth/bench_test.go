package auth

import (
	"context"
	"testing"

	"github.com/xdg-go/scram"
)

// BenchmarkSCRAMServer is one full exchange. The client's salted password is
// cached by the xdg client across iterations, so the time is the server's
// two Steps plus a few client HMACs: what a login costs the gateway.
func BenchmarkSCRAMServer(b *testing.B) {
	a := testAuth(b, Config{}, "alice", "pw")
	cl, _ := scram.SHA256.NewClient("", "pw", "")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := runSCRAM(b, cl.NewConversation(), must(a.StartSCRAM("alice"))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPassword is the cleartext path: PBKDF2 at 4096 iterations
// on the server, per attempt.
func BenchmarkVerifyPassword(b *testing.B) {
	a := testAuth(b, Config{}, "alice", "pw")
	ctx := context.Background()
	for b.Loop() {
		if _, err := a.VerifyPassword(ctx, "alice", "pw"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyTokenCached(b *testing.B) {
	ti := newTestIssuer(b)
	clk := &clock{t: testNow}
	a := oidcAuth(b, clk, OIDCIssuer{Issuer: ti.URL, Audience: "lakegate"})
	ctx := context.Background()
	for _, alg := range []struct {
		name, kid string
		key       any
	}{{"RS256", "rsa1", ti.rsaKey}, {"ES256", "ec1", ti.ecKey}} {
		tok := sign(b, alg.key, alg.kid, alg.name, ti.claims("alice"))
		if _, err := a.VerifyToken(ctx, "alice", tok); err != nil { // warm the key cache
			b.Fatal(err)
		}
		b.Run(alg.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.VerifyToken(ctx, "alice", tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
