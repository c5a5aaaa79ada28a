package pgsettings

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lakegate/lakegate/planner/write"
)

// Defaults are the session parameters clients may SET and SHOW,
// with their defaults. Anything else is refused: engine settings are not
// the client's to change.
var Defaults = map[string]string{
	"application_name":                    "",
	"bytea_output":                        "hex",
	"client_encoding":                     "UTF8",
	"client_min_messages":                 "notice",
	"datestyle":                           "ISO, MDY",
	"default_transaction_isolation":       "read committed",
	"default_transaction_read_only":       "off",
	"extra_float_digits":                  "1",
	"idle_in_transaction_session_timeout": "0",
	"idle_session_timeout":                "0",
	"intervalstyle":                       "postgres",
	"lock_timeout":                        "0",
	"search_path":                         `"$user", public`,
	"server_encoding":                     "UTF8",
	"server_version":                      "15.0",
	"server_version_num":                  "150000",
	"in_hot_standby":                      "off",
	"default_transaction_deferrable":      "off",
	"transaction_deferrable":              "off",
	"standard_conforming_strings":         "on",
	"statement_timeout":                   "0",
	"timezone":                            "UTC",
	"transaction_isolation":               "read committed",
	"transaction_read_only":               "off",
	"integer_datetimes":                   "on",
	"max_identifier_length":               "63",
	"is_superuser":                        "off",
	"jit":                                 "off",
	"geqo":                                "on",
	"row_security":                        "on",
	"session_authorization":               "",
	"work_mem":                            "4MB",
	// psql's \password reads it to hash the new password, which it then
	// sends in ALTER USER (refused: accounts are not managed by SQL).
	"password_encryption": "scram-sha-256",
	// pg_dump sets it off; lakegate's scans start at the beginning anyway.
	"synchronize_seqscans": "on",
	// lakegate.result_cache: off runs every query, never answering from
	// kept results (resultcache.go), e.g. to time the engine.
	"lakegate.result_cache": "on",
	// lakegate.as_of: a timestamptz that pins every table the session
	// reads to its snapshot at that time ("" reads the latest); see
	// planner.PlanQuery.
	"lakegate.as_of": "",
}

// ReadOnly may be shown but not set.
var ReadOnly = map[string]bool{
	"server_encoding": true, "server_version": true, "server_version_num": true, "integer_datetimes": true,
	"max_identifier_length": true, "is_superuser": true, "session_authorization": true, "in_hot_standby": true,
	"password_encryption": true,
}

// ErrUnknown is returned for SET/SHOW of an unknown parameter.
type ErrUnknown struct{ Name string }

func (e *ErrUnknown) Error() string {
	return fmt.Sprintf("unrecognized configuration parameter %q", e.Name)
}

// ErrReadOnly is returned for SET of a parameter that cannot change.
type ErrReadOnly struct{ Name string }

func (e *ErrReadOnly) Error() string {
	return fmt.Sprintf("parameter %q cannot be changed", e.Name)
}

// showNames are the canonical spellings of settings whose name is not
// all lower case; SHOW names its column with them.
var showNames = map[string]string{"datestyle": "DateStyle", "intervalstyle": "IntervalStyle", "timezone": "TimeZone"}

// Startup checks a parameter of a client's startup packet and returns
// the value the session takes. Parameters that are unknown, read-only or
// that lakegate cannot honour are refused.
func Startup(name, value string) (string, error) {
	name = strings.ToLower(name)
	if _, ok := Defaults[name]; !ok {
		return "", &ErrUnknown{Name: name}
	}
	if ReadOnly[name] {
		return "", &ErrReadOnly{Name: name}
	}
	if name == "client_encoding" {
		// libpq sends the client's locale encoding (client_encoding=auto
		// resolved client-side). lakegate sends UTF8 whatever was asked,
		// and says so in ParameterStatus, which libpq and the drivers obey.
		return "UTF8", nil
	}
	return Check(name, value)
}

