package main

import (
	"path/filepath"
	"testing"
)

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := loadConfig(filepath.Join("..", "..", "testdata", "config", "lakegate.json"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:5433" || len(cfg.Catalogs) != 1 || cfg.Catalogs[0].Type != "sql" || cfg.Limits.Threads != 2 {
		t.Fatalf("unexpected config: %+v", cfg)
	}
}

func TestConfigDefaultsToEmbeddedCatalog(t *testing.T) {
	cfg := Config{DataDir: t.TempDir()}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:5433" || len(cfg.Catalogs) != 1 {
		t.Fatalf("defaults not applied: %+v", cfg)
	}
	if err := (&Config{}).Validate(); err == nil {
		t.Fatal("a config without data_dir or catalogs must be rejected")
	}
}
