// Package auth verifies who is calling and turns it into a Principal. It
// knows nothing of SQL, sessions or the wire protocol's framing: server/
// moves the bytes and maps the errors; policy/ reads only the Principal.
//
// # What it owns
//
//   - Principal {Name, Groups, Domain, Method}: all that the rest of lakegate
//     learns about a caller.
//   - Accounts (Config.Accounts) with SCRAM-SHA-256 verifiers in PostgreSQL's
//     rolpassword format, made by NewSCRAMVerifier / NewAccount
//     (`lakegate user add`), so a verifier can move between lakegate and
//     PostgreSQL either way.
//   - The server side of SASL SCRAM-SHA-256 and -PLUS (tls-server-end-point),
//     through github.com/xdg-go/scram: SCRAMConversation.
//   - OIDC access tokens used as the password: VerifyToken, through
//     github.com/coreos/go-oidc/v3 over our own rate-limited key set.
//   - Limiter: the brute-force slowdown, per (user, client address), with
//     parallel attempts taking turns and a per-address budget of new names.
//
// # What it must never do
//
//   - Keep, log or put into an error a password, token, proof or verifier.
//     Errors carry the user name and the reason (for the server log); the
//     client gets only the sentinel's fixed text via a SQLSTATE.
//   - Accept HS* or "none" tokens: SupportedSigningAlgs is always set, to a
//     subset of RS/ES/PS (SigningAlgorithms), and keys are matched to the
//     algorithm by type.
//   - Reveal whether a user exists: unknown users run a full SCRAM exchange
//     against a mock verifier (salt derived from Config.MockSecret and the
//     name, as PostgreSQL's scram_mock_salt), or a PBKDF2 of the same cost
//     in VerifyPassword, and fail with the same ErrBadCredentials as a
//     wrong password.
//   - Let token holders make it hammer an IdP: unknown key ids trigger at
//     most one JWKS fetch per OIDCIssuer.KeyRefreshInterval (failed fetches
//     count), and key ids still unknown after a fetch are cached as unknown.
//
// # Data flow
//
// SCRAM (https://www.postgresql.org/docs/15/sasl-authentication.html):
//
//	server: AuthenticationSASL [SCRAM-SHA-256-PLUS (TLS only), SCRAM-SHA-256]
//	client: SASLInitialResponse(mechanism, client-first)
//	  conv := a.StartSCRAM(startupUser)            // or StartSCRAMTLS(user, mechanism, cert)
//	  out, _, err := conv.Step(clientFirst)      -> AuthenticationSASLContinue(out)
//	client: SASLResponse(client-final)
//	  att, err := limiter.Begin(ctx, addr, user) // waits for the pair's turn
//	  out, done, err := conv.Step(clientFinal)   -> AuthenticationSASLFinal(out), AuthenticationOk
//	  p, _ := conv.Principal()
//	  att.Done(err == nil)
//
// PostgreSQL quirks handled here: the user name in client-first is ignored
// (libpq and pgx send "n=", pgjdbc "n=*"); the startup user is the login. An
// authzid is refused. On failure PostgreSQL sends an ErrorResponse, not a
// SASLFinal carrying "e=...": Step returns no message then.
//
// Token (AuthenticationCleartextPassword, only over TLS):
//
//	p, err := a.VerifyToken(ctx, startupUser, password) // or VerifyPassword, which
//	                                                    // routes JWT-shaped passwords here
//	unverified "iss" -> configured issuer? else ErrUnknownIssuer
//	go-oidc verifier: algorithm, signature (keySet), iss, aud, exp, nbf
//	username claim == startup user; groups and domain from claims
//
// Errors, mapped once by server/: ErrBadCredentials -> 28P01,
// ErrUnknownIssuer -> 28000, ErrMalformedMessage -> 08P01.
//
// Choosing SCRAM or cleartext for a connection is the server's business; it
// must not depend on whether the user has an account (that would reveal it).
package auth
