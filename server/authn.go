package server

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"regexp"
	"time"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/codes"
	psqlerr "github.com/jeroenrinzema/psql-wire/errors"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
	"github.com/jeroenrinzema/psql-wire/pkg/types"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/internal/metrics"
	"github.com/lakegate/lakegate/internal/pgtypes"
)

// Authentication messages (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-START-UP):
// AuthenticationCleartextPassword (3) for OIDC tokens, AuthenticationSASL
// (10) / SASLContinue (11) / SASLFinal (12) for SCRAM, AuthenticationOk (0).
const (
	authOK           = 0
	authCleartext    = 3
	authSASL         = 10
	authSASLContinue = 11
	authSASLFinal    = 12
)

// AuthConfig configures who may connect and how. With a nil Authenticator
// lakegate trusts loopback clients and refuses everyone else.
type AuthConfig struct {
	Authenticator *auth.Authenticator
	// TokenUsers selects, by the startup user name alone, the users who log
	// in with an OIDC token (cleartext password message, TLS only) instead
	// of SCRAM. The choice never depends on whether an account exists.
	// Default: names containing "@" when OIDC issuers are configured.
	TokenUsers *regexp.Regexp
	// AllowPlaintextLoopback permits password authentication without TLS
	// for clients on the loopback interface (never for remote clients).
	AllowPlaintextLoopback bool
	// Limiter slows down repeated failures; nil disables it.
	Limiter *auth.Limiter
}

var defaultTokenUsers = regexp.MustCompile(`@`)

func authError(code codes.Code, format string, args ...any) error {
	return psqlerr.WithSeverity(psqlerr.WithCode(fmt.Errorf(format, args...), code), psqlerr.LevelFatal)
}

// authenticate admits a client: trust on loopback without an authenticator,
// SCRAM-SHA-256 for accounts, OIDC tokens for token users.
func (s *Server) authenticate(ctx context.Context, w *buffer.Writer, r *buffer.Reader) (context.Context, error) {
	addr, sc := clientOf(ctx)
	user := wire.ClientParameters(ctx)[wire.ParamUsername]
	encrypted := sc != nil && sc.tls != nil
	method := "none" // until the user name chooses one
	fail := func(err error, reason string, attrs ...any) (context.Context, error) {
		s.metrics.Auth(method, metrics.AuthFailed)
		s.log.Warn("authentication failed", append([]any{"addr", fmt.Sprint(addr), "user", user, "reason", reason, "tls", encrypted}, attrs...)...)
		_ = wire.WriteUnterminatedError(w, err)
		return ctx, err
	}
	a := s.cfg.Auth.Authenticator
	if a == nil {
		if !s.cfg.AllowRemote && !isLoopback(addr) {
			return fail(authError(codes.InvalidAuthorizationSpecification,
				"lakegate accepts connections without a password from loopback only (client %v); configure authentication", addr), "remote without authentication")
		}
		ctx, err := s.register(ctx, auth.Principal{Name: user, Method: auth.MethodTrust})
		if err != nil {
			return s.refuseSession(ctx, w, user, err)
		}
		if err := writeAuth(w, authOK, nil); err != nil {
			return ctx, err
		}
		s.metrics.Auth(auth.MethodTrust, metrics.AuthOK)
		s.log.Info("authenticated", "addr", fmt.Sprint(addr), "user", user, "method", auth.MethodTrust, "tls", encrypted)
		return ctx, nil
	}
	if !s.cfg.AllowRemote && !isLoopback(addr) {
		return fail(authError(codes.InvalidAuthorizationSpecification, "lakegate does not accept remote clients (allow_remote is off)"), "remote not allowed")
	}
	if !encrypted && !(s.cfg.Auth.AllowPlaintextLoopback && isLoopback(addr)) {
		return fail(authError(codes.InvalidAuthorizationSpecification,
			"lakegate requires TLS for password and token authentication: connect with sslmode=require"), "plaintext")
	}
	if user == "" {
		return fail(authError(codes.InvalidAuthorizationSpecification, "no user name given in the startup message"), "no user")
	}
	host := hostOf(addr)
	tokenUsers := s.cfg.Auth.TokenUsers
	if tokenUsers == nil && a.HasIssuers() {
		tokenUsers = defaultTokenUsers
	}
	// The limiter gives this (user, address) its turn right before the
	// credentials are checked, whatever the outcome will be: answering
	// failures late but successes at once would tell the attacker.
	var att *auth.Attempt
	turn := func() error {
		if s.cfg.Auth.Limiter == nil {
			return nil
		}
		var err error
		att, err = s.cfg.Auth.Limiter.Begin(ctx, host, user)
		return err
	}
	var p auth.Principal
	var err error
	if tokenUsers != nil && tokenUsers.MatchString(user) {
		method = auth.MethodOIDC
		p, err = s.tokenLogin(ctx, w, r, a, user, turn)
	} else {
		method = auth.MethodSCRAM
		var cert *x509.Certificate // the server's own, for channel binding
		if encrypted && len(s.cfg.TLS.Certificates) > 0 {
			cert = s.cfg.TLS.Certificates[0].Leaf
		}
		p, err = s.scramLogin(w, r, a, user, turn, cert)
	}
	if errors.Is(err, errAuthenticationTimeout) {
		return ctx, err // the client is gone: neither a failure to count nor anyone to tell
	}
	if err != nil {
		code, msg := codes.InvalidPassword, fmt.Sprintf("password authentication failed for user %q", user)
		switch {
		case errors.Is(err, auth.ErrUnknownIssuer):
			code, msg = codes.InvalidAuthorizationSpecification, "token issuer is not accepted by this server"
		case errors.Is(err, auth.ErrMalformedMessage):
			code, msg = codes.ProtocolViolation, "malformed authentication message"
		case !errors.Is(err, auth.ErrBadCredentials):
			var pe *protocolError
			if errors.As(err, &pe) {
				code, msg = codes.ProtocolViolation, pe.Error()
			}
		}
		// ErrTooManyAttempts and others land here too: the client cannot
		// tell them from a wrong password.
		att.Done(false)
		return fail(authError(code, "%s", msg), err.Error(), "limiter_wait", att.Waited())
	}
	att.Done(true)
	s.metrics.Auth(p.Method, metrics.AuthOK)
	ctx, err = s.register(ctx, p)
	if err != nil {
		return s.refuseSession(ctx, w, user, err)
	}
	if err := writeAuth(w, authOK, nil); err != nil {
		return ctx, err
	}
	s.log.Info("authenticated", "addr", fmt.Sprint(addr), "user", p.Name, "method", p.Method, "domain", p.Domain, "groups", p.Groups, "tls", encrypted, "limiter_wait", att.Waited())
	return ctx, nil
}

