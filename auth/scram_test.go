package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"math/big"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xdg-go/scram"
)

// testAuth builds an Authenticator with the given name/password accounts.
func testAuth(t testing.TB, cfg Config, users ...string) *Authenticator {
	t.Helper()
	for i := 0; i+1 < len(users); i += 2 {
		acc, err := NewAccount(users[i], "sales", []string{"analysts", "readers"}, users[i+1], 0)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Accounts = append(cfg.Accounts, acc)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// clientConv is the xdg-go/scram client as a PostgreSQL client uses it: the
// SCRAM user name is empty ("n=,"), the real one is in the startup packet.
func clientConv(t testing.TB, password string) *scram.ClientConversation {
	t.Helper()
	c, err := scram.SHA256.NewClient("", password, "")
	if err != nil {
		t.Fatal(err)
	}
	return c.NewConversation()
}

type transcript struct {
	clientFirst, serverFirst, clientFinal string
	serverFinal                           []byte
	clientErr                             error // client's check of server-final
}

// runSCRAM drives a full exchange between cc and sc.
func runSCRAM(t testing.TB, cc *scram.ClientConversation, sc *SCRAMConversation) (transcript, Principal, error) {
	t.Helper()
	var tr transcript
	var err error
	if tr.clientFirst, err = cc.Step(""); err != nil {
		t.Fatalf("client-first: %v", err)
	}
	s1, done, err := sc.Step([]byte(tr.clientFirst))
	if err != nil || done {
		return tr, Principal{}, err
	}
	tr.serverFirst = string(s1)
	if tr.clientFinal, err = cc.Step(tr.serverFirst); err != nil {
		t.Fatalf("client-final: %v", err)
	}
	s2, done, err := sc.Step([]byte(tr.clientFinal))
	if !done {
		t.Fatalf("conversation not done after client-final")
	}
	if err != nil {
		if s2 != nil {
			t.Fatalf("failure returned a server message %q", s2)
		}
		if _, perr := sc.Principal(); !errors.Is(perr, ErrBadCredentials) {
			t.Fatalf("Principal after failure: %v", perr)
		}
		return tr, Principal{}, err
	}
	tr.serverFinal = s2
	_, tr.clientErr = cc.Step(string(s2))
	p, err := sc.Principal()
	return tr, p, err
}

var serverFirstShape = regexp.MustCompile(`^r=[!-+\--~]{32,},s=[A-Za-z0-9+/]{22}==,i=4096$`)

func TestSCRAMConversation(t *testing.T) {
	t.Parallel()
	a := testAuth(t, Config{MockSecret: "test secret"}, "alice", "correct horse", "bob", "b0b")
	for _, tc := range []struct {
		name, user, password string
		wantErr              error
	}{
		{"right password", "alice", "correct horse", nil},
		{"second account", "bob", "b0b", nil},
		{"wrong password", "alice", "correct h0rse", ErrBadCredentials},
		{"other user's password", "alice", "b0b", ErrBadCredentials},
		{"unknown user", "mallory", "correct horse", ErrBadCredentials},
		{"unknown user, empty-ish", "x", "x", ErrBadCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc, err := a.StartSCRAM(tc.user)
			if err != nil {
				t.Fatal(err)
			}
			tr, p, err := runSCRAM(t, clientConv(t, tc.password), sc)
			if !serverFirstShape.MatchString(tr.serverFirst) {
				t.Errorf("server-first %q has an unexpected shape", tr.serverFirst)
			}
			if !strings.HasPrefix(tr.clientFirst, "n,,n=,r=") {
				t.Errorf("client-first %q is not PostgreSQL-style", tr.clientFirst)
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if tr.clientErr != nil {
				t.Errorf("client rejected server-final %q: %v", tr.serverFinal, tr.clientErr)
			}
			want := Principal{Name: tc.user, Groups: []string{"analysts", "readers"}, Domain: "sales", Method: MethodSCRAM}
			if !equalPrincipal(p, want) {
				t.Errorf("principal = %+v, want %+v", p, want)
			}
		})
	}
}

func equalPrincipal(a, b Principal) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// An unknown user's conversation must look like a real one: same shape,
// a salt that is stable across attempts (a real user's is) and differs
// between users; and the failure is the same error value.
func TestSCRAMUnknownUserIndistinguishable(t *testing.T) {
	t.Parallel()
	a := testAuth(t, Config{MockSecret: "s1"}, "alice", "pw")
	salt := func(a *Authenticator, user string) string {
		sc, err := a.StartSCRAM(user)
		if err != nil {
			t.Fatal(err)
		}
		tr, _, err := runSCRAM(t, clientConv(t, "guess"), sc)
		if !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("%s: err = %v", user, err)
		}
		if !serverFirstShape.MatchString(tr.serverFirst) {
			t.Fatalf("%s: server-first %q", user, tr.serverFirst)
		}
		return regexp.MustCompile(`s=([^,]+)`).FindStringSubmatch(tr.serverFirst)[1]
	}
	if s1, s2 := salt(a, "mallory"), salt(a, "mallory"); s1 != s2 {
		t.Errorf("unknown user's salt changed between attempts: %s, %s", s1, s2)
	}
	if salt(a, "mallory") == salt(a, "trudy") {
		t.Error("two unknown users got the same salt")
	}
	if s1, s2 := salt(a, "alice"), salt(a, "alice"); s1 != s2 {
		t.Errorf("real user's salt changed: %s, %s", s1, s2)
	}
	// Same secret, same mock salt after a restart; another secret, another.
	b := testAuth(t, Config{MockSecret: "s1"}, "alice", "pw")
	c := testAuth(t, Config{MockSecret: "s2"}, "alice", "pw")
	if salt(a, "mallory") != salt(b, "mallory") {
		t.Error("mock salt not stable across Authenticators with one secret")
	}
	if salt(a, "mallory") == salt(c, "mallory") {
		t.Error("mock salt does not depend on the secret")
	}
	// Both failures are the same sentinel with the same client-visible text.
	_, _, e1 := runSCRAM(t, clientConv(t, "x"), must(a.StartSCRAM("alice")))
	_, _, e2 := runSCRAM(t, clientConv(t, "x"), must(a.StartSCRAM("nobody")))
	if !errors.Is(e1, ErrBadCredentials) || !errors.Is(e2, ErrBadCredentials) {
		t.Fatalf("errors: %v / %v", e1, e2)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSCRAMIterationsOfMock(t *testing.T) {
	t.Parallel()
	v, err := NewSCRAMVerifier("pw", 10000)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{Accounts: []Account{{Name: "u", SCRAM: v}}})
	if err != nil {
		t.Fatal(err)
	}
	s, _, _ := must(a.StartSCRAM("ghost")).Step([]byte("n,,n=,r=abcdefghijklmnop"))
	if !strings.HasSuffix(string(s), ",i=10000") {
		t.Errorf("unknown user's iteration count differs from the accounts': %s", s)
	}
}

func TestSCRAMProtocolErrors(t *testing.T) {
	t.Parallel()
	a := testAuth(t, Config{}, "alice", "pw")
	for _, tc := range []struct {
		name  string
		first string
	}{
		{"garbage", "hello"},
		{"authzid", "n,a=bob,n=,r=abcdefgh"},
		{"channel binding without PLUS", "p=tls-server-end-point,,n=,r=abcdefgh"},
		{"extension", "n,,m=ext,n=,r=abc"},
		{"too long", "n,,n=,r=" + strings.Repeat("a", 5000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := must(a.StartSCRAM("alice"))
			msg, done, err := sc.Step([]byte(tc.first))
			if !done || msg != nil || !errors.Is(err, ErrMalformedMessage) {
				t.Fatalf("Step = %q, %v, %v; want nil, true, ErrMalformedMessage", msg, done, err)
			}
			if _, _, err := sc.Step([]byte("c=biws,r=x,p=eA==")); err == nil {
				t.Fatal("Step after failure succeeded")
			}
		})
	}
	t.Run("garbage client-final", func(t *testing.T) {
		sc := must(a.StartSCRAM("alice"))
		if _, _, err := sc.Step([]byte("n,,n=,r=abcdefgh")); err != nil {
			t.Fatal(err)
		}
		if _, done, err := sc.Step([]byte("nonsense")); !done || !errors.Is(err, ErrMalformedMessage) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("wrong nonce", func(t *testing.T) {
		sc := must(a.StartSCRAM("alice"))
		if _, _, err := sc.Step([]byte("n,,n=,r=abcdefgh")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := sc.Step([]byte("c=biws,r=abcdefghXX,p=AAAA")); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("step after success", func(t *testing.T) {
		sc := must(a.StartSCRAM("alice"))
		if _, _, err := runSCRAM(t, clientConv(t, "pw"), sc); err != nil {
			t.Fatal(err)
		}
		if _, _, err := sc.Step([]byte("x")); err == nil {
			t.Fatal("fourth step accepted")
		}
	})
	if _, err := a.StartSCRAM(""); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("empty user: %v", err)
	}
}

// GS2 flag 'y' (client could bind, thinks the server cannot) is fine
// without TLS, and a downgrade when the server advertised PLUS.
func TestSCRAMChannelBindingFlagY(t *testing.T) {
	t.Parallel()
	a := testAuth(t, Config{}, "alice", "pw")
	cl, _ := scram.SHA256.NewClient("", "pw", "")
	if _, _, err := runSCRAM(t, cl.NewConversationAdvertisingChannelBinding(), must(a.StartSCRAM("alice"))); err != nil {
		t.Fatalf("'y' without TLS: %v", err)
	}
	cert, _ := selfSigned(t)
	sc := must(a.StartSCRAMTLS("alice", MechanismSCRAMSHA256, cert.Leaf))
	if _, _, err := runSCRAM(t, cl.NewConversationAdvertisingChannelBinding(), sc); !errors.Is(err, ErrMalformedMessage) {
		t.Fatalf("'y' after PLUS was advertised: %v", err)
	}
	// Plain SCRAM-SHA-256 with 'n' on a TLS connection is fine.
	sc = must(a.StartSCRAMTLS("alice", MechanismSCRAMSHA256, cert.Leaf))
	if _, _, err := runSCRAM(t, cl.NewConversation(), sc); err != nil {
		t.Fatalf("'n' over TLS: %v", err)
	}
}

// SCRAM-SHA-256-PLUS over a real TLS handshake: the client computes the
// binding from the certificate it received (xdg-go/scram's helper), the
// server from the certificate it sent.
func TestSCRAMPlus(t *testing.T) {
	t.Parallel()
	a := testAuth(t, Config{}, "alice", "pw")
	cert, _ := selfSigned(t)
	state := tlsClientState(t, cert)
	cb, err := scram.NewTLSServerEndpointBinding(&state)
	if err != nil {
		t.Fatal(err)
	}
	if !SupportsChannelBinding(cert.Leaf) {
		t.Fatal("SupportsChannelBinding = false for an ECDSA-SHA256 certificate")
	}
	cl, _ := scram.SHA256.NewClient("", "pw", "")

	sc := must(a.StartSCRAMTLS("alice", MechanismSCRAMSHA256Plus, cert.Leaf))
	tr, p, err := runSCRAM(t, cl.NewConversationWithChannelBinding(cb), sc)
	if err != nil || p.Name != "alice" {
		t.Fatalf("PLUS: %v, %+v", err, p)
	}
	if !strings.HasPrefix(tr.clientFirst, "p=tls-server-end-point,,") {
		t.Errorf("client-first %q", tr.clientFirst)
	}

	// A man in the middle terminates TLS with its own certificate.
	other, _ := selfSigned(t)
	sc = must(a.StartSCRAMTLS("alice", MechanismSCRAMSHA256Plus, other.Leaf))
	if _, _, err := runSCRAM(t, cl.NewConversationWithChannelBinding(cb), sc); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("mismatched binding: %v", err)
	}
	// -PLUS chosen but no binding sent.
	sc = must(a.StartSCRAMTLS("alice", MechanismSCRAMSHA256Plus, cert.Leaf))
	if _, _, err := runSCRAM(t, cl.NewConversation(), sc); !errors.Is(err, ErrMalformedMessage) {
		t.Fatalf("PLUS without binding: %v", err)
	}
	if _, err := a.StartSCRAMTLS("alice", "SCRAM-SHA-1", cert.Leaf); !errors.Is(err, ErrMalformedMessage) {
		t.Fatalf("unknown mechanism: %v", err)
	}
}

func selfSigned(t testing.TB) (tls.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "lakegate-test"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, key
}

// tlsClientState runs a TLS handshake over net.Pipe and returns what the
// client saw.
func tlsClientState(t testing.TB, cert tls.Certificate) tls.ConnectionState {
	t.Helper()
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	srv := tls.Server(c2, &tls.Config{Certificates: []tls.Certificate{cert}})
	errc := make(chan error, 1)
	go func() { errc <- srv.Handshake() }()
	cli := tls.Client(c1, &tls.Config{InsecureSkipVerify: true})
	if err := cli.Handshake(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return cli.ConnectionState()
}

func TestSCRAMVerifierFormat(t *testing.T) {
	t.Parallel()
	s, err := NewSCRAMVerifier("pw", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$`).MatchString(s) {
		t.Fatalf("verifier %q not in PostgreSQL's format", s)
	}
	v, err := ParseSCRAMVerifier(s)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != s {
		t.Errorf("round trip: %q != %q", v.String(), s)
	}
	if !v.verifies("pw") || v.verifies("pw ") || v.verifies("") {
		t.Error("verifies: wrong answers")
	}
	if s2, _ := NewSCRAMVerifier("pw", 0); s2 == s {
		t.Error("two verifiers of one password share a salt")
	}
	// SASLprep: U+00AD (soft hyphen) maps to nothing, as in PostgreSQL.
	sp, _ := NewSCRAMVerifier("p\u00adw", 0)
	if !must(ParseSCRAMVerifier(sp)).verifies("pw") {
		t.Error("SASLprep not applied")
	}
	if _, err := NewSCRAMVerifier("", 0); err == nil {
		t.Error("empty password accepted")
	}
	if _, err := NewSCRAMVerifier("pw", 1000); err == nil {
		t.Error("1000 iterations accepted")
	}
	// From PostgreSQL 15 (see TestPostgresVerifierCompat for a live one).
	for _, bad := range []string{
		"",
		"md5abcdef",
		"SCRAM-SHA-256$4096:c2FsdA==$" + strings.Repeat("A", 43) + "=",
		"SCRAM-SHA-256$4096:c2FsdA==$" + strings.Repeat("A", 43) + "=:" + strings.Repeat("A", 42) + "==",
		"SCRAM-SHA-256$1:c2FsdA==$" + strings.Repeat("A", 43) + "=:" + strings.Repeat("A", 43) + "=",
		"SCRAM-SHA-256$x:c2FsdA==$" + strings.Repeat("A", 43) + "=:" + strings.Repeat("A", 43) + "=",
		"SCRAM-SHA-256$4096:!!!$" + strings.Repeat("A", 43) + "=:" + strings.Repeat("A", 43) + "=",
		"SCRAM-SHA-1$4096:c2FsdA==$" + strings.Repeat("A", 43) + "=:" + strings.Repeat("A", 43) + "=",
	} {
		if _, err := ParseSCRAMVerifier(bad); err == nil {
			t.Errorf("ParseSCRAMVerifier(%q) accepted", bad)
		} else if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error quotes the verifier: %v", err)
		}
	}
}

func TestVerifyPassword(t *testing.T) {
	t.Parallel()
	a := testAuth(t, Config{}, "alice", "pw")
	ctx := context.Background()
	p, err := a.VerifyPassword(ctx, "alice", "pw")
	if err != nil || p.Name != "alice" || p.Method != MethodSCRAM || p.Domain != "sales" {
		t.Fatalf("right password: %+v, %v", p, err)
	}
	for _, c := range [][2]string{{"alice", "PW"}, {"alice", ""}, {"nobody", "pw"}, {"", ""}} {
		if _, err := a.VerifyPassword(ctx, c[0], c[1]); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("%q/%q: %v", c[0], c[1], err)
		}
	}
}

func TestAccountJSONRoundTrip(t *testing.T) {
	t.Parallel()
	b, err := AccountJSON("carol", "finance", []string{"auditors", " auditors ", "", "admins"}, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cret") {
		t.Fatal("account JSON contains the password")
	}
	var acc Account
	if err := json.Unmarshal(b, &acc); err != nil {
		t.Fatal(err)
	}
	if strings.Join(acc.Groups, ",") != "auditors,admins" || acc.Domain != "finance" {
		t.Errorf("account = %+v", acc)
	}
	a, err := New(Config{Accounts: []Account{acc}})
	if err != nil {
		t.Fatal(err)
	}
	if _, p, err := runSCRAM(t, clientConv(t, "s3cret"), must(a.StartSCRAM("carol"))); err != nil || p.Domain != "finance" {
		t.Fatalf("login with the generated account: %+v %v", p, err)
	}
	if _, err := AccountJSON("", "", nil, "pw"); err == nil {
		t.Error("empty name accepted")
	}
	if _, err := AccountJSON("x", "", nil, ""); err == nil {
		t.Error("empty password accepted")
	}
}
