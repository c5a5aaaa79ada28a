//go:build unix

package main

import (
	"log/slog"
	"syscall"
)

// raiseOpenFileLimit raises the soft limit on open files to the hard limit:
// every client connection holds a descriptor, and the soft limit (often
// 1024) is far below what the server's connection limits allow. The Go
// runtime does the same on Linux; doing it here says so in the log and
// covers platforms where it does not.
func raiseOpenFileLimit(log *slog.Logger) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		log.Warn("cannot read the open file limit", "err", err)
		return
	}
	if lim.Cur < lim.Max {
		soft := lim.Cur
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			log.Warn("cannot raise the open file limit", "soft", soft, "hard", lim.Max, "err", err)
			return
		}
	}
	log.Info("open file limit", "soft", lim.Cur, "hard", lim.Max)
}
