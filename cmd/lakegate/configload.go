package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
)

// configError is a config that cannot be served, with every problem found.
type configError struct {
	path     string
	problems Problems
}

func (e *configError) Error() string {
	src := "config " + e.path
	if e.path == "" {
		src = "config (environment)"
	}
	return fmt.Sprintf("%s: %d problem(s):\n  %s", src, len(e.problems), strings.ReplaceAll(e.problems.Error(), "\n", "\n  "))
}

func (e *configError) Unwrap() error { return e.problems }

// loadConfig reads a config file (path "" for none), then the LAKEGATE_*
// variables (env.go), and validates the result. Every problem is reported
// at once, each with its key: keys the config does not have, values of the
// wrong type, values Validate refuses.
func loadConfig(path string) (*Config, error) {
	var cfg Config
	var ps Problems
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var raw map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			return nil, &configError{path: path, problems: Problems{{Key: "(file)", Msg: "not a JSON object: " + err.Error()}}}
		}
		ps = append(ps, unknownKeys(raw, reflect.TypeOf(cfg), "")...)
		typeErrs := leafTypeProblems(raw)
		ps = append(ps, typeErrs...)
		if err := json.Unmarshal(b, &cfg); err != nil && len(typeErrs) == 0 {
			ps.add("(file)", "%v", err)
		}
	}
	if err := applyEnv(&cfg, os.LookupEnv); err != nil {
		var ep Problems
		errors.As(err, &ep)
		ps = append(ps, ep...)
	}
	if cfg.DataDir != "" && !filepath.IsAbs(cfg.DataDir) && path != "" {
		cfg.DataDir = filepath.Join(filepath.Dir(path), cfg.DataDir)
	}
	if err := cfg.Validate(); err != nil {
		var vp Problems
		errors.As(err, &vp)
		ps = append(ps, vp...)
	}
	if len(ps) > 0 {
		return nil, &configError{path: path, problems: ps}
	}
	return &cfg, nil
}

// unknownKeys lists the keys of obj that t (a struct) does not have, as
// key paths; objects and lists of objects are checked inside too.
func unknownKeys(obj map[string]any, t reflect.Type, prefix string) Problems {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = t.Field(i).Type
		}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ps Problems
	for _, k := range keys {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		ft, ok := fields[k]
		if !ok {
			ps.add(path, "unknown key")
			continue
		}
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch v := obj[k].(type) {
		case map[string]any:
			if ft.Kind() == reflect.Struct {
				ps = append(ps, unknownKeys(v, ft, path)...)
			}
		case []any:
			et := ft
			if et.Kind() == reflect.Slice {
				et = et.Elem()
			}
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() != reflect.Struct {
				continue
			}
			for i, e := range v {
				if m, ok := e.(map[string]any); ok {
					ps = append(ps, unknownKeys(m, et, fmt.Sprintf("%s[%d]", path, i))...)
				}
			}
		}
	}
	return ps
}

// leafTypeProblems decodes each key of the file on its own into its
// field, so that every value of the wrong type is reported with its key.
func leafTypeProblems(raw map[string]any) Problems {
	var ps Problems
	t := reflect.TypeOf(Config{})
	for _, k := range envKeys() {
		v, ok := lookupPath(raw, strings.Split(k.Key, "."))
		if !ok {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		p := reflect.New(t.FieldByIndex(k.field).Type)
		if err := json.Unmarshal(b, p.Interface()); err != nil {
			var te *json.UnmarshalTypeError
			key := k.Key
			if errors.As(err, &te) && te.Field != "" {
				key += "." + te.Field
				err = fmt.Errorf("%s: want %s", te.Value, te.Type)
			}
			ps.add(key, "%v", err)
		}
	}
	return ps
}

func lookupPath(m map[string]any, path []string) (any, bool) {
	v, ok := m[path[0]]
	if !ok || len(path) == 1 {
		return v, ok
	}
	sub, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	return lookupPath(sub, path[1:])
}