// Check validates a value for a setting and returns it in the form
// SHOW reports. Settings that change how lakegate writes values accept only
// what lakegate writes: ISO dates, postgres intervals, UTF8, hex bytea,
// standard-conforming strings.
func Check(name, value string) (string, error) {
	invalid := func() (string, error) {
		return "", &write.EngineError{Kind: write.KindInvalidInput, Msg: fmt.Sprintf("invalid value for parameter \"%s\": \"%s\"", ShowName(name), value)}
	}
	unsupported := func(what string) (string, error) {
		return "", fmt.Errorf("%w: %s = %s: lakegate %s", write.ErrNotSupported, ShowName(name), value, what)
	}
	switch name {
	case "datestyle":
		order := ""
		for _, f := range strings.Split(value, ",") {
			switch strings.ToUpper(strings.TrimSpace(f)) {
			case "ISO":
			case "SQL", "POSTGRES", "GERMAN":
				return unsupported("writes dates in the ISO style only")
			case "MDY", "US", "NONEUROPEAN":
				order = "MDY"
			case "DMY", "EUROPEAN":
				order = "DMY"
			case "YMD":
				order = "YMD"
			case "DEFAULT":
				order = "MDY"
			default:
				return invalid()
			}
		}
		if order == "" {
			order = "MDY"
		}
		return "ISO, " + order, nil
	case "intervalstyle":
		switch strings.ToLower(strings.TrimSpace(value)) {
		case "postgres":
			return "postgres", nil
		case "postgres_verbose", "sql_standard", "iso_8601":
			return unsupported("writes intervals in the postgres style only")
		}
		return invalid()
	case "client_encoding":
		switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(value), "-", "")) {
		case "UTF8", "UNICODE":
			return "UTF8", nil
		}
		return unsupported("sends and reads text as UTF8 only")
	case "bytea_output":
		switch strings.ToLower(value) {
		case "hex":
			return "hex", nil
		case "escape":
			return unsupported("writes bytea in the hex format only")
		}
		return invalid()
	case "standard_conforming_strings":
		b, ok := ParseBool(value)
		if !ok {
			return invalid()
		}
		if !b {
			return unsupported("reads string literals as standard-conforming only")
		}
		return "on", nil
	case "default_transaction_isolation", "transaction_isolation":
		iso, ok := IsolationLevel(value)
		if !ok {
			return invalid()
		}
		return iso, nil
	case "default_transaction_read_only", "transaction_read_only", "default_transaction_deferrable", "transaction_deferrable",
		"jit", "geqo", "row_security", "synchronize_seqscans", "lakegate.result_cache":
		b, ok := ParseBool(value)
		if !ok {
			return invalid()
		}
		if b {
			return "on", nil
		}
		return "off", nil
	case "timezone":
		if !ValidTimeZone(value) {
			return invalid()
		}
	case "statement_timeout", "idle_session_timeout", "idle_in_transaction_session_timeout":
		if value != "0" && ParseTimeout(value) == 0 {
			return invalid()
		}
	}
	return value, nil
}

// ShowName is the spelling SHOW names a setting's column with.
func ShowName(name string) string {
	if n, ok := showNames[name]; ok {
		return n
	}
	return name
}

// ParseBool reads a Postgres boolean setting value.
func ParseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1", "t", "y":
		return true, true
	case "off", "false", "no", "0", "f", "n":
		return false, true
	}
	return false, false
}

// IsolationLevel reads an isolation level as SET and SHOW spell it.
func IsolationLevel(v string) (string, bool) {
	v = strings.Join(strings.Fields(strings.ToLower(v)), " ")
	switch v {
	case "read uncommitted", "read committed", "repeatable read", "serializable":
		return v, true
	case "default":
		return Defaults["default_transaction_isolation"], true
	}
	return "", false
}

// ValidTimeZone reports a time zone name the engine and Go both know.
func ValidTimeZone(tz string) bool {
	_, err := time.LoadLocation(tz)
	return err == nil
}

// IsUTC reports the names of UTC.
func IsUTC(tz string) bool {
	switch strings.ToUpper(tz) {
	case "UTC", "ETC/UTC", "GMT", "ETC/GMT", "Z", "ZULU", "UCT", "UNIVERSAL":
		return true
	}
	return false
}

// Settable checks that SET may change a setting: a known one, or a custom
// (dotted) name, and not read-only.
func Settable(name string) error {
	if _, ok := Defaults[name]; !ok && !strings.Contains(name, ".") {
		return &ErrUnknown{Name: name}
	}
	if ReadOnly[name] {
		return &ErrReadOnly{Name: name}
	}
	return nil
}

// Value checks SET name = value and returns the value as SHOW
// reports it.
func Value(name, value string) (string, error) {
	if err := Settable(name); err != nil {
		return "", err
	}
	if _, ok := Defaults[name]; !ok {
		return value, nil
	}
	return Check(name, value)
}

// ParseTimeout reads a Postgres duration setting: plain numbers are
// milliseconds; units ms, s, min, h, d are accepted.
func ParseTimeout(v string) time.Duration {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "" || v == "0" {
		return 0
	}
	units := []struct {
		suffix string
		d      time.Duration
	}{{"ms", time.Millisecond}, {"min", time.Minute}, {"s", time.Second}, {"h", time.Hour}, {"d", 24 * time.Hour}}
	mult := time.Millisecond
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.d
			break
		}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n * float64(mult))
}
