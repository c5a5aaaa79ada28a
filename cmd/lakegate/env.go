package main

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// Every config key can come from the environment too: LAKEGATE_ and the
// key's path upper-cased, dots as underscores (limits.max_connections ->
// LAKEGATE_LIMITS_MAX_CONNECTIONS). A variable that is set overrides the
// file. Strings are taken as they are; numbers, booleans and durations as
// they would be written in the file ("30s" or 30s); lists and objects
// (catalogs, auth) as JSON.

const envPrefix = "LAKEGATE_"

// envKey is one config key and its environment variable.
type envKey struct {
	Env, Key string
	field    []int // reflect field index path in Config
}

// envKeys lists every config key with its variable, in the order of the
// Config struct.
func envKeys() []envKey {
	var out []envKey
	var walk func(t reflect.Type, key string, index []int)
	walk = func(t reflect.Type, key string, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			k := name
			if key != "" {
				k = key + "." + name
			}
			idx := append(append([]int(nil), index...), i)
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, k, idx)
				continue
			}
			out = append(out, envKey{Env: envPrefix + strings.ToUpper(strings.ReplaceAll(k, ".", "_")), Key: k, field: idx})
		}
	}
	walk(reflect.TypeOf(Config{}), "", nil)
	return out
}

// applyEnv sets the keys whose variables lookup finds.
func applyEnv(cfg *Config, lookup func(string) (string, bool)) error {
	var ps Problems
	v := reflect.ValueOf(cfg).Elem()
	for _, k := range envKeys() {
		raw, ok := lookup(k.Env)
		if !ok {
			continue
		}
		f := v.FieldByIndex(k.field)
		if f.Kind() == reflect.String {
			f.SetString(raw)
			continue
		}
		p := reflect.New(f.Type())
		err := json.Unmarshal([]byte(raw), p.Interface())
		if err != nil {
			// a duration or other value written without JSON's quotes
			if qerr := json.Unmarshal([]byte(strconv.Quote(raw)), p.Interface()); qerr == nil {
				err = nil
			}
		}
		if err != nil {
			ps.add(k.Key, "%s=%q: %v", k.Env, raw, err)
			continue
		}
		f.Set(p.Elem())
	}
	return ps.err()
}