type protocolError struct{ msg string }

func (e *protocolError) Error() string { return e.msg }

// tokenLogin and scramLogin call turn right before checking the
// credentials, and fail with its error.
func (s *Server) tokenLogin(ctx context.Context, w *buffer.Writer, r *buffer.Reader, a *auth.Authenticator, user string, turn func() error) (auth.Principal, error) {
	if err := writeAuth(w, authCleartext, nil); err != nil {
		return auth.Principal{}, err
	}
	t, _, err := r.ReadTypedMsg()
	if err != nil {
		return auth.Principal{}, err
	}
	if t != types.ClientPassword {
		return auth.Principal{}, &protocolError{msg: fmt.Sprintf("expected a password message, got %q", byte(t))}
	}
	token, err := r.GetString()
	if err != nil {
		return auth.Principal{}, &protocolError{msg: "malformed password message"}
	}
	if err := turn(); err != nil {
		return auth.Principal{}, err
	}
	vctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	return a.VerifyToken(vctx, user, token)
}

func (s *Server) scramLogin(w *buffer.Writer, r *buffer.Reader, a *auth.Authenticator, user string, turn func() error, cert *x509.Certificate) (auth.Principal, error) {
	mechs := []string{auth.MechanismSCRAMSHA256}
	if cert != nil && auth.SupportsChannelBinding(cert) {
		mechs = []string{auth.MechanismSCRAMSHA256Plus, auth.MechanismSCRAMSHA256}
	}
	var body []byte
	for _, m := range mechs {
		body = append(append(body, m...), 0)
	}
	body = append(body, 0)
	if err := writeAuth(w, authSASL, body); err != nil {
		return auth.Principal{}, err
	}
	// SASLInitialResponse: mechanism, int32 length, client-first-message.
	t, _, err := r.ReadTypedMsg()
	if err != nil {
		return auth.Principal{}, err
	}
	if t != types.ClientPassword {
		return auth.Principal{}, &protocolError{msg: "expected SASLInitialResponse"}
	}
	mech, err := r.GetString()
	if err != nil {
		return auth.Principal{}, &protocolError{msg: "malformed SASLInitialResponse"}
	}
	n, err := r.GetInt32()
	if err != nil || n < 0 {
		return auth.Principal{}, &protocolError{msg: "malformed SASLInitialResponse"}
	}
	first, err := r.GetBytes(int(n))
	if err != nil {
		return auth.Principal{}, &protocolError{msg: "malformed SASLInitialResponse"}
	}
	var conv *auth.SCRAMConversation
	switch {
	case mech == auth.MechanismSCRAMSHA256Plus && cert != nil:
		conv, err = a.StartSCRAMTLS(user, mech, cert)
	case mech == auth.MechanismSCRAMSHA256 && cert != nil:
		conv, err = a.StartSCRAMTLS(user, mech, cert)
	case mech == auth.MechanismSCRAMSHA256:
		conv, err = a.StartSCRAM(user)
	default:
		return auth.Principal{}, &protocolError{msg: fmt.Sprintf("SASL mechanism %q is not offered", mech)}
	}
	if err != nil {
		return auth.Principal{}, err
	}
	out, _, err := conv.Step(append([]byte(nil), first...))
	if err != nil {
		return auth.Principal{}, err
	}
	if err := writeAuth(w, authSASLContinue, out); err != nil {
		return auth.Principal{}, err
	}
	t, _, err = r.ReadTypedMsg()
	if err != nil {
		return auth.Principal{}, err
	}
	if t != types.ClientPassword {
		return auth.Principal{}, &protocolError{msg: "expected SASLResponse"}
	}
	final := append([]byte(nil), r.Msg...)
	if err := turn(); err != nil {
		return auth.Principal{}, err
	}
	out, done, err := conv.Step(final)
	if err != nil {
		return auth.Principal{}, err
	}
	if !done {
		return auth.Principal{}, &protocolError{msg: "SCRAM exchange did not finish"}
	}
	p, err := conv.Principal()
	if err != nil {
		return auth.Principal{}, err
	}
	if err := writeAuth(w, authSASLFinal, out); err != nil {
		return auth.Principal{}, err
	}
	return p, nil
}

