package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/benchkit"
)

// lakegateProc is a running `lakegate serve`.
type lakegateProc struct {
	cmd  *exec.Cmd
	pid  int
	addr string
	log  string
	done chan struct{}
}

// startLakegate runs `lakegate serve --config cfgPath` and waits until dsn
// answers a ping.
func startLakegate(ctx context.Context, bin, cfgPath, addr, logPath string, dsn func(addr string) string) (*lakegateProc, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start lakegate: %w", err)
	}
	p := &lakegateProc{cmd: cmd, pid: cmd.Process.Pid, addr: addr, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logFile.Close(); close(p.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("lakegate exited during startup:\n%s", b)
		default:
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		c, err := pgx.Connect(cctx, dsn(addr))
		if err == nil {
			err = c.Ping(cctx)
			c.Close(cctx)
		}
		cancel()
		if err == nil {
			return p, nil
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("lakegate did not accept connections within 60s: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *lakegateProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// rssSampler records the largest RSS of pid until stopped (a check that
// the peak is not a single spike missed between reads of VmHWM).
type rssSampler struct {
	stopc chan struct{}
	wg    sync.WaitGroup
	max   int64
}

func sampleRSS(pid string, every time.Duration) *rssSampler {
	s := &rssSampler{stopc: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if m, err := benchkit.Status(pid); err == nil {
				s.max = max(s.max, m.RSS)
			}
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) stop() int64 {
	close(s.stopc)
	s.wg.Wait()
	return s.max
}

// postgres is a throwaway PostgreSQL 15 cluster (Debian's package), as in
// internal/pgtest but for a command rather than a test.
type postgres struct {
	dir, data string
	port      int
}

const pgBin = "/usr/lib/postgresql/15/bin"

func startPostgres() (*postgres, error) {
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		return nil, fmt.Errorf("PostgreSQL 15 is not installed (apt-get install postgresql-15): %w", err)
	}
	dir, err := os.MkdirTemp("", "lakegate-bench-pg-")
	if err != nil {
		return nil, err
	}
	pg := &postgres{dir: dir, data: filepath.Join(dir, "data")}
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: run the server as postgres.
		if out, err := exec.Command("chown", "postgres:postgres", dir).CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("chown %s: %v: %s", dir, err, out)
		}
	}
	if out, err := pg.cmd("initdb", "-D", pg.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	addr, err := benchkit.FreeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	pg.port, _ = strconv.Atoi(port)
	// Durability off: the benchmark measures reads, and loading is faster.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=1GB -c max_wal_size=4GB", pg.port, dir)
	if out, err := pg.cmd("pg_ctl", "-D", pg.data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	if autogroupNice != 0 {
		// The cluster's own session: its backends get the CPU as lakegate does.
		if _, err := setAutogroupNice(pg.pid(), autogroupNice); err != nil {
			pg.stop()
			return nil, fmt.Errorf("-autogroup-nice: PostgreSQL: %w", err)
		}
	}
	return pg, nil
}

func (pg *postgres) cmd(name string, args ...string) *exec.Cmd {
	bin := filepath.Join(pgBin, name)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

func (pg *postgres) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
}

// pid is the postmaster's process id.
func (pg *postgres) pid() int {
	b, err := os.ReadFile(filepath.Join(pg.data, "postmaster.pid"))
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	return n
}

func (pg *postgres) stop() {
	_ = pg.cmd("pg_ctl", "-D", pg.data, "-m", "immediate", "stop").Run()
	os.RemoveAll(pg.dir)
}
