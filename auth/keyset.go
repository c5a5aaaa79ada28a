package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
)

// keySet is an oidc.KeySet for one issuer that, unlike go-oidc's
// RemoteKeySet, bounds how often the issuer is contacted: keys are cached,
// an unknown key id triggers a fetch only if none happened in the last
// refresh interval, and a key id still unknown after a fetch is remembered
// as unknown for negativeTTL. So tokens with made-up key ids cost the IdP at
// most one request per interval, whatever their number.
//
// A side effect: a token signed with a key the IdP publishes less than an
// interval after someone else's unknown-kid fetch is refused until the next
// allowed fetch.
type keySet struct {
	issuer   string
	client   *http.Client
	now      func() time.Time
	interval time.Duration
	negTTL   time.Duration
	algs     []jose.SignatureAlgorithm

	mu          sync.Mutex
	jwksURL     string // configured, or found by discovery
	keys        []jose.JSONWebKey
	lastAttempt time.Time            // of the last fetch, successful or not
	inflight    chan struct{}        // closed when the running fetch ends
	unknown     map[string]time.Time // kid -> when a fetch did not find it
}

// maxUnknownKids bounds the negative cache; when full it is cleared, which
// costs at most one extra (still rate-limited) fetch.
const maxUnknownKids = 4096

// maxJWKSBytes bounds a JWKS response.
const maxJWKSBytes = 1 << 20

// fetchTimeout bounds one discovery+JWKS fetch. It runs detached from the
// caller's context because other connections may be waiting on it.
const fetchTimeout = 10 * time.Second

var errUnknownKey = errors.New("auth: no key for the token's key id")

func newKeySet(o OIDCIssuer, client *http.Client, now func() time.Time) *keySet {
	ks := &keySet{
		issuer:   o.Issuer,
		client:   client,
		now:      now,
		interval: time.Duration(o.KeyRefreshInterval),
		jwksURL:  o.JWKSURL,
		unknown:  map[string]time.Time{},
	}
	ks.negTTL = 10 * ks.interval
	for _, a := range o.Algorithms {
		ks.algs = append(ks.algs, jose.SignatureAlgorithm(a))
	}
	return ks
}

var _ oidc.KeySet = (*keySet)(nil)

