// Package weedtest starts a throwaway SeaweedFS (`weed mini`: a real S3
// store with an embedded Iceberg REST catalog) for tests that need object
// storage, the way internal/pgtest starts PostgreSQL.
//
// The binary is built once by scripts/seaweedfs.sh (scripts/test.sh runs
// it) and cached outside the repository; LAKEGATE_WEED names another
// binary. Without one the test fails, it is not skipped: the test command
// always provides it.
//
// Everything listens on 127.0.0.1 only, on free ports, with a data
// directory of its own; the process is stopped when the test ends. Must
// never: contact anything but loopback (AWS_EC2_METADATA_DISABLED is set
// for the process and the test, so the AWS SDK never asks the EC2 metadata
// address for credentials).
package weedtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lakegate/lakegate/internal/testport"
)

// Version is the SeaweedFS module version scripts/seaweedfs.sh builds.
const Version = "v0.0.0-20261109003541-7506e5f91cd6"

// Bucket is the table bucket the REST catalog keeps its tables in.
const Bucket = "warehouse"

// Region is the region the store's SigV4 checks expect.
const Region = "us-east-1"

// Server is a running SeaweedFS owned by one test.
type Server struct {
	// S3 is the S3 endpoint (path-style), CatalogURI the Iceberg REST
	// catalog's.
	S3, CatalogURI string
	// AccessKey and SecretKey are the store's one identity (random per
	// server): the REST catalog and S3 accept requests signed with them.
	AccessKey, SecretKey string

	bin   string
	dir   string
	filer string
	args  []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	log  *lockedWriter
	done chan struct{}
}

// Binary finds the weed binary: LAKEGATE_WEED, else the cache
// scripts/seaweedfs.sh builds into.
func Binary() (string, error) {
	if p := os.Getenv("LAKEGATE_WEED"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("LAKEGATE_WEED=%s: %w", p, err)
		}
		return p, nil
	}
	cache := os.Getenv("LAKEGATE_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		cache = filepath.Join(home, ".cache", "lakegate")
	}
	p := filepath.Join(cache, "weed-"+Version)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("SeaweedFS binary not found at %s: run scripts/seaweedfs.sh (scripts/test.sh does) or set LAKEGATE_WEED", p)
	}
	return p, nil
}

// Start runs `weed mini` on free loopback ports in a temporary directory
// and waits until S3 and the REST catalog answer. It fails the test when
// the binary is missing; the server is stopped and its directory removed
// when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Launch()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Launch is Start for programs that are not tests (the benchmarks): the
// caller ends the server with Close.
func Launch() (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	// The SDK in this process (REST SigV4, S3 FileIO) must never look for
	// credentials at the EC2 metadata address.
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	dir, err := os.MkdirTemp("", "lakegate-weed-")
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, dir: dir, AccessKey: "LG" + randHex(9), SecretKey: randHex(20)}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// A port found free can still be taken before weed binds it (another
	// test's listener); weed then exits with "address already in use" and
	// a second try on other ports is the fix.
	for attempt := 1; ; attempt++ {
		ports, err := testport.Free(12)
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s.setPorts(ports)
		err = s.start()
		if err == nil {
			return s, nil
		}
		if attempt == 3 || !strings.Contains(err.Error(), "address already in use") {
			os.RemoveAll(dir)
			return nil, err
		}
		os.RemoveAll(filepath.Join(dir, "data"))
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// setPorts points the server's arguments and addresses at ports.
func (s *Server) setPorts(ports []int) {
	dir := s.dir
	s.S3 = fmt.Sprintf("http://127.0.0.1:%d", ports[6])
	s.filer = fmt.Sprintf("http://127.0.0.1:%d", ports[2])
	s.CatalogURI = fmt.Sprintf("http://127.0.0.1:%d", ports[8])
	s.args = []string{"mini", "-dir=" + filepath.Join(dir, "data"), "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-tableBucket=" + Bucket,
		"-master.port=" + strconv.Itoa(ports[0]), "-master.port.grpc=" + strconv.Itoa(ports[1]),
		"-filer.port=" + strconv.Itoa(ports[2]), "-filer.port.grpc=" + strconv.Itoa(ports[3]),
		"-volume.port=" + strconv.Itoa(ports[4]), "-volume.port.grpc=" + strconv.Itoa(ports[5]),
		"-s3.port=" + strconv.Itoa(ports[6]), "-s3.port.grpc=" + strconv.Itoa(ports[7]),
		"-s3.port.iceberg=" + strconv.Itoa(ports[8]), "-s3.port.lance=0",
		"-webdav=false", "-webdav.port=" + strconv.Itoa(ports[9]),
		"-admin.ui=false", "-admin.port=" + strconv.Itoa(ports[10]), "-admin.port.grpc=" + strconv.Itoa(ports[11]),
		"-filer.localSocket=" + filepath.Join(dir, "filer.sock"), "-s3.localSocket=" + filepath.Join(dir, "s3.sock"),
	}
}

// Close stops the server and removes its directory.
func (s *Server) Close() {
	s.Stop()
	os.RemoveAll(s.dir)
}

// Restart starts the server again after Stop, on the same ports and data.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		return fmt.Errorf("weedtest: Restart while running")
	}
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID="+s.AccessKey, "AWS_SECRET_ACCESS_KEY="+s.SecretKey, "AWS_EC2_METADATA_DISABLED=true")
	log := &lockedWriter{w: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("start weed: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.cmd, s.log, s.done = cmd, log, done
	s.mu.Unlock()
	if err := s.waitReady(done, 90*time.Second); err != nil {
		out := s.Log()
		s.Stop()
		return fmt.Errorf("weed mini did not come up: %w\n%s", err, out)
	}
	return nil
}

// waitReady polls S3 and the REST catalog until both answer HTTP, and the
// filer until the table bucket exists (weed creates it just after its
// servers are up).
func (s *Server) waitReady(done chan struct{}, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cl := &http.Client{Timeout: 2 * time.Second}
	get := func(u string) (string, bool) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		req.Header.Set("Accept", "application/json")
		resp, err := cl.Do(req)
		if err != nil {
			return "", false
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return string(body), err == nil && resp.StatusCode < 500
	}
	tableBucket := func() bool {
		body, ok := get(s.filer + "/buckets/?limit=1000")
		return ok && strings.Contains(body, `"FullPath":"/buckets/`+Bucket+`"`) && strings.Contains(body, "s3tables.tableBucket")
	}
	for {
		_, s3ok := get(s.S3 + "/")
		_, catok := get(s.CatalogURI + "/v1/config")
		if s3ok && catok && tableBucket() {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("weed exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Stop ends the server (its process group) and waits for it; the data
// directory stays for Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// Log is what the server wrote so far.
func (s *Server) Log() string {
	s.mu.Lock()
	l := s.log
	s.mu.Unlock()
	if l == nil {
		return ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

// Properties are the iceberg-go properties that reach this server's S3 and
// sign REST catalog requests with its keys.
func (s *Server) Properties() map[string]string {
	return map[string]string{
		"s3.endpoint":          s.S3,
		"s3.region":            Region,
		"s3.access-key-id":     s.AccessKey,
		"s3.secret-access-key": s.SecretKey,
		"s3.path-style-access": "true",
		"rest.sigv4-enabled":   "true",
		"rest.signing-region":  Region,
		"rest.signing-name":    "s3tables",
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w.Len() > 4<<20 {
		l.w.Reset()
	}
	return l.w.Write(p)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
