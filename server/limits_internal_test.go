package server

import (
	"net"
	"testing"
)

// The per-address cap counts an IPv6 client by its /64: one host commonly
// holds a whole /64 and could otherwise open 16 connections per address.
func TestAdmissionKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ip, want string
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"::ffff:10.1.2.3", "10.1.2.3"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"},
		{"::1", "::/64"},
	} {
		if got := admissionKey(&net.TCPAddr{IP: net.ParseIP(tc.ip), Port: 5}); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.ip, got, tc.want)
		}
	}
}
