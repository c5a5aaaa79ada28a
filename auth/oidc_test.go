package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc/oidctest"
	jose "github.com/go-jose/go-jose/v4"
)

// testIssuer is an in-process OIDC issuer (go-oidc's oidctest) that counts
// JWKS requests and can rotate keys.
type testIssuer struct {
	URL     string
	rsaKey  *rsa.PrivateKey
	ecKey   *ecdsa.PrivateKey
	mu      sync.Mutex
	oidc    *oidctest.Server
	jwksHit atomic.Int64
	discHit atomic.Int64
}

func newTestIssuer(t testing.TB) *testIssuer {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ti := &testIssuer{rsaKey: rk, ecKey: ek, oidc: &oidctest.Server{
		PublicKeys: []oidctest.PublicKey{
			{PublicKey: rk.Public(), KeyID: "rsa1"},
			{PublicKey: ek.Public(), KeyID: "ec1", Algorithm: "ES256"},
		},
		Algorithms: []string{"RS256"}, // discovery under-reports; config must not depend on it
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/keys":
			ti.jwksHit.Add(1)
		case "/.well-known/openid-configuration":
			ti.discHit.Add(1)
		}
		ti.mu.Lock()
		defer ti.mu.Unlock()
		ti.oidc.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	ti.URL = srv.URL
	ti.oidc.SetIssuer(srv.URL)
	return ti
}

func (ti *testIssuer) addKey(k oidctest.PublicKey) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	ti.oidc.PublicKeys = append(ti.oidc.PublicKeys, k)
}

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// claims returns a valid claim set for user at testNow; edit returns to vary it.
func (ti *testIssuer) claims(user string) map[string]any {
	return map[string]any{
		"iss":                ti.URL,
		"aud":                []string{"other-client", "lakegate"},
		"sub":                "0b6f-" + user,
		"preferred_username": user,
		"groups":             []string{"analysts", "eu"},
		"domain":             "sales",
		"iat":                testNow.Add(-time.Minute).Unix(),
		"exp":                testNow.Add(time.Hour).Unix(),
	}
}

