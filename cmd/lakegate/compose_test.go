package main

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestComposeTopology checks docker-compose.yml without Docker (CI has
// none; `docker compose config` checks the same where it is installed):
// SeaweedFS, an optional PostgreSQL, a one-shot seeding step and two
// replicas on 5433 and 5434 that start after it, all with one config that
// loads and validates, whose catalog and store are services of the file,
// and whose mounted files exist.
func TestComposeTopology(t *testing.T) {
	root := filepath.Join("..", "..")
	raw, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Build       any               `yaml:"build"`
			Command     []string          `yaml:"command"`
			Ports       []string          `yaml:"ports"`
			Volumes     []string          `yaml:"volumes"`
			Environment map[string]string `yaml:"environment"`
			DependsOn   any               `yaml:"depends_on"`
			Profiles    []string          `yaml:"profiles"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"seaweedfs", "postgres", "seed", "lakegate-a", "lakegate-b"} {
		if _, ok := doc.Services[name]; !ok {
			t.Fatalf("no service %s", name)
		}
	}
	if pg := doc.Services["postgres"]; !slices.Contains(pg.Profiles, "postgres") {
		t.Error("postgres is not optional (profile postgres)")
	}
	if sw := doc.Services["seaweedfs"]; !slices.Contains(sw.Command, "mini") || !slices.Contains(sw.Command, "-tableBucket=warehouse") {
		t.Errorf("seaweedfs command %v", sw.Command)
	}
	if cmd := doc.Services["seed"].Command; len(cmd) == 0 || cmd[0] != "seed" {
		t.Errorf("seed command %v", cmd)
	}
	host := map[string]string{"lakegate-a": "127.0.0.1:5433:5433", "lakegate-b": "127.0.0.1:5434:5433"}
	for name, port := range host {
		s := doc.Services[name]
		if len(s.Command) == 0 || s.Command[0] != "serve" || !slices.Contains(s.Ports, port) {
			t.Errorf("%s: command %v ports %v, want serve on %s", name, s.Command, s.Ports, port)
		}
		dep, _ := s.DependsOn.(map[string]any)
		if cond, _ := dep["seed"].(map[string]any); cond["condition"] != "service_completed_successfully" {
			t.Errorf("%s does not wait for the seeding step: %v", name, s.DependsOn)
		}
		if s.Environment["AWS_EC2_METADATA_DISABLED"] != "true" || s.Environment["AWS_ACCESS_KEY_ID"] != doc.Services["seaweedfs"].Environment["AWS_ACCESS_KEY_ID"] {
			t.Errorf("%s: environment %v", name, s.Environment)
		}
		var config string
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			if strings.HasPrefix(parts[0], "./") {
				if _, err := os.Stat(filepath.Join(root, parts[0])); err != nil {
					t.Errorf("%s mounts %s: %v", name, parts[0], err)
				}
				if parts[1] == "/etc/lakegate/lakegate.json" {
					config = filepath.Join(root, parts[0])
				}
			} else if _, ok := doc.Volumes[parts[0]]; !ok {
				t.Errorf("%s: volume %s is not declared", name, parts[0])
			}
		}
		if config == "" {
			t.Fatalf("%s mounts no config", name)
		}
		cfg, err := loadConfig(config)
		if err != nil {
			t.Fatalf("%s: %v", config, err)
		}
		if len(cfg.Catalogs) != 1 {
			t.Fatalf("%s: %d catalogs", config, len(cfg.Catalogs))
		}
		c := cfg.Catalogs[0]
		for _, u := range []string{c.URI, c.Properties["s3.endpoint"]} {
			pu, err := url.Parse(u)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := doc.Services[pu.Hostname()]; !ok {
				t.Errorf("%s: %s is not a service of the file", config, u)
			}
		}
	}
}
