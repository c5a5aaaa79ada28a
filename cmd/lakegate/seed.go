package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
)

// runSeed creates the demo domains (users, payments, comms) in the first
// catalog of a config, unless they are there already, and exits: the
// one-shot seeding step of a deployment whose replicas share a catalog
// (docker-compose.yml), which `serve` never does on its own.
func runSeed(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	path := fs.String("config", "", "config file (JSON); LAKEGATE_* variables override it")
	sizes := fs.String("seed-sizes", "", "rows to seed as customers,charges,bounces (default 100000,2000000,50000)")
	retry := fs.Duration("wait", time.Minute, "how long to wait for the catalog to answer")
	_ = fs.Parse(args)
	if *path == "" && !envConfigured() {
		return errors.New("seed: --config is required (or LAKEGATE_* variables)")
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	sz, err := seedSizes(*sizes)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg.LogLevel, cfg.LogFormat)
	// The catalog and the store may still be starting (compose starts
	// services together): try again until -wait is over.
	deadline := time.Now().Add(*retry)
	var cat *catalog.Catalog
	for {
		cat, err = catalog.Open(ctx, cfg.Catalogs, catalog.Options{Logger: log})
		if err == nil {
			if _, err = cat.Schemas(ctx); err == nil {
				break
			}
			cat.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("seed: %w", err)
		}
		log.Info("seed: waiting for the catalog", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	defer cat.Close()
	if demo.Seeded(ctx, cat) {
		fmt.Println("the demo domains are there already")
		return nil
	}
	start := time.Now()
	if err := demo.Seed(ctx, cat, sz, func(s string) { fmt.Println("  " + s) }); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Printf("seeded in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// seedSizes reads --seed-sizes "customers,charges,bounces"; "" is the
// demo's default.
func seedSizes(s string) (demo.Sizes, error) {
	sz := demo.DefaultSizes
	if s != "" {
		if _, err := fmt.Sscanf(s, "%d,%d,%d", &sz.Customers, &sz.Charges, &sz.Bounces); err != nil {
			return sz, fmt.Errorf("--seed-sizes: %w", err)
		}
	}
	return sz, nil
}
