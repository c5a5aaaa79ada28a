package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xdg-go/scram"
	"github.com/xdg-go/stringprep"
)

// SASL mechanism names as PostgreSQL advertises them in AuthenticationSASL.
const (
	MechanismSCRAMSHA256     = "SCRAM-SHA-256"
	MechanismSCRAMSHA256Plus = "SCRAM-SHA-256-PLUS"
)

const (
	// DefaultSCRAMIterations is PostgreSQL's default scram_iterations.
	DefaultSCRAMIterations = 4096
	// MinSCRAMIterations is RFC 7677's floor; weaker verifiers are refused.
	MinSCRAMIterations = 4096
	scramSaltLen       = 16 // PostgreSQL's SCRAM_DEFAULT_SALT_LEN
	scramKeyLen        = sha256.Size
)

// SCRAMVerifier is the stored form of a SCRAM-SHA-256 password, in
// PostgreSQL's pg_authid.rolpassword format:
//
//	SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
//
// It lets the server check a proof without being able to log in as the user.
type SCRAMVerifier struct {
	Iterations int
	Salt       []byte
	StoredKey  []byte
	ServerKey  []byte
}

// String formats v as PostgreSQL does.
func (v SCRAMVerifier) String() string {
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", v.Iterations, b64(v.Salt), b64(v.StoredKey), b64(v.ServerKey))
}

