package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Account is a password (SCRAM) login. SCRAM holds a verifier in PostgreSQL's
// format, never a password; `lakegate user add` produces it (NewAccount).
type Account struct {
	Name   string   `json:"name"`
	Domain string   `json:"domain,omitempty"`
	Groups []string `json:"groups,omitempty"`
	SCRAM  string   `json:"scram"`
}

// OIDCIssuer lets the holders of access tokens from one issuer log in, with
// the token as the password.
type OIDCIssuer struct {
	// Issuer is the exact "iss" value, e.g. https://idp.example.com/realms/x.
	Issuer string `json:"issuer"`
	// Audience must be one of the token's "aud" values.
	Audience string `json:"audience"`
	// UsernameClaim holds the login name, which must equal the startup user.
	// Default "preferred_username", falling back to "sub" when the token has
	// none. An explicitly configured claim has no fallback.
	UsernameClaim string `json:"username_claim,omitempty"`
	// GroupsClaim holds the groups: a JSON array of strings or one string.
	// Default "groups". Dotted paths reach into objects ("realm_access.roles").
	GroupsClaim string `json:"groups_claim,omitempty"`
	// DomainClaim holds the principal's domain. Default "domain".
	DomainClaim string `json:"domain_claim,omitempty"`
	// JWKSURL, if set, is used instead of OIDC discovery.
	JWKSURL string `json:"jwks_url,omitempty"`
	// Algorithms restricts the accepted signature algorithms. Default and
	// upper bound: RS256/384/512, ES256/384/512, PS256/384/512.
	Algorithms []string `json:"algorithms,omitempty"`
	// KeyRefreshInterval is the least time between two fetches of the
	// issuer's keys (unknown key ids trigger a fetch). Default 30s.
	KeyRefreshInterval Duration `json:"key_refresh_interval,omitempty"`
}

// Config configures an Authenticator. The zero value is valid: no accounts
// and no issuers, so every credential is refused.
type Config struct {
	Accounts []Account    `json:"accounts,omitempty"`
	OIDC     []OIDCIssuer `json:"oidc,omitempty"`
	// MockSecret derives the fake SCRAM salts shown for unknown users. Set it
	// (any long random string) so that they stay the same across restarts,
	// as a real user's salt does; empty means random per process.
	MockSecret string `json:"mock_secret,omitempty"`
	// SCRAMIterations is the iteration count shown for unknown users.
	// Default: the most common count among the accounts, else 4096.
	SCRAMIterations int `json:"scram_iterations,omitempty"`
	// Limiter configures the brute-force slowdown (see NewLimiter).
	Limiter LimiterConfig `json:"limiter,omitzero"`
}

// SigningAlgorithms are the JWS algorithms lakegate can accept: asymmetric
// only. HS* (a shared secret, which an attacker could pick from the public
// key bytes) and "none" are never accepted.
var SigningAlgorithms = []string{
	"RS256", "RS384", "RS512",
	"ES256", "ES384", "ES512",
	"PS256", "PS384", "PS512",
}

// DefaultKeyRefreshInterval is the default OIDCIssuer.KeyRefreshInterval.
const DefaultKeyRefreshInterval = 30 * time.Second

// maxNameLen is PostgreSQL's NAMEDATALEN-1: longer role names cannot exist.
const maxNameLen = 63

// Validate checks the config. It does not contact issuers.
func (c *Config) Validate() error {
	seen := map[string]bool{}
	for i, a := range c.Accounts {
		if err := validName(a.Name); err != nil {
			return fmt.Errorf("auth: accounts[%d]: %w", i, err)
		}
		if seen[a.Name] {
			return fmt.Errorf("auth: accounts[%d]: duplicate account %q", i, a.Name)
		}
		seen[a.Name] = true
		if a.SCRAM == "" {
			return fmt.Errorf("auth: account %q: no scram verifier (create one with `lakegate user add`)", a.Name)
		}
		if _, err := ParseSCRAMVerifier(a.SCRAM); err != nil {
			return fmt.Errorf("auth: account %q: %w", a.Name, err)
		}
		for _, g := range a.Groups {
			if strings.TrimSpace(g) == "" {
				return fmt.Errorf("auth: account %q: empty group name", a.Name)
			}
		}
	}
	issuers := map[string]bool{}
	for i, o := range c.OIDC {
		if err := o.validate(); err != nil {
			return fmt.Errorf("auth: oidc[%d]: %w", i, err)
		}
		if issuers[o.Issuer] {
			return fmt.Errorf("auth: oidc[%d]: duplicate issuer %q", i, o.Issuer)
		}
		issuers[o.Issuer] = true
	}
	if c.SCRAMIterations != 0 && c.SCRAMIterations < MinSCRAMIterations {
		return fmt.Errorf("auth: scram_iterations %d below %d", c.SCRAMIterations, MinSCRAMIterations)
	}
	if err := c.Limiter.Validate(); err != nil {
		return err
	}
	return nil
}