func writeAuth(w *buffer.Writer, kind int32, data []byte) error {
	w.Start(types.ServerAuth)
	w.AddInt32(kind)
	if data != nil {
		w.AddBytes(data)
	}
	return w.End()
}

func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	return fmt.Sprint(a)
}

// register creates the connection's state with its cancel key, for an
// authenticated principal. It runs before AuthenticationOk and
// BackendKeyData are sent, and refuses the session with
// errTooManyConnections when limits.max_connections sessions are open.
func (s *Server) register(ctx context.Context, p auth.Principal) (context.Context, error) {
	var sec [4]byte
	_, _ = rand.Read(sec[:])
	c := &conn{id: s.next.Add(1), secret: int32(binary.BigEndian.Uint32(sec[:]) & 0x7fffffff), principal: p, started: time.Now()}
	c.log = s.log.With("conn", c.id, "user", p.Name)
	mp := s.pl.MemoryPlan()
	c.limits = pgtypes.Limits{Value: mp.MaxValueBytes, Row: mp.MaxRowBytes}
	client, sc := clientOf(ctx)
	c.addr = fmt.Sprint(client)
	c.act.app = wire.ClientParameters(ctx)[wire.ParamApplicationName]
	s.mu.Lock()
	if len(s.conns) >= s.cfg.Limits.maxConnections() {
		s.mu.Unlock()
		return ctx, errTooManyConnections
	}
	s.conns[c.id] = c
	if sc != nil {
		c.watch = sc.raw
		c.tls = sc.tls != nil
		sc.raw.conn = c
	}
	s.mu.Unlock()
	return context.WithValue(ctx, connKey{}, c), nil
}

// refuseSession ends an authenticated connection that cannot have a
// session, as PostgreSQL does when max_connections is reached.
func (s *Server) refuseSession(ctx context.Context, w *buffer.Writer, user string, err error) (context.Context, error) {
	s.metrics.ConnRefused(refusedMetric(err))
	s.log.Warn("connection refused", "addr", fmt.Sprint(wire.RemoteAddress(ctx)), "user", user, "reason", err.Error(),
		"max_connections", s.cfg.Limits.maxConnections())
	_ = wire.WriteUnterminatedError(w, fatal(err))
	return ctx, err
}
