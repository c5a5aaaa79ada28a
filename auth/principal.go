package auth

import "errors"

// Authentication methods recorded in Principal.Method.
const (
	MethodSCRAM = "scram-sha-256"
	MethodOIDC  = "oidc"
	MethodCert  = "cert"
	MethodTrust = "trust"
)

// Principal is who is calling, as established by one of the methods above.
// It is the only thing the rest of lakegate learns about a connection's
// identity: policy decides on Name, Groups and Domain; Method is for audit.
type Principal struct {
	Name   string
	Groups []string
	Domain string
	Method string
}

// InGroup reports whether p is a member of group g.
func (p Principal) InGroup(g string) bool {
	for _, x := range p.Groups {
		if x == g {
			return true
		}
	}
	return false
}

var (
	// ErrBadCredentials: the password, SCRAM proof or token does not prove
	// the identity claimed, or the user does not exist. The same error is
	// returned for all of these so that a client cannot tell them apart.
	// The server maps it to SQLSTATE 28P01 with a fixed message; the wrapped
	// detail (never a secret) is for the server log only.
	ErrBadCredentials = errors.New("auth: bad credentials")

	// ErrUnknownIssuer: a token names an issuer that is not configured.
	// The server maps it to SQLSTATE 28000.
	ErrUnknownIssuer = errors.New("auth: token issuer not configured")

	// ErrMalformedMessage: a SASL message does not follow RFC 5802 or uses
	// a feature PostgreSQL rejects (authzid, mismatched channel binding
	// flags). The server maps it to SQLSTATE 08P01 (protocol violation).
	ErrMalformedMessage = errors.New("auth: malformed SASL message")
)
