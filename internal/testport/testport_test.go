package testport

import (
	"net"
	"strconv"
	"testing"
)

func TestFreeBelowEphemeralRange(t *testing.T) {
	ports, err := Free(12)
	if err != nil {
		t.Fatal(err)
	}
	floor, seen := ephemeralFloor(), map[int]bool{}
	for _, p := range ports {
		if seen[p] {
			t.Fatalf("port %d twice in %v", p, ports)
		}
		seen[p] = true
		if floor > 11000 && (p < 10000 || p >= floor) {
			t.Fatalf("port %d outside 10000-%d", p, floor)
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			t.Fatalf("port %d not free after Free returned: %v", p, err)
		}
		l.Close()
	}
}
