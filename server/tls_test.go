package server_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/tlsutil"
	"github.com/lakegate/lakegate/server"
)

func TestTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	conf, certPath, err := tlsutil.LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := startGatewayWith(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10}, server.Config{TLS: conf})
	host, port, _ := net.SplitHostPort(g.addr)
	ctx := context.Background()
	for _, mode := range []string{"require", "verify-full&sslrootcert=" + certPath, "disable", "prefer"} {
		c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://analyst@localhost:%s/lakegate?sslmode=%s", port, mode))
		if err != nil {
			t.Fatalf("sslmode=%s: %v", mode, err)
		}
		var n int64
		if err := c.QueryRow(ctx, "select count(*) from users.customers").Scan(&n); err != nil || n != 10 {
			t.Fatalf("sslmode=%s: %d %v", mode, n, err)
		}
		encrypted := c.PgConn().Conn() != nil && fmt.Sprintf("%T", c.PgConn().Conn()) == "*tls.Conn"
		if want := mode != "disable"; encrypted != want {
			t.Fatalf("sslmode=%s: encrypted=%v", mode, encrypted)
		}
		c.Close(ctx)
	}
	// psql over TLS.
	cmd := exec.Command("psql", "-X", "-A", "-t", "-h", host, "-p", port, "-U", "analyst", "-d", "lakegate",
		"-c", "select count(*) from users.customers")
	cmd.Env = append(os.Environ(), "PGSSLMODE=require", "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "10" {
		t.Fatalf("psql sslmode=require: %v %s", err, out)
	}
}

func TestTLSNotConfiguredRefusesRequire(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	_, port, _ := net.SplitHostPort(g.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := pgx.Connect(ctx, fmt.Sprintf("postgres://analyst@127.0.0.1:%s/lakegate?sslmode=require", port)); err == nil ||
		!strings.Contains(err.Error(), "refused TLS") && !strings.Contains(err.Error(), "SSL") && !strings.Contains(err.Error(), "TLS") {
		t.Fatalf("sslmode=require without server TLS: %v", err)
	}
}
