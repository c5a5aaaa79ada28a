package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestMain lets the test binary run as the lakegate command itself, so a
// test can start a real server process and kill it.
func TestMain(m *testing.M) {
	if args := os.Getenv("LAKEGATE_TEST_RUN_MAIN"); args != "" {
		// LAKEGATE_TEST_NOFILE sets the child's open file limit, soft and
		// hard, as `ulimit -n` would before starting it.
		if n, err := strconv.ParseUint(os.Getenv("LAKEGATE_TEST_NOFILE"), 10, 64); err == nil {
			if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
				fmt.Fprintln(os.Stderr, "setrlimit:", err)
				os.Exit(1)
			}
		}
		os.Args = append([]string{"lakegate"}, strings.Split(args, "\x1f")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startProcess runs `lakegate demo` over dir in a child process, with
// extra demo flags, and returns it with the address it listens on and the
// demo passwords.
func startProcess(t *testing.T, dir string, extra ...string) (*exec.Cmd, string, map[string]string) {
	t.Helper()
	return startProcessWith(t, dir, extra, nil)
}

// startProcessEnv is startProcess with extra environment variables.
func startProcessEnv(t *testing.T, dir string, env ...string) (*exec.Cmd, string, map[string]string) {
	t.Helper()
	return startProcessWith(t, dir, nil, env)
}

func startProcessWith(t *testing.T, dir string, extra, env []string) (*exec.Cmd, string, map[string]string) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "LAKEGATE_TEST_RUN_MAIN="+strings.Join(append([]string{
		"demo", "--listen", addr, "--data", dir, "--seed-sizes", "10,10,10", "--log-level", "warn"}, extra...), "\x1f"))
	cmd.Env = append(cmd.Env, env...)
	out, err := os.Create(filepath.Join(dir, fmt.Sprintf("server-%d.log", time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		passwords := readPasswords(dir)
		if pw := passwords["payments_svc"]; pw != "" {
			c, err := pgx.Connect(context.Background(), connString(addr, "payments_svc", pw))
			if err == nil {
				c.Close(context.Background())
				return cmd, addr, passwords
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(out.Name())
			t.Fatalf("lakegate did not start:\n%s", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func readPasswords(dir string) map[string]string {
	f, err := os.Open(filepath.Join(dir, "demo-passwords.txt"))
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			out[k] = v
		}
	}
	return out
}

func connString(addr, user, pw string) string {
	host, port, _ := net.SplitHostPort(addr)
	return fmt.Sprintf("postgres://%s:%s@%s:%s/lakegate?sslmode=disable", user, pw, host, port)
}

// Killing the server (SIGKILL, no chance to clean up) in the middle of a
// large INSERT leaves the table with all of the statement's rows or none of
// them, after a restart; the table takes writes again.
func TestKillDuringInsertIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	cmd, addr, pw := startProcess(t, dir)
	c, err := pgx.Connect(ctx, connString(addr, "payments_svc", pw["payments_svc"]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `create table payments.big (id bigint not null, label varchar)`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `insert into payments.big values (-1, 'before')`); err != nil {
		t.Fatal(err)
	}
	const rows = 30_000_000
	done := make(chan error, 1)
	go func() {
		_, err := c.Exec(ctx, fmt.Sprintf(`insert into payments.big select i, 'row ' || i from range(%d) t(i)`, rows))
		done <- err
	}()
	// wait until the statement is writing data files, then kill the server
	tableDir := filepath.Join(dir, "warehouse")
	deadline := time.Now().Add(60 * time.Second)
	for staged := 0; staged < 2; {
		staged = countParquet(t, tableDir)
		select {
		case err := <-done:
			t.Fatalf("the INSERT finished before the kill (%v): make it larger", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the INSERT wrote no data file within 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if err := <-done; err == nil {
		t.Fatal("the INSERT reported success although the server was killed")
	}

	c2, n := restartAndCount(t, dir)
	if n != 1 && n != rows+1 {
		t.Fatalf("after the kill the table has %d rows: want 1 (none of the INSERT) or %d (all of it)", n, rows+1)
	}
	t.Logf("after kill and restart: %d rows (the INSERT %s)", n, map[bool]string{true: "committed", false: "left nothing"}[n > 1])
	if tag, err := c2.Exec(ctx, `insert into payments.big values (-2, 'after')`); err != nil || tag.String() != "INSERT 0 1" {
		t.Fatalf("insert after restart: %q %v", tag, err)
	}
	var m int64
	if err := c2.QueryRow(ctx, `select count(*) from payments.big where id < 0`).Scan(&m); err != nil || m != 2 {
		t.Fatalf("rows before/after the kill: %d %v", m, err)
	}
}

func countParquet(t *testing.T, dir string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") && strings.Contains(p, "big") {
			n++
		}
		return nil
	})
	return n
}

// restartAndCount starts lakegate again on dir and counts payments.big
// as payments_svc: what a write interrupted by the stop left.
func restartAndCount(t *testing.T, dir string) (*pgx.Conn, int64) {
	t.Helper()
	ctx := context.Background()
	_, addr, pw := startProcess(t, dir)
	c, err := pgx.Connect(ctx, connString(addr, "payments_svc", pw["payments_svc"]))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(ctx) })
	var n int64
	if err := c.QueryRow(ctx, `select count(*) from payments.big`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return c, n
}
