package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The finding: plain TCP connects that send nothing exhausted the file
// descriptors, "accept4: too many open files" ended Serve and lakegate
// exited (1,100 connects under ulimit -n 1024). Here 5,000 such connects
// hit a real lakegate process whose open file limit is 1024: the server
// stays up, a real client logs in meanwhile from another address and,
// once the idle connects have been closed at the authentication deadline,
// from the flooding address too. Reports the peak RSS and how long idle
// connects lived.
func TestIdleConnectFloodUnderFileLimit(t *testing.T) {
	const (
		connects    = 5000
		parallel    = 64
		nofile      = 1024
		authTimeout = 10 * time.Second // the default authentication_timeout
	)
	dir := t.TempDir()
	cmd, addr, pw := startProcessEnv(t, dir, fmt.Sprintf("LAKEGATE_TEST_NOFILE=%d", nofile))
	pid := cmd.Process.Pid
	if lim := procLine(t, fmt.Sprintf("/proc/%d/limits", pid), "Max open files"); !strings.Contains(lim, strconv.Itoa(nofile)) {
		t.Fatalf("the server's open file limit: %q, want %d", lim, nofile)
	}
	rssBefore := procKB(t, pid, "VmRSS")

	type outcome struct {
		dialErr error
		lived   time.Duration // from connect until the server closed it
		bytes   int           // what the server sent (an ErrorResponse when refused)
	}
	out := make([]outcome, connects)
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	start := time.Now()
	var dialed sync.WaitGroup
	for i := range connects {
		sem <- struct{}{}
		wg.Add(1)
		dialed.Add(1)
		go func() {
			defer wg.Done()
			d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}}
			c, err := d.Dial("tcp", addr)
			<-sem
			dialed.Done()
			if err != nil {
				out[i].dialErr = err
				return
			}
			defer c.Close()
			at := time.Now()
			_ = c.SetReadDeadline(at.Add(authTimeout + 20*time.Second))
			buf := make([]byte, 512)
			for {
				n, err := c.Read(buf)
				out[i].bytes += n
				if err != nil {
					out[i].lived = time.Since(at)
					var ne net.Error
					if errors.As(err, &ne) && ne.Timeout() {
						out[i].dialErr = errors.New("still open 30 s after connecting")
					}
					return
				}
			}
		}()
	}
	dialed.Wait()
	floodTime := time.Since(start)
	fds := countFDs(pid)

	// A real client logs in during the flood, from another address.
	ctx := context.Background()
	loginStart := time.Now()
	c, err := connectFromAddr(ctx, "127.0.0.2", addr, "payments_svc", pw["payments_svc"])
	if err != nil {
		t.Fatalf("login from 127.0.0.2 during the flood: %v (server log: %s)", err, serverLog(dir))
	}
	loginTime := time.Since(loginStart)
	var one int
	if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1 during the flood: %d %v", one, err)
	}
	c.Close(ctx)

	wg.Wait()
	total := time.Since(start)
	var refused, held, failed int
	var heldLives []time.Duration
	for _, o := range out {
		switch {
		case o.dialErr != nil:
			failed++
			if failed == 1 {
				t.Errorf("connect: %v", o.dialErr)
			}
		case o.bytes > 0:
			refused++
		default:
			held++
			heldLives = append(heldLives, o.lived)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d connects failed or were never closed (server log: %s)", failed, connects, serverLog(dir))
	}
	slices.Sort(heldLives)
	if held == 0 {
		t.Fatal("no connect was held until the authentication deadline")
	}
	minLife, maxLife := heldLives[0], heldLives[len(heldLives)-1]
	if minLife < authTimeout-time.Second || maxLife > authTimeout+5*time.Second {
		t.Fatalf("idle connects lived %v..%v; want about the authentication timeout %v", minLife, maxLife, authTimeout)
	}

	// After the deadline the flooding address logs in again too.
	c, err = connectFromAddr(ctx, "127.0.0.1", addr, "payments_svc", pw["payments_svc"])
	if err != nil {
		t.Fatalf("login from 127.0.0.1 after the flood: %v", err)
	}
	if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1 after the flood: %d %v", one, err)
	}
	c.Close(ctx)
	if state := procLine(t, fmt.Sprintf("/proc/%d/status", pid), "State:"); strings.Contains(state, "Z") {
		t.Fatalf("the server exited: %s", serverLog(dir))
	}
	hwm, rss := procKB(t, pid, "VmHWM"), procKB(t, pid, "VmRSS")
	t.Logf("%d idle connects in %v (%d parallel, server open file limit %d, %d fds open in the server after the connects)",
		connects, floodTime.Round(time.Millisecond), parallel, nofile, fds)
	t.Logf("refused at once with 53300: %d; held until the authentication deadline: %d, lived %v..%v; all closed after %v",
		refused, held, minLife.Round(time.Millisecond), maxLife.Round(time.Millisecond), total.Round(time.Millisecond))
	t.Logf("login + select 1 from 127.0.0.2 during the flood: %v", loginTime.Round(time.Millisecond))
	t.Logf("server RSS: %d MiB before the flood, %d MiB after, peak (VmHWM) %d MiB", rssBefore/1024, rss/1024, hwm/1024)
	if hwm > 1<<20 {
		t.Fatalf("peak RSS %d MiB: connects that send nothing must not cost a GiB", hwm/1024)
	}
}