// VerifySignature implements oidc.KeySet: it returns the payload of jwt if a
// cached (or, within the rate limit, freshly fetched) key of the issuer
// verifies its signature.
func (ks *keySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	jws, err := jose.ParseSigned(jwt, ks.algs)
	if err != nil {
		return nil, fmt.Errorf("auth: parse jws: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, fmt.Errorf("auth: jws has %d signatures, want 1", len(jws.Signatures))
	}
	h := jws.Signatures[0].Header
	kid, alg := h.KeyID, h.Algorithm
	fetched := false
	for {
		ks.mu.Lock()
		cands, kidKnown := ks.match(kid, alg)
		if len(cands) == 0 && kidKnown {
			// The issuer has this key; it just does not fit the header's
			// algorithm. A refetch would not change that.
			ks.mu.Unlock()
			return nil, fmt.Errorf("auth: key %q does not fit algorithm %s", truncate(kid, 64), truncate(alg, 16))
		}
		if len(cands) > 0 {
			ks.mu.Unlock()
			for _, k := range cands {
				if payload, err := jws.Verify(k.Key); err == nil {
					return payload, nil
				}
			}
			return nil, errors.New("auth: signature does not verify")
		}
		now := ks.now()
		if fetched {
			ks.mu.Unlock()
			return nil, fmt.Errorf("%w %q", errUnknownKey, truncate(kid, 64))
		}
		if t, ok := ks.unknown[kid]; ok && now.Sub(t) < ks.negTTL {
			ks.mu.Unlock()
			return nil, fmt.Errorf("%w %q (cached)", errUnknownKey, truncate(kid, 64))
		}
		if ch := ks.inflight; ch != nil {
			ks.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			fetched = true
			continue
		}
		if !ks.lastAttempt.IsZero() && now.Sub(ks.lastAttempt) < ks.interval {
			ks.mu.Unlock()
			return nil, fmt.Errorf("%w %q (key refresh rate-limited)", errUnknownKey, truncate(kid, 64))
		}
		ch := make(chan struct{})
		ks.inflight, ks.lastAttempt = ch, now
		jwksURL := ks.jwksURL
		ks.mu.Unlock()

		keys, newURL, ferr := ks.fetch(context.WithoutCancel(ctx), jwksURL)

		ks.mu.Lock()
		if ferr == nil {
			ks.keys, ks.jwksURL = keys, newURL
			if _, known := ks.match(kid, alg); !known {
				if len(ks.unknown) >= maxUnknownKids {
					clear(ks.unknown)
				}
				ks.unknown[kid] = now
			}
		}
		ks.inflight = nil
		close(ch)
		ks.mu.Unlock()
		if ferr != nil {
			return nil, ferr
		}
		fetched = true
	}
}

// match returns the cached keys that may have signed a token with this kid
// and alg: same kid (any key if the token has none), a compatible key type,
// and the JWK's own "alg" if it declares one. kidKnown reports whether a
// key with that kid exists at all. Callers hold mu.
func (ks *keySet) match(kid string, alg string) (out []jose.JSONWebKey, kidKnown bool) {
	for _, k := range ks.keys {
		if kid != "" && k.KeyID != kid {
			continue
		}
		kidKnown = kid != ""
		if k.Algorithm != "" && k.Algorithm != alg {
			continue
		}
		switch k.Key.(type) {
		case *rsa.PublicKey:
			if !strings.HasPrefix(alg, "RS") && !strings.HasPrefix(alg, "PS") {
				continue
			}
		case *ecdsa.PublicKey:
			if !strings.HasPrefix(alg, "ES") {
				continue
			}
		default:
			continue
		}
		out = append(out, k)
	}
	return out, kidKnown
}

// fetch discovers the JWKS URL if needed and downloads the key set, keeping
// only RSA and ECDSA public signing keys.
func (ks *keySet) fetch(ctx context.Context, jwksURL string) ([]jose.JSONWebKey, string, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	if jwksURL == "" {
		p, err := oidc.NewProvider(oidc.ClientContext(ctx, ks.client), ks.issuer)
		if err != nil {
			return nil, "", fmt.Errorf("auth: discover %s: %w", ks.issuer, err)
		}
		var d struct {
			JWKSURL string `json:"jwks_uri"`
		}
		if err := p.Claims(&d); err != nil {
			return nil, "", fmt.Errorf("auth: discover %s: %w", ks.issuer, err)
		}
		if err := secureURL(d.JWKSURL); err != nil {
			return nil, "", fmt.Errorf("auth: discover %s: jwks_uri: %w", ks.issuer, err)
		}
		jwksURL = d.JWKSURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, jwksURL, nil)
	if err != nil {
		return nil, "", fmt.Errorf("auth: fetch keys %s: %w", jwksURL, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := ks.client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("auth: fetch keys: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("auth: fetch keys %s: %w", jwksURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("auth: fetch keys %s: HTTP %s", jwksURL, resp.Status)
	}
	if len(body) > maxJWKSBytes {
		return nil, "", fmt.Errorf("auth: fetch keys %s: response over %d bytes", jwksURL, maxJWKSBytes)
	}
	// Decode key by key: one key of a type go-jose does not know (an IdP
	// may publish OKP or post-quantum keys) must not hide the others.
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, "", fmt.Errorf("auth: fetch keys %s: %w", jwksURL, err)
	}
	var keys []jose.JSONWebKey
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil || (k.Use != "" && k.Use != "sig") {
			continue
		}
		switch k.Key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
			keys = append(keys, k)
		}
	}
	return keys, jwksURL, nil
}