// ParseSCRAMVerifier parses a verifier in PostgreSQL's format. The error
// never quotes the input, which is secret-adjacent.
func ParseSCRAMVerifier(s string) (SCRAMVerifier, error) {
	bad := func(why string) (SCRAMVerifier, error) {
		return SCRAMVerifier{}, fmt.Errorf("auth: scram verifier: %s (want SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>)", why)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 3 || parts[0] != "SCRAM-SHA-256" {
		return bad("not a SCRAM-SHA-256 verifier")
	}
	itSalt := strings.Split(parts[1], ":")
	keys := strings.Split(parts[2], ":")
	if len(itSalt) != 2 || len(keys) != 2 {
		return bad("wrong number of fields")
	}
	it, err := strconv.Atoi(itSalt[0])
	if err != nil || it < MinSCRAMIterations {
		return bad(fmt.Sprintf("iteration count must be an integer >= %d", MinSCRAMIterations))
	}
	var v SCRAMVerifier
	v.Iterations = it
	if v.Salt, err = base64.StdEncoding.DecodeString(itSalt[1]); err != nil || len(v.Salt) == 0 {
		return bad("bad salt")
	}
	if v.StoredKey, err = base64.StdEncoding.DecodeString(keys[0]); err != nil || len(v.StoredKey) != scramKeyLen {
		return bad("bad StoredKey")
	}
	if v.ServerKey, err = base64.StdEncoding.DecodeString(keys[1]); err != nil || len(v.ServerKey) != scramKeyLen {
		return bad("bad ServerKey")
	}
	return v, nil
}

// NewSCRAMVerifier turns a password into a verifier string with a random
// salt, as PostgreSQL's `password_encryption = scram-sha-256` does.
// iterations <= 0 means DefaultSCRAMIterations.
func NewSCRAMVerifier(password string, iterations int) (string, error) {
	if password == "" {
		return "", errors.New("auth: new scram verifier: empty password")
	}
	if iterations <= 0 {
		iterations = DefaultSCRAMIterations
	}
	if iterations < MinSCRAMIterations {
		return "", fmt.Errorf("auth: new scram verifier: %d iterations, need at least %d", iterations, MinSCRAMIterations)
	}
	salt := make([]byte, scramSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: new scram verifier: %w", err)
	}
	v, err := deriveVerifier(password, salt, iterations)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// deriveVerifier runs PBKDF2 and the key derivations through xdg-go/scram.
func deriveVerifier(password string, salt []byte, iterations int) (SCRAMVerifier, error) {
	c, err := scram.SHA256.NewClientUnprepped("", saslPrep(password), "")
	if err != nil {
		return SCRAMVerifier{}, fmt.Errorf("auth: scram: %w", err)
	}
	sc, err := c.GetStoredCredentialsWithError(scram.KeyFactors{Salt: string(salt), Iters: iterations})
	if err != nil {
		return SCRAMVerifier{}, fmt.Errorf("auth: scram: %w", err)
	}
	return SCRAMVerifier{Iterations: iterations, Salt: salt, StoredKey: sc.StoredKey, ServerKey: sc.ServerKey}, nil
}

// saslPrep normalises a password as PostgreSQL's pg_saslprep does: SASLprep
// when the password is valid UTF-8 and passes, the raw bytes otherwise
// (https://www.postgresql.org/docs/15/sasl-authentication.html).
func saslPrep(password string) string {
	if !utf8.ValidString(password) {
		return password
	}
	p, err := stringprep.SASLprep.Prepare(password)
	if err != nil {
		return password
	}
	return p
}

// verifies reports whether password matches v (PBKDF2 at v's cost).
func (v SCRAMVerifier) verifies(password string) bool {
	d, err := deriveVerifier(password, v.Salt, v.Iterations)
	if err != nil {
		return false
	}
	return hmac.Equal(d.StoredKey, v.StoredKey)
}

// mockVerifier is the verifier an unknown user (or an account without a
// password) gets: deterministic per name, so repeated attempts see the same
// salt, as for a real user, and derived from the server's secret, so nobody
// can predict it. No password matches it: its StoredKey is not a hash.
// PostgreSQL does the same (scram_mock_salt in auth-scram.c).
func (a *Authenticator) mockVerifier(user string) SCRAMVerifier {
	mac := func(label string) []byte {
		h := hmac.New(sha256.New, a.mockSecret)
		h.Write([]byte(label))
		h.Write([]byte{0})
		h.Write([]byte(user))
		return h.Sum(nil)
	}
	return SCRAMVerifier{
		Iterations: a.mockIterations,
		Salt:       mac("lakegate scram salt")[:scramSaltLen],
		StoredKey:  mac("lakegate scram stored key"),
		ServerKey:  mac("lakegate scram server key"),
	}
}

// SCRAMConversation is the server side of one SASL SCRAM-SHA-256 exchange on
// one connection. Drive it with the client's SASLInitialResponse data, then
// its SASLResponse data:
//
//	AuthenticationSASL [mechanisms] <- SASLInitialResponse(mech, client-first)
//	  Step -> AuthenticationSASLContinue(server-first)
//	SASLResponse(client-final)
//	  Step -> done: AuthenticationSASLFinal(server-final), AuthenticationOk
//	       -> ErrBadCredentials: ErrorResponse 28P01 (no SASLFinal, as PostgreSQL)
//
// Not safe for concurrent use.
type SCRAMConversation struct {
	user      string
	account   *account // nil: unknown user, runs against a mock verifier
	conv      *scram.ServerConversation
	step      int
	principal *Principal
}

// StartSCRAM begins a SCRAM-SHA-256 exchange without channel binding for the
// startup user. The user name inside the SCRAM message is ignored, as
// PostgreSQL ignores it (clients send "n=" or "n=*"). GS2 flags 'n' and 'y'
// are accepted, 'p' is refused. Unknown users get a full conversation
// against a mock verifier that ends in ErrBadCredentials.
func (a *Authenticator) StartSCRAM(user string) (*SCRAMConversation, error) {
	return a.startSCRAM(user, scram.ChannelBinding{}, false)
}

// StartSCRAMTLS begins an exchange on a TLS connection on which the server
// advertised both MechanismSCRAMSHA256Plus and MechanismSCRAMSHA256 (in that
// order). mechanism is the one the client picked in SASLInitialResponse;
// serverCert is the leaf certificate the server presented, from which the
// tls-server-end-point binding (RFC 5929, the only type PostgreSQL uses) is
// computed. With the -PLUS mechanism the client must bind ('p'); with plain
// SCRAM-SHA-256 the flag 'y' is refused as a downgrade attack.
func (a *Authenticator) StartSCRAMTLS(user, mechanism string, serverCert *x509.Certificate) (*SCRAMConversation, error) {
	cb, err := tlsServerEndPoint(serverCert)
	if err != nil {
		return nil, fmt.Errorf("auth: start scram: %w", err)
	}
	switch mechanism {
	case MechanismSCRAMSHA256Plus:
		return a.startSCRAM(user, cb, true)
	case MechanismSCRAMSHA256:
		return a.startSCRAM(user, cb, false)
	default:
		return nil, fmt.Errorf("auth: start scram: mechanism %q: %w", mechanism, ErrMalformedMessage)
	}
}

func (a *Authenticator) startSCRAM(user string, cb scram.ChannelBinding, requireCB bool) (*SCRAMConversation, error) {
	if user == "" {
		return nil, fmt.Errorf("auth: start scram: empty user name: %w", ErrBadCredentials)
	}
	c := &SCRAMConversation{user: user}
	v := a.mockVerifier(user)
	if acc, ok := a.accounts[user]; ok {
		c.account = acc
		v = acc.verifier
	}
	cred := scram.StoredCredentials{
		KeyFactors: scram.KeyFactors{Salt: string(v.Salt), Iters: v.Iterations},
		StoredKey:  v.StoredKey,
		ServerKey:  v.ServerKey,
	}
	srv, err := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return cred, nil })
	if err != nil {
		return nil, fmt.Errorf("auth: start scram: %w", err)
	}
	switch {
	case requireCB:
		c.conv = srv.NewConversationWithChannelBindingRequired(cb)
	case cb.IsSupported():
		c.conv = srv.NewConversationWithChannelBinding(cb)
	default:
		c.conv = srv.NewConversation()
	}
	return c, nil
}

