package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Authenticator checks credentials against a Config. It is safe for
// concurrent use by all connections; build one per config (re)load.
type Authenticator struct {
	accounts       map[string]*account
	issuers        map[string]*issuer
	mockSecret     []byte
	mockIterations int
	httpClient     *http.Client
	now            func() time.Time
}

type account struct {
	Account
	verifier SCRAMVerifier
}

func (a *account) principal(method string) Principal {
	return Principal{Name: a.Name, Groups: slices.Clone(a.Groups), Domain: a.Domain, Method: method}
}

func clonePrincipal(p Principal) Principal {
	p.Groups = slices.Clone(p.Groups)
	return p
}

// Option adjusts an Authenticator.
type Option func(*Authenticator)

// WithHTTPClient sets the client used for OIDC discovery and key fetches
// (default: one with a 10s timeout).
func WithHTTPClient(c *http.Client) Option { return func(a *Authenticator) { a.httpClient = c } }

// WithClock replaces time.Now for token expiry checks and key refresh
// intervals (tests).
func WithClock(now func() time.Time) Option { return func(a *Authenticator) { a.now = now } }

// New validates cfg and builds an Authenticator. It does no network I/O:
// issuers are discovered and their keys fetched on first use.
func New(cfg Config, opts ...Option) (*Authenticator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Authenticator{
		accounts:   make(map[string]*account, len(cfg.Accounts)),
		issuers:    make(map[string]*issuer, len(cfg.OIDC)),
		httpClient: &http.Client{Timeout: 10 * time.Second},
		now:        time.Now,
	}
	for _, o := range opts {
		o(a)
	}
	counts := map[int]int{}
	for _, acc := range cfg.Accounts {
		v, _ := ParseSCRAMVerifier(acc.SCRAM) // checked by Validate
		acc.Groups = slices.Clone(acc.Groups)
		a.accounts[acc.Name] = &account{Account: acc, verifier: v}
		counts[v.Iterations]++
	}
	a.mockIterations = cfg.SCRAMIterations
	if a.mockIterations == 0 {
		a.mockIterations = DefaultSCRAMIterations
		best := 0
		for it, n := range counts {
			if n > best || (n == best && it < a.mockIterations) {
				a.mockIterations, best = it, n
			}
		}
	}
	if cfg.MockSecret != "" {
		a.mockSecret = []byte(cfg.MockSecret)
	} else {
		a.mockSecret = make([]byte, 32)
		if _, err := rand.Read(a.mockSecret); err != nil {
			return nil, fmt.Errorf("auth: mock secret: %w", err)
		}
	}
	for _, o := range cfg.OIDC {
		a.issuers[o.Issuer] = a.newIssuer(o.withDefaults())
	}
	return a, nil
}

// HasAccounts reports whether any SCRAM accounts are configured.
func (a *Authenticator) HasAccounts() bool { return len(a.accounts) > 0 }

// HasIssuers reports whether any OIDC issuers are configured.
func (a *Authenticator) HasIssuers() bool { return len(a.issuers) > 0 }

// VerifyPassword checks a cleartext password (AuthenticationCleartextPassword,
// only ever over TLS). A password shaped like a JWT (three dot-separated
// parts, header starting "eyJ") goes to VerifyToken when issuers are
// configured; anything else is checked against the user's SCRAM verifier.
// Unknown users are checked against a mock verifier at the same cost.
func (a *Authenticator) VerifyPassword(ctx context.Context, user, password string) (Principal, error) {
	if len(a.issuers) > 0 && looksLikeJWT(password) {
		return a.VerifyToken(ctx, user, password)
	}
	acc := a.accounts[user]
	v := a.mockVerifier(user)
	if acc != nil {
		v = acc.verifier
	}
	if ok := v.verifies(password); !ok || acc == nil || password == "" {
		return Principal{}, fmt.Errorf("auth: password for %q: %w", user, ErrBadCredentials)
	}
	return acc.principal(MethodSCRAM), nil
}

func looksLikeJWT(s string) bool {
	return strings.HasPrefix(s, "eyJ") && strings.Count(s, ".") == 2
}