func validName(n string) error {
	switch {
	case n == "":
		return errors.New("empty name")
	case len(n) > maxNameLen:
		return fmt.Errorf("name %q longer than %d bytes", n, maxNameLen)
	case strings.ContainsRune(n, 0):
		return errors.New("name contains NUL")
	}
	return nil
}

func (o *OIDCIssuer) validate() error {
	if o.Issuer == "" {
		return errors.New("issuer is empty")
	}
	if err := secureURL(o.Issuer); err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	if o.JWKSURL != "" {
		if err := secureURL(o.JWKSURL); err != nil {
			return fmt.Errorf("jwks_url: %w", err)
		}
	}
	// Without an audience any token the issuer minted for any client would
	// log in here.
	if o.Audience == "" {
		return fmt.Errorf("issuer %q: audience is empty", o.Issuer)
	}
	for _, a := range o.Algorithms {
		if !slices.Contains(SigningAlgorithms, a) {
			return fmt.Errorf("issuer %q: algorithm %q not allowed (allowed: %s)", o.Issuer, a, strings.Join(SigningAlgorithms, ", "))
		}
	}
	if o.KeyRefreshInterval < 0 {
		return fmt.Errorf("issuer %q: negative key_refresh_interval", o.Issuer)
	}
	return nil
}

// secureURL accepts https URLs, and http only for loopback hosts (tests, a
// sidecar IdP): keys fetched over plain http from elsewhere could be forged.
func secureURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	switch u.Scheme {
	case "https":
	case "http":
		h := u.Hostname()
		if ip := net.ParseIP(h); h != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("%q: plain http only for loopback hosts", s)
		}
	default:
		return fmt.Errorf("%q: scheme must be https", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q: no host", s)
	}
	return nil
}

func (o OIDCIssuer) withDefaults() OIDCIssuer {
	if o.UsernameClaim == "" {
		o.UsernameClaim = "preferred_username"
	}
	if o.GroupsClaim == "" {
		o.GroupsClaim = "groups"
	}
	if o.DomainClaim == "" {
		o.DomainClaim = "domain"
	}
	if len(o.Algorithms) == 0 {
		o.Algorithms = SigningAlgorithms
	}
	if o.KeyRefreshInterval == 0 {
		o.KeyRefreshInterval = Duration(DefaultKeyRefreshInterval)
	}
	return o
}

// NewAccount builds the account entry that `lakegate user add` appends to the
// config: the password is turned into a SCRAM verifier and forgotten.
// iterations <= 0 means DefaultSCRAMIterations.
func NewAccount(name, domain string, groups []string, password string, iterations int) (Account, error) {
	if err := validName(name); err != nil {
		return Account{}, fmt.Errorf("auth: new account: %w", err)
	}
	v, err := NewSCRAMVerifier(password, iterations)
	if err != nil {
		return Account{}, fmt.Errorf("auth: new account %q: %w", name, err)
	}
	var gs []string
	for _, g := range groups {
		if g = strings.TrimSpace(g); g != "" && !slices.Contains(gs, g) {
			gs = append(gs, g)
		}
	}
	return Account{Name: name, Domain: domain, Groups: gs, SCRAM: v}, nil
}

// AccountJSON is NewAccount rendered as the indented JSON object to paste
// into the config's "accounts" list.
func AccountJSON(name, domain string, groups []string, password string) ([]byte, error) {
	a, err := NewAccount(name, domain, groups, password, 0)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(a, "", "  ")
}

// Duration is a time.Duration that reads and writes JSON as "30s" (a number
// is taken as nanoseconds).
type Duration time.Duration

// MarshalJSON writes d as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads "1m30s" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("duration: want a string like \"30s\": %w", err)
	}
	*d = Duration(n)
	return nil
}