// maxSASLMessage bounds what Step parses; real messages are ~100 bytes.
const maxSASLMessage = 4096

// Step consumes one client message and returns the server's reply. After
// the client-first message it returns server-first and done=false. After the
// client-final message it returns server-final and done=true on success, or
// (nil, true, ErrBadCredentials) on a wrong proof or unknown user.
// ErrMalformedMessage means the client broke the protocol. Any error ends
// the conversation.
func (c *SCRAMConversation) Step(clientMessage []byte) (serverMessage []byte, done bool, err error) {
	c.step++
	if len(clientMessage) > maxSASLMessage {
		c.step = 3
		return nil, true, fmt.Errorf("auth: scram: message of %d bytes: %w", len(clientMessage), ErrMalformedMessage)
	}
	switch c.step {
	case 1:
		resp, err := c.conv.Step(string(clientMessage))
		if err != nil {
			c.step = 3
			return nil, true, fmt.Errorf("auth: scram client-first: %v: %w", err, ErrMalformedMessage)
		}
		if c.conv.AuthzID() != "" {
			// PostgreSQL: "client uses authorization identity, but it is not supported".
			c.step = 3
			return nil, true, fmt.Errorf("auth: scram client-first: authorization identity not supported: %w", ErrMalformedMessage)
		}
		return []byte(resp), false, nil
	case 2:
		resp, err := c.conv.Step(string(clientMessage))
		if err != nil {
			if resp == "" {
				// The library returns no server error only for unparsable input.
				return nil, true, fmt.Errorf("auth: scram client-final: %v: %w", err, ErrMalformedMessage)
			}
			return nil, true, fmt.Errorf("auth: scram for %q: %v: %w", c.user, err, ErrBadCredentials)
		}
		if !c.conv.Valid() || c.account == nil {
			return nil, true, fmt.Errorf("auth: scram for %q: %w", c.user, ErrBadCredentials)
		}
		p := c.account.principal(MethodSCRAM)
		c.principal = &p
		return []byte(resp), true, nil
	default:
		return nil, true, fmt.Errorf("auth: scram: step after the conversation ended: %w", ErrMalformedMessage)
	}
}

// Principal is the authenticated caller once Step has returned done with no
// error; before that, or after a failure, it returns ErrBadCredentials.
func (c *SCRAMConversation) Principal() (Principal, error) {
	if c.principal == nil {
		return Principal{}, fmt.Errorf("auth: scram for %q: not authenticated: %w", c.user, ErrBadCredentials)
	}
	return clonePrincipal(*c.principal), nil
}

// tlsServerEndPoint computes the tls-server-end-point channel binding data
// (RFC 5929 §4.1): the hash of the server certificate, with SHA-256 in place
// of MD5 and SHA-1.
func tlsServerEndPoint(cert *x509.Certificate) (scram.ChannelBinding, error) {
	if cert == nil {
		return scram.ChannelBinding{}, errors.New("no server certificate for channel binding")
	}
	var h hash.Hash
	switch cert.SignatureAlgorithm {
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS, x509.ECDSAWithSHA384:
		h = sha512.New384()
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS, x509.ECDSAWithSHA512:
		h = sha512.New()
	case x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1,
		x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.ECDSAWithSHA256:
		h = sha256.New()
	default:
		// Ed25519 and others: RFC 5929 leaves it undefined; PostgreSQL
		// refuses channel binding for such certificates too.
		return scram.ChannelBinding{}, fmt.Errorf("channel binding: certificate signature algorithm %v has no tls-server-end-point hash", cert.SignatureAlgorithm)
	}
	h.Write(cert.Raw)
	return scram.ChannelBinding{Type: scram.ChannelBindingTLSServerEndpoint, Data: h.Sum(nil)}, nil
}

// SupportsChannelBinding reports whether SCRAM-SHA-256-PLUS can be
// advertised for a server certificate (see StartSCRAMTLS).
func SupportsChannelBinding(serverCert *x509.Certificate) bool {
	_, err := tlsServerEndPoint(serverCert)
	return err == nil
}
