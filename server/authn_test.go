package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc/oidctest"
	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/tlsutil"
	"github.com/lakegate/lakegate/server"
)

type authFixture struct {
	g        *gateway
	certPath string
	issuer   string
	key      *rsa.PrivateKey
}

func startAuthGateway(t testing.TB, plaintextLoopback bool) *authFixture {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1"}}, Algorithms: []string{"RS256"}}
	hs := httptest.NewServer(is)
	t.Cleanup(hs.Close)
	is.SetIssuer(hs.URL)

	acct, err := auth.NewAccount("payments_svc", "payments", []string{"services"}, "s3cret-pw", 4096)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(auth.Config{
		Accounts: []auth.Account{acct},
		OIDC:     []auth.OIDCIssuer{{Issuer: hs.URL, Audience: "lakegate"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	conf, certPath, err := tlsutil.LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	g := startGatewayWith(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10}, server.Config{
		TLS:  conf,
		Auth: server.AuthConfig{Authenticator: a, AllowPlaintextLoopback: plaintextLoopback},
		// PostgreSQL's authentication_timeout, not lakegate's 10 s: a JVM's
		// first TLS handshake alone took 4 s of it at load 30 (pgjdbc, cold
		// JIT); past the timeout the gateway closes the connection, which
		// pgjdbc reports as 08001 (TestAuthJDBC failed so in a loaded full
		// run). These tests are of the exchange, not of the timeout.
		Limits: server.Limits{AuthenticationTimeout: time.Minute},
	})
	return &authFixture{g: g, certPath: certPath, issuer: hs.URL, key: key}
}

func (f *authFixture) token(t testing.TB, user string, edit func(map[string]any)) string {
	c := map[string]any{
		"iss": f.issuer, "aud": "lakegate", "sub": "id-" + user, "preferred_username": user,
		"groups": []string{"analysts"}, "domain": "comms",
		"iat": time.Now().Add(-time.Minute).Unix(), "exp": time.Now().Add(time.Hour).Unix(),
	}
	if edit != nil {
		edit(c)
	}
	b, _ := json.Marshal(c)
	return oidctest.SignIDToken(f.key, "k1", "RS256", string(b))
}

func (f *authFixture) dial(user, password, sslmode string) (*pgx.Conn, error) {
	_, port, _ := net.SplitHostPort(f.g.addr)
	cfg, err := pgx.ParseConfig(fmt.Sprintf("postgres://localhost:%s/lakegate?sslmode=%s&sslrootcert=%s", port, sslmode, f.certPath))
	if err != nil {
		return nil, err
	}
	cfg.User, cfg.Password = user, password
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return pgx.ConnectConfig(ctx, cfg)
}

func TestAuthSCRAMAndTokens(t *testing.T) {
	t.Parallel()
	f := startAuthGateway(t, false)
	ok := func(user, pw string) {
		t.Helper()
		c, err := f.dial(user, pw, "verify-full")
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		defer c.Close(context.Background())
		var n int64
		if err := c.QueryRow(context.Background(), "select count(*) from users.customers").Scan(&n); err != nil || n != 10 {
			t.Fatalf("%s: query %d %v", user, n, err)
		}
	}
	fails := func(user, pw, code, sslmode string) {
		t.Helper()
		_, err := f.dial(user, pw, sslmode)
		if got := sqlState(err); got != code {
			t.Fatalf("%s: %v (SQLSTATE %q), want %s", user, err, got, code)
		}
	}
	ok("payments_svc", "s3cret-pw")
	fails("payments_svc", "wrong", "28P01", "verify-full")
	fails("nobody", "s3cret-pw", "28P01", "verify-full")
	// Tokens: user names with @ log in with an OIDC access token.
	ok("ana@example.com", f.token(t, "ana@example.com", nil))
	fails("ana@example.com", f.token(t, "bob@example.com", nil), "28P01", "verify-full")
	fails("ana@example.com", f.token(t, "ana@example.com", func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }), "28P01", "verify-full")
	fails("ana@example.com", f.token(t, "ana@example.com", func(c map[string]any) { c["aud"] = "other" }), "28P01", "verify-full")
	fails("ana@example.com", f.token(t, "ana@example.com", func(c map[string]any) { c["iss"] = "https://evil.example" }), "28000", "verify-full")
	fails("ana@example.com", "not-a-token", "28P01", "verify-full")
	// Plaintext password login is refused (loopback plaintext not allowed here).
	_, err := f.dial("payments_svc", "s3cret-pw", "disable")
	if sqlState(err) != "28000" || !strings.Contains(err.Error(), "TLS") {
		t.Fatalf("plaintext login: %v, want 28000 naming TLS", err)
	}
}

func TestAuthPsql(t *testing.T) {
	t.Parallel()
	f := startAuthGateway(t, false)
	host, port, _ := net.SplitHostPort(f.g.addr)
	run := func(user, pw string) (string, error) {
		cmd := exec.Command("psql", "-X", "-A", "-t", "-h", host, "-p", port, "-U", user, "-d", "lakegate", "-c", "select count(*) from users.customers")
		cmd.Env = append(os.Environ(), "PGPASSWORD="+pw, "PGSSLMODE=require", "PGCONNECT_TIMEOUT=10")
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	if out, err := run("payments_svc", "s3cret-pw"); err != nil || out != "10" {
		t.Fatalf("psql SCRAM: %v %s", err, out)
	}
	tok := f.token(t, "ana@example.com", nil)
	if len(tok) < 500 {
		t.Fatalf("token unexpectedly short: %d", len(tok))
	}
	if out, err := run("ana@example.com", tok); err != nil || out != "10" {
		t.Fatalf("psql token (%d chars via PGPASSWORD): %v %s", len(tok), err, out)
	}
	if out, err := run("payments_svc", "wrong"); err == nil || !strings.Contains(out, "password authentication failed") {
		t.Fatalf("psql wrong password: %v %s", err, out)
	}
}

func TestAuthPlaintextLoopbackWhenAllowed(t *testing.T) {
	t.Parallel()
	f := startAuthGateway(t, true)
	c, err := f.dial("payments_svc", "s3cret-pw", "disable")
	if err != nil {
		t.Fatal(err)
	}
	c.Close(context.Background())
}

// remoteListener makes accepted connections report a non-loopback peer, to
// exercise the server's decision for remote clients without sending traffic
// anywhere but loopback.
type remoteListener struct{ net.Listener }

func (l remoteListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return remoteConn{c}, nil
}

type remoteConn struct{ net.Conn }

func (remoteConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 40000}
}

func TestRemotePlaintextRefused(t *testing.T) {
	t.Parallel()
	for _, withAuth := range []bool{false, true} {
		cfg := server.Config{AllowRemote: withAuth}
		if withAuth {
			acct, _ := auth.NewAccount("svc", "payments", nil, "pw-123456", 4096)
			a, err := auth.New(auth.Config{Accounts: []auth.Account{acct}})
			if err != nil {
				t.Fatal(err)
			}
			cfg.Auth = server.AuthConfig{Authenticator: a, AllowPlaintextLoopback: true}
		}
		g := startGW(t, gwOptions{sizes: demo.Sizes{Customers: 1, Charges: 1, Bounces: 1}, cfg: cfg, wrap: func(l net.Listener) net.Listener { return remoteListener{l} }})
		_, port, _ := net.SplitHostPort(g.addr)
		_, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://svc:pw-123456@127.0.0.1:%s/lakegate?sslmode=disable", port))
		if sqlState(err) != "28000" {
			t.Fatalf("auth=%v: remote plaintext login: %v, want 28000", withAuth, err)
		}
		t.Logf("auth=%v: %v", withAuth, err)
	}
}

// Connection state is found through the connection, not its address:
// clients that share one address (behind a proxy; every Unix socket) each
// keep their own. Here every connection reports the same address; a
// second, plaintext connection accepted while the first is still logging
// in over TLS must not make the first look plaintext (it would be refused
// with "requires TLS").
func TestConnectionsSharingAnAddress(t *testing.T) {
	t.Parallel()
	acct, _ := auth.NewAccount("svc", "payments", nil, "pw-123456", 4096)
	a, err := auth.New(auth.Config{Accounts: []auth.Account{acct}})
	if err != nil {
		t.Fatal(err)
	}
	conf, _, err := tlsutil.LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	g := startGW(t, gwOptions{sizes: demo.Sizes{Customers: 1, Charges: 1, Bounces: 1},
		cfg:  server.Config{TLS: conf, AllowRemote: true, Auth: server.AuthConfig{Authenticator: a}},
		wrap: func(l net.Listener) net.Listener { return remoteListener{l} }})
	cfg, err := pgx.ParseConfig(fmt.Sprintf("postgres://svc:pw-123456@%s/lakegate?sslmode=require", g.addr))
	if err != nil {
		t.Fatal(err)
	}
	var other net.Conn
	defer func() {
		if other != nil {
			other.Close()
		}
	}()
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		// A second client from "the same address", accepted before this
		// one logs in; it sends nothing.
		if other, err = (&net.Dialer{}).DialContext(ctx, network, addr); err != nil {
			return nil, err
		}
		time.Sleep(200 * time.Millisecond) // both accepted
		return c, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("TLS login while another client of the same address waits: %v", err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, "select 1").Scan(&n); err != nil || n != 1 {
		t.Fatalf("select 1: %d %v", n, err)
	}
}