func connectFromAddr(ctx context.Context, src, addr, user, pw string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(connString(addr, user, pw) + "&connect_timeout=10")
	if err != nil {
		return nil, err
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	cfg.DialFunc = d.DialContext
	return pgx.ConnectConfig(ctx, cfg)
}

func procLine(t *testing.T, path, prefix string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), prefix) {
			return sc.Text()
		}
	}
	t.Fatalf("%s: no line %q", path, prefix)
	return ""
}

// procKB reads a "Name:  123 kB" line of /proc/PID/status.
func procKB(t *testing.T, pid int, name string) int64 {
	t.Helper()
	f := strings.Fields(procLine(t, fmt.Sprintf("/proc/%d/status", pid), name+":"))
	if len(f) < 2 {
		t.Fatalf("%s: %v", name, f)
	}
	n, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func countFDs(pid int) int {
	ents, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return len(ents)
}

// serverLog returns the end of the child's log files.
func serverLog(dir string) string {
	ents, _ := os.ReadDir(dir)
	var b strings.Builder
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "server-") {
			data, _ := os.ReadFile(dir + "/" + e.Name())
			if len(data) > 2000 {
				data = data[len(data)-2000:]
			}
			b.Write(data)
		}
	}
	return b.String()
}

// With so few descriptors that accept itself fails with EMFILE (the
// unauthenticated caps allow more connections than the process may open),
// the server retries instead of exiting, and serves again once clients let
// go of their connections.
func TestAcceptEMFILEIsRetried(t *testing.T) {
	const nofile = 64 // the server needs about 30 for itself
	dir := t.TempDir()
	cmd, addr, pw := startProcessEnv(t, dir, fmt.Sprintf("LAKEGATE_TEST_NOFILE=%d", nofile))
	pid := cmd.Process.Pid
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// 200 connections from 8 source addresses are all within the default
	// unauthenticated caps, far more than the descriptors left.
	for i := range 200 {
		d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i%8))}}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connect %d: %v", i, err)
		}
		conns = append(conns, c)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(serverLog(dir), "too many open files") {
		if time.Now().After(deadline) {
			t.Fatalf("accept never failed with EMFILE (%d fds open in the server): %s", countFDs(pid), serverLog(dir))
		}
		time.Sleep(50 * time.Millisecond)
	}
	fds := countFDs(pid)
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	ctx := context.Background()
	start := time.Now()
	var c *pgx.Conn
	var err error
	for {
		c, err = connectFromAddr(ctx, "127.0.0.9", addr, "payments_svc", pw["payments_svc"])
		if err == nil {
			break
		}
		if time.Since(start) > 15*time.Second {
			t.Fatalf("no login within 15 s after the connections closed: %v\n%s", err, serverLog(dir))
		}
		time.Sleep(100 * time.Millisecond)
	}
	defer c.Close(ctx)
	var one int
	if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1: %d %v", one, err)
	}
	if state := procLine(t, fmt.Sprintf("/proc/%d/status", pid), "State:"); strings.Contains(state, "Z") {
		t.Fatalf("the server exited: %s", serverLog(dir))
	}
	t.Logf("accept failed with EMFILE at %d open fds (limit %d); logged in %v after the clients closed",
		fds, nofile, time.Since(start).Round(time.Millisecond))
}
