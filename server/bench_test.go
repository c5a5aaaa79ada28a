package server_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/demo"
)

// BenchmarkConnect measures connect + authenticate (+ TLS handshake where
// named) through pgconn, until the first ReadyForQuery:
//
//	go test -tags duckdb_arrow -run '^$' -bench Connect ./server/
func BenchmarkConnect(b *testing.B) {
	f := startAuthGateway(b, true)
	_, port, _ := net.SplitHostPort(f.g.addr)
	token := f.token(b, "ana@example.com", nil)
	trust := startGateway(b, demo.Sizes{Customers: 1, Charges: 1, Bounces: 1})
	_, trustPort, _ := net.SplitHostPort(trust.addr)
	cases := []struct{ name, user, pw, sslmode string }{
		{"trust/plaintext", "analyst", "", "disable"},
		{"scram/plaintext", "payments_svc", "s3cret-pw", "disable"},
		{"scram/tls", "payments_svc", "s3cret-pw", "require"},
		{"jwt-cached-keys/tls", "ana@example.com", token, "require"},
		// A short-lived client's whole life: its first statement, then close
		// (the session's engine comes from the pool of idle engines).
		{"scram/tls/select1", "payments_svc", "s3cret-pw", "require"},
	}
	ctx := context.Background()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			p := port
			if c.name == "trust/plaintext" {
				p = trustPort
			}
			dsn := fmt.Sprintf("postgres://localhost:%s/lakegate?sslmode=%s", p, c.sslmode)
			cfg, err := pgconn.ParseConfig(dsn)
			if err != nil {
				b.Fatal(err)
			}
			cfg.User, cfg.Password = c.user, c.pw
			for i := 0; i < b.N; i++ {
				conn, err := pgconn.ConnectConfig(ctx, cfg)
				if err != nil {
					b.Fatal(err)
				}
				if strings.HasSuffix(c.name, "select1") {
					if _, err := conn.Exec(ctx, "select 1").ReadAll(); err != nil {
						b.Fatal(err)
					}
				}
				conn.Close(ctx)
			}
		})
	}
}
