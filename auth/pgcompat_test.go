package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// TestPostgresVerifierCompat checks the verifier format both ways against a
// real PostgreSQL 15: a verifier PostgreSQL made works here, and one made
// here lets pgx log in to PostgreSQL with SCRAM.
func TestPostgresVerifierCompat(t *testing.T) {
	pg := pgtest.Start(t)
	db, err := sql.Open("pgx", pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	// One connection for all statements: SET is per session.
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		"SET password_encryption = 'scram-sha-256'",
		"CREATE ROLE u LOGIN PASSWORD 'pw'",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var pgVerifier string
	if err := conn.QueryRowContext(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = 'u'").Scan(&pgVerifier); err != nil {
		t.Fatal(err)
	}
	v, err := ParseSCRAMVerifier(pgVerifier)
	if err != nil {
		t.Fatalf("PostgreSQL's verifier %q: %v", pgVerifier, err)
	}
	if v.String() != pgVerifier {
		t.Errorf("format round trip: %q != %q", v.String(), pgVerifier)
	}
	a, err := New(Config{Accounts: []Account{{Name: "u", SCRAM: pgVerifier}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.VerifyPassword(ctx, "u", "pw"); err != nil {
		t.Errorf("password 'pw' against PostgreSQL's verifier: %v", err)
	}
	if _, err := a.VerifyPassword(ctx, "u", "pw2"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if _, _, err := runSCRAM(t, clientConv(t, "pw"), must(a.StartSCRAM("u"))); err != nil {
		t.Errorf("SCRAM exchange against PostgreSQL's verifier: %v", err)
	}

	// The other way: our verifier, PostgreSQL's SCRAM server, pgx's client.
	ours, err := NewSCRAMVerifier("our pw", 0)
	if err != nil {
		t.Fatal(err)
	}
	var hba string
	if err := conn.QueryRowContext(ctx, "SHOW hba_file").Scan(&hba); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		fmt.Sprintf("CREATE ROLE v LOGIN PASSWORD '%s'", ours),
		"CREATE TEMP TABLE hba(line text)",
		"INSERT INTO hba VALUES ('local all all trust'), ('host all postgres 127.0.0.1/32 trust'), ('host all all 127.0.0.1/32 scram-sha-256')",
		fmt.Sprintf("COPY hba TO '%s'", hba),
		"SELECT pg_reload_conf()",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var stored string
	if err := conn.QueryRowContext(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = 'v'").Scan(&stored); err != nil || stored != ours {
		t.Fatalf("PostgreSQL did not keep our verifier as is: %q, %v", stored, err)
	}
	dsn := func(pw string) string {
		return fmt.Sprintf("postgres://v:%s@127.0.0.1:%d/postgres?sslmode=disable", pw, pg.Port)
	}
	c, err := pgx.Connect(ctx, dsn("our%20pw"))
	if err != nil {
		t.Fatalf("pgx login to PostgreSQL with our verifier: %v", err)
	}
	c.Close(ctx)
	_, err = pgx.Connect(ctx, dsn("wrong"))
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
		t.Fatalf("wrong password against PostgreSQL: %v (is SCRAM really on?)", err)
	}
}

// TestSCRAMWithPgx runs pgx's own SCRAM client (which, like libpq, sends
// "n,,n=,r=...") against a SCRAMConversation behind a minimal backend that
// speaks just the startup and SASL messages.
func TestSCRAMWithPgx(t *testing.T) {
	t.Parallel()
	a := testAuth(t, Config{}, "alice", "pw")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serveSASL(a, c)
		}
	}()
	ctx := context.Background()
	connect := func(user, pw string) error {
		c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://%s:%s@%s/db?sslmode=disable", user, pw, ln.Addr()))
		if err == nil {
			c.Close(ctx)
		}
		return err
	}
	if err := connect("alice", "pw"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	for _, c := range [][2]string{{"alice", "nope"}, {"nobody", "pw"}} {
		err := connect(c[0], c[1])
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
			t.Errorf("%s/%s: %v", c[0], c[1], err)
		}
	}
}

func serveSASL(a *Authenticator, c net.Conn) {
	defer c.Close()
	be := pgproto3.NewBackend(c, c)
	msg, err := be.ReceiveStartupMessage()
	if err != nil {
		return
	}
	sm, ok := msg.(*pgproto3.StartupMessage)
	if !ok {
		return
	}
	fail := func(code string) {
		be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: code, Message: "authentication failed"})
		_ = be.Flush()
	}
	be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{MechanismSCRAMSHA256}})
	if be.Flush() != nil || be.SetAuthType(pgproto3.AuthTypeSASL) != nil {
		return
	}
	m, err := be.Receive()
	init, ok := m.(*pgproto3.SASLInitialResponse)
	if err != nil || !ok || init.AuthMechanism != MechanismSCRAMSHA256 {
		fail("08P01")
		return
	}
	sc, err := a.StartSCRAM(sm.Parameters["user"])
	if err != nil {
		fail("28P01")
		return
	}
	out, _, err := sc.Step(init.Data)
	if err != nil {
		fail("08P01")
		return
	}
	be.Send(&pgproto3.AuthenticationSASLContinue{Data: out})
	if be.Flush() != nil || be.SetAuthType(pgproto3.AuthTypeSASLContinue) != nil {
		return
	}
	m, err = be.Receive()
	resp, ok := m.(*pgproto3.SASLResponse)
	if err != nil || !ok {
		fail("08P01")
		return
	}
	out, _, err = sc.Step(resp.Data)
	switch {
	case errors.Is(err, ErrBadCredentials):
		fail("28P01")
		return
	case err != nil:
		fail("08P01")
		return
	}
	be.Send(&pgproto3.AuthenticationSASLFinal{Data: out})
	be.Send(&pgproto3.AuthenticationOk{})
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if be.Flush() != nil {
		return
	}
	_, _ = be.Receive() // Terminate
}
