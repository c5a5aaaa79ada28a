package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
)

// issuer is one configured OIDC issuer: a go-oidc verifier (issuer,
// audience, expiry, not-before, algorithm, signature) over our rate-limited
// key set.
type issuer struct {
	cfg      OIDCIssuer
	keys     *keySet
	verifier *oidc.IDTokenVerifier
}

func (a *Authenticator) newIssuer(o OIDCIssuer) *issuer {
	ks := newKeySet(o, a.httpClient, a.now)
	return &issuer{
		cfg:  o,
		keys: ks,
		verifier: oidc.NewVerifier(o.Issuer, ks, &oidc.Config{
			ClientID: o.Audience,
			// Explicit, so neither go-oidc's default nor a discovery document
			// can widen the set; HS* and none are not in SigningAlgorithms.
			SupportedSigningAlgs: o.Algorithms,
			Now:                  a.now,
		}),
	}
}

// maxTokenLen bounds the tokens we parse; real access tokens are a few KB.
const maxTokenLen = 16 << 10

// VerifyToken checks an OIDC access (or ID) token sent as the password for
// the startup user. The issuer is chosen by the token's unverified "iss"
// claim: an issuer that is not configured gives ErrUnknownIssuer. Otherwise
// the signature (RS/ES/PS only, keys from the issuer's JWKS), issuer,
// audience, expiry and not-before are verified, and the username claim must
// equal user exactly; any failure gives ErrBadCredentials. Groups and domain
// come from the configured claims.
func (a *Authenticator) VerifyToken(ctx context.Context, user, token string) (Principal, error) {
	fail := func(format string, args ...any) (Principal, error) {
		return Principal{}, fmt.Errorf("auth: token for %q: %s: %w", user, fmt.Sprintf(format, args...), ErrBadCredentials)
	}
	if user == "" {
		return fail("empty user name")
	}
	if len(token) > maxTokenLen {
		return fail("token of %d bytes", len(token))
	}
	iss, err := unverifiedIssuer(token)
	if err != nil {
		return fail("%v", err)
	}
	is, ok := a.issuers[iss]
	if !ok {
		return Principal{}, fmt.Errorf("auth: token for %q: issuer %q: %w", user, truncate(iss, 200), ErrUnknownIssuer)
	}
	idt, err := is.verifier.Verify(ctx, token)
	if err != nil {
		return fail("%v", err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return fail("claims: %v", err)
	}
	name, err := claimString(claims, is.cfg.UsernameClaim)
	if err != nil {
		return fail("%v", err)
	}
	if name == "" && is.cfg.UsernameClaim == "preferred_username" {
		name = idt.Subject
	}
	if name != user {
		return fail("token names user %q", truncate(name, 100))
	}
	groups, err := claimStrings(claims, is.cfg.GroupsClaim)
	if err != nil {
		return fail("%v", err)
	}
	domain, err := claimString(claims, is.cfg.DomainClaim)
	if err != nil {
		return fail("%v", err)
	}
	return Principal{Name: user, Groups: groups, Domain: domain, Method: MethodOIDC}, nil
}

// unverifiedIssuer reads "iss" from a compact JWS without checking anything:
// it only picks which issuer's verifier to run.
func unverifiedIssuer(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("not a compact JWT (%d parts)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("payload: %v", err)
	}
	var c struct {
		Iss *string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return "", fmt.Errorf("payload: %v", err)
	}
	if c.Iss == nil || *c.Iss == "" {
		return "", fmt.Errorf("no iss claim")
	}
	return *c.Iss, nil
}

// claim finds a claim by exact name first (namespaced claims such as
// "https://example.com/groups" contain dots), then as a dotted path.
func claim(claims map[string]any, name string) (any, bool) {
	if v, ok := claims[name]; ok {
		return v, true
	}
	if !strings.Contains(name, ".") {
		return nil, false
	}
	var cur any = claims
	for _, p := range strings.Split(name, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// claimString returns a string claim, "" when absent, and an error when the
// claim has another type.
func claimString(claims map[string]any, name string) (string, error) {
	v, ok := claim(claims, name)
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("claim %q is a %T, not a string", name, v)
	}
	return s, nil
}

// claimStrings returns a list-of-strings claim (one string counts as a list
// of one). A claim of another shape is an error rather than silently no
// groups: policies may deny by group.
func claimStrings(claims map[string]any, name string) ([]string, error) {
	v, ok := claim(claims, name)
	if !ok || v == nil {
		return nil, nil
	}
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("claim %q holds a %T, not a string", name, e)
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("claim %q is a %T, not a list of strings", name, v)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