func sign(t testing.TB, key crypto.PrivateKey, kid, alg string, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return oidctest.SignIDToken(key, kid, alg, string(b))
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func oidcAuth(t testing.TB, clk *clock, issuers ...OIDCIssuer) *Authenticator {
	t.Helper()
	a, err := New(Config{OIDC: issuers}, WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestVerifyToken(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t)
	other := newTestIssuer(t) // configured too, with its own keys
	clk := &clock{t: testNow}
	a := oidcAuth(t, clk,
		OIDCIssuer{Issuer: ti.URL, Audience: "lakegate"},
		OIDCIssuer{Issuer: other.URL, Audience: "lakegate", JWKSURL: other.URL + "/keys"})
	ctx := context.Background()
	rogue, _ := rsa.GenerateKey(rand.Reader, 2048)

	type edit func(map[string]any)
	tok := func(key crypto.PrivateKey, kid, alg string, e edit) string {
		c := ti.claims("alice")
		if e != nil {
			e(c)
		}
		return sign(t, key, kid, alg, c)
	}
	valid := tok(ti.rsaKey, "rsa1", "RS256", nil)
	parts := strings.Split(valid, ".")
	tampered := func() string {
		c := ti.claims("alice")
		c["groups"] = []string{"admins"}
		b, _ := json.Marshal(c)
		return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
	}()
	none := func() string {
		h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"rsa1"}`))
		return h + "." + parts[1] + "."
	}()
	hs256 := func() string {
		der, _ := x509.MarshalPKIXPublicKey(ti.rsaKey.Public())
		pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: pemKey},
			(&jose.SignerOptions{}).WithHeader("kid", "rsa1"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(ti.claims("alice"))
		jws, err := s.Sign(b)
		if err != nil {
			t.Fatal(err)
		}
		return must(jws.CompactSerialize())
	}()

	for _, tc := range []struct {
		name, user, token string
		want              Principal
		wantErr           error
	}{
		{name: "RS256", user: "alice", token: valid,
			want: Principal{Name: "alice", Groups: []string{"analysts", "eu"}, Domain: "sales", Method: MethodOIDC}},
		{name: "ES256", user: "alice", token: tok(ti.ecKey, "ec1", "ES256", nil),
			want: Principal{Name: "alice", Groups: []string{"analysts", "eu"}, Domain: "sales", Method: MethodOIDC}},
		{name: "PS256", user: "alice", token: tok(ti.rsaKey, "rsa1", "PS256", nil),
			want: Principal{Name: "alice", Groups: []string{"analysts", "eu"}, Domain: "sales", Method: MethodOIDC}},
		{name: "second issuer via jwks_url", user: "bob", token: sign(t, other.rsaKey, "rsa1", "RS384", other.claims("bob")),
			want: Principal{Name: "bob", Groups: []string{"analysts", "eu"}, Domain: "sales", Method: MethodOIDC}},
		{name: "no preferred_username: sub", user: "0b6f-alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) {
			delete(c, "preferred_username")
			delete(c, "groups")
			delete(c, "domain")
		}), want: Principal{Name: "0b6f-alice", Method: MethodOIDC}},
		{name: "single-string aud and group", user: "alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) {
			c["aud"] = "lakegate"
			c["groups"] = "eu"
		}), want: Principal{Name: "alice", Groups: []string{"eu"}, Domain: "sales", Method: MethodOIDC}},

		{name: "expired", user: "alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) {
			c["exp"] = testNow.Add(-time.Second).Unix()
		}), wantErr: ErrBadCredentials},
		{name: "no exp", user: "alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) { delete(c, "exp") }), wantErr: ErrBadCredentials},
		{name: "not yet valid", user: "alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) {
			c["nbf"] = testNow.Add(time.Hour).Unix()
		}), wantErr: ErrBadCredentials},
		{name: "wrong audience", user: "alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) {
			c["aud"] = []string{"other-client"}
		}), wantErr: ErrBadCredentials},
		{name: "unknown issuer", user: "alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) {
			c["iss"] = "https://evil.example.com"
		}), wantErr: ErrUnknownIssuer},
		{name: "issuer with trailing slash", user: "alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) {
			c["iss"] = ti.URL + "/"
		}), wantErr: ErrUnknownIssuer},
		{name: "configured issuer, other issuer's key", user: "alice", token: tok(other.rsaKey, "rsa1", "RS256", nil), wantErr: ErrBadCredentials},
		{name: "no iss", user: "alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) { delete(c, "iss") }), wantErr: ErrBadCredentials},
		{name: "alg none", user: "alice", token: none, wantErr: ErrBadCredentials},
		{name: "HS256 with the public key as secret", user: "alice", token: hs256, wantErr: ErrBadCredentials},
		{name: "tampered payload", user: "alice", token: tampered, wantErr: ErrBadCredentials},
		{name: "username mismatch", user: "bob", token: valid, wantErr: ErrBadCredentials},
		{name: "username differs in case", user: "Alice", token: valid, wantErr: ErrBadCredentials},
		{name: "explicit empty username", user: "0b6f-alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) {
			c["preferred_username"] = "x"
		}), wantErr: ErrBadCredentials},
		{name: "unknown key id", user: "alice", token: tok(rogue, "rogue", "RS256", nil), wantErr: ErrBadCredentials},
		{name: "known key id, other key", user: "alice", token: tok(rogue, "rsa1", "RS256", nil), wantErr: ErrBadCredentials},
		{name: "RSA key id with ES256", user: "alice", token: tok(ti.ecKey, "rsa1", "ES256", nil), wantErr: ErrBadCredentials},
		{name: "EC key pinned to ES256, used with ES384", user: "alice", token: func() string {
			k384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
			return tok(k384, "ec1", "ES384", nil)
		}(), wantErr: ErrBadCredentials},
		{name: "groups of the wrong type", user: "alice", token: tok(ti.rsaKey, "rsa1", "RS256", func(c map[string]any) {
			c["groups"] = map[string]any{"x": 1}
		}), wantErr: ErrBadCredentials},
		{name: "not a JWT", user: "alice", token: "hunter2", wantErr: ErrBadCredentials},
		{name: "empty", user: "alice", token: "", wantErr: ErrBadCredentials},
		{name: "huge", user: "alice", token: strings.Repeat("a", 20000), wantErr: ErrBadCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := a.VerifyToken(ctx, tc.user, tc.token)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				t.Log(err)
				if errors.Is(err, ErrBadCredentials) && errors.Is(err, ErrUnknownIssuer) {
					t.Fatal("error is both")
				}
				if strings.Contains(err.Error(), tc.token) && tc.token != "" {
					t.Fatal("error message contains the token")
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !equalPrincipal(p, tc.want) {
				t.Fatalf("principal = %+v, want %+v", p, tc.want)
			}
		})
	}
	// Clock: the same token expires as time passes.
	clk.Add(2 * time.Hour)
	if _, err := a.VerifyToken(ctx, "alice", valid); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("after expiry: %v", err)
	}
	if ti.discHit.Load() != 1 || other.discHit.Load() != 0 {
		t.Errorf("discovery requests: %d / %d, want 1 / 0", ti.discHit.Load(), other.discHit.Load())
	}
}

func TestVerifyTokenClaimMapping(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t)
	clk := &clock{t: testNow}
	a := oidcAuth(t, clk, OIDCIssuer{
		Issuer: ti.URL, Audience: "lakegate",
		UsernameClaim: "email", GroupsClaim: "realm_access.roles", DomainClaim: "https://lakegate.dev/domain",
		Algorithms: []string{"ES256"},
	})
	c := ti.claims("ignored")
	c["email"] = "carol@example.com"
	c["realm_access"] = map[string]any{"roles": []string{"r1", "r2"}}
	c["https://lakegate.dev/domain"] = "finance"
	p, err := a.VerifyToken(context.Background(), "carol@example.com", sign(t, ti.ecKey, "ec1", "ES256", c))
	if err != nil {
		t.Fatal(err)
	}
	want := Principal{Name: "carol@example.com", Groups: []string{"r1", "r2"}, Domain: "finance", Method: MethodOIDC}
	if !equalPrincipal(p, want) {
		t.Fatalf("principal = %+v, want %+v", p, want)
	}
	// RS256 is configured out for this issuer.
	if _, err := a.VerifyToken(context.Background(), "carol@example.com", sign(t, ti.rsaKey, "rsa1", "RS256", c)); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("RS256 with Algorithms=[ES256]: %v", err)
	}
	// An explicit username claim has no fallback to sub.
	delete(c, "email")
	if _, err := a.VerifyToken(context.Background(), c["sub"].(string), sign(t, ti.ecKey, "ec1", "ES256", c)); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("missing explicit claim fell back: %v", err)
	}
}

// 1000 tokens with made-up key ids, from 8 goroutines, cost the issuer at
// most one JWKS request per refresh interval; a real rotation is picked up
// once the interval has passed.
func TestKeySetRateLimit(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t)
	clk := &clock{t: testNow}
	a := oidcAuth(t, clk, OIDCIssuer{Issuer: ti.URL, Audience: "lakegate", KeyRefreshInterval: Duration(30 * time.Second)})
	ctx := context.Background()
	if _, err := a.VerifyToken(ctx, "alice", sign(t, ti.rsaKey, "rsa1", "RS256", ti.claims("alice"))); err != nil {
		t.Fatal(err)
	}
	if n := ti.jwksHit.Load(); n != 1 {
		t.Fatalf("JWKS requests after first token: %d", n)
	}
	rogue, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	claims := ti.claims("alice")
	toks := make([]string, 1000)
	for i := range toks {
		toks[i] = sign(t, rogue, fmt.Sprintf("kid-%d-%d", i, time.Now().UnixNano()), "ES256", claims)
	}
	var wg sync.WaitGroup
	var accepted atomic.Int64
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(toks); i += 8 {
				if _, err := a.VerifyToken(ctx, "alice", toks[i]); err == nil {
					accepted.Add(1)
				} else if !errors.Is(err, ErrBadCredentials) {
					t.Errorf("err = %v", err)
				}
				if i%100 == 0 {
					clk.Add(5 * time.Second) // 1000 tokens over ~50s of clock
				}
			}
		}()
	}
	wg.Wait()
	if accepted.Load() != 0 {
		t.Fatalf("%d bogus tokens accepted", accepted.Load())
	}
	n := ti.jwksHit.Load()
	t.Logf("JWKS requests for 1000 unknown kids over ~50s: %d", n-1)
	if n-1 > 3 {
		t.Fatalf("1000 unknown kids caused %d JWKS fetches", n-1)
	}

	// Rotation: a new key appears; a token using it is refused while the
	// refresh is rate-limited, then accepted.
	k2, _ := rsa.GenerateKey(rand.Reader, 2048)
	ti.addKey(oidctest.PublicKey{PublicKey: k2.Public(), KeyID: "rsa2"})
	clk.Add(31 * time.Second)
	before := ti.jwksHit.Load()
	if _, err := a.VerifyToken(ctx, "alice", sign(t, k2, "rsa2", "RS256", ti.claims("alice"))); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if ti.jwksHit.Load() != before+1 {
		t.Errorf("rotation: %d fetches", ti.jwksHit.Load()-before)
	}
	// The same bogus kid again after the interval is answered from the
	// negative cache, without a fetch.
	clk.Add(31 * time.Second)
	before = ti.jwksHit.Load()
	bogus := sign(t, rogue, "bogus", "ES256", claims)
	_, _ = a.VerifyToken(ctx, "alice", bogus)
	clk.Add(31 * time.Second)
	_, _ = a.VerifyToken(ctx, "alice", bogus)
	if got := ti.jwksHit.Load() - before; got != 1 {
		t.Errorf("repeated bogus kid: %d fetches, want 1", got)
	}
}

// A down issuer is not hammered either: failed fetches count toward the
// interval.
func TestKeySetIssuerDown(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	ti := newTestIssuer(t)
	clk := &clock{t: testNow}
	a := oidcAuth(t, clk, OIDCIssuer{Issuer: ti.URL, Audience: "lakegate", JWKSURL: srv.URL + "/keys"})
	tok := sign(t, ti.rsaKey, "rsa1", "RS256", ti.claims("alice"))
	for i := 0; i < 50; i++ {
		if _, err := a.VerifyToken(context.Background(), "alice", tok); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("err = %v", err)
		}
	}
	if hits.Load() != 1 {
		t.Errorf("50 tokens against a down JWKS endpoint: %d requests", hits.Load())
	}
}

func TestVerifyPasswordRoutesTokens(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t)
	acc, err := NewAccount("alice", "", nil, "pw", 0)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: testNow}
	a, err := New(Config{Accounts: []Account{acc}, OIDC: []OIDCIssuer{{Issuer: ti.URL, Audience: "lakegate"}}}, WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if p, err := a.VerifyPassword(ctx, "alice", sign(t, ti.rsaKey, "rsa1", "RS256", ti.claims("alice"))); err != nil || p.Method != MethodOIDC {
		t.Fatalf("token as password: %+v %v", p, err)
	}
	if p, err := a.VerifyPassword(ctx, "alice", "pw"); err != nil || p.Method != MethodSCRAM {
		t.Fatalf("password: %+v %v", p, err)
	}
}
