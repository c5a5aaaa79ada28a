// Package testport picks loopback ports for the servers tests start
// (PostgreSQL, SeaweedFS): free when picked and outside the kernel's
// ephemeral range, so the test process's own outbound connections cannot
// take them first. Must never: bind anything but 127.0.0.1.
package testport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// Free returns n distinct loopback ports that are free now, chosen
// at random below the kernel's ephemeral range (ip_local_port_range): a
// port from the ephemeral range can be claimed by any outbound connection
// of the test process (thousands of them) before the server it is meant
// for binds it. Servers still lose a race now and then (another test's
// listener): callers retry on "address already in use".
func Free(n int) ([]int, error) {
	lo, hi := 10000, ephemeralFloor()
	if hi-lo < 1000 {
		lo, hi = 1024, 65535
	}
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var out []int
	for tries := 0; len(out) < n; tries++ {
		if tries > 1000 {
			return nil, fmt.Errorf("testport: no %d free ports in %d-%d", n, lo, hi)
		}
		p := lo + rand.IntN(hi-lo)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		ls = append(ls, l)
		out = append(out, p)
	}
	return out, nil
}

// ephemeralFloor is the lowest port the kernel hands to outbound
// connections, 32768 when it cannot be read.
func ephemeralFloor() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	v, err := strconv.Atoi(f[0])
	if err != nil {
		return 32768
	}
	return v
}

// Addr is one address from Free, as "127.0.0.1:port".
func Addr() (string, error) {
	p, err := Free(1)
	if err != nil {
		return "", err
	}
	return "127.0.0.1:" + strconv.Itoa(p[0]), nil
}
