package auth

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	var zero Config
	if err := zero.Validate(); err != nil {
		t.Fatalf("zero config: %v", err)
	}
	a, err := New(zero)
	if err != nil || a.HasAccounts() || a.HasIssuers() {
		t.Fatalf("New(zero) = %v, %v", a, err)
	}
	v, _ := NewSCRAMVerifier("pw", 0)
	for _, tc := range []struct {
		name, wantErr string
		cfg           Config
	}{
		{"empty account name", "empty name", Config{Accounts: []Account{{SCRAM: v}}}},
		{"duplicate account", "duplicate", Config{Accounts: []Account{{Name: "a", SCRAM: v}, {Name: "a", SCRAM: v}}}},
		{"no verifier", "no scram verifier", Config{Accounts: []Account{{Name: "a"}}}},
		{"plaintext in scram", "scram verifier", Config{Accounts: []Account{{Name: "a", SCRAM: "hunter2"}}}},
		{"long name", "longer than", Config{Accounts: []Account{{Name: strings.Repeat("x", 64), SCRAM: v}}}},
		{"no audience", "audience", Config{OIDC: []OIDCIssuer{{Issuer: "https://idp"}}}},
		{"http issuer", "loopback", Config{OIDC: []OIDCIssuer{{Issuer: "http://idp.example.com", Audience: "x"}}}},
		{"HS256", "not allowed", Config{OIDC: []OIDCIssuer{{Issuer: "https://idp", Audience: "x", Algorithms: []string{"HS256"}}}}},
		{"none", "not allowed", Config{OIDC: []OIDCIssuer{{Issuer: "https://idp", Audience: "x", Algorithms: []string{"none"}}}}},
		{"duplicate issuer", "duplicate", Config{OIDC: []OIDCIssuer{{Issuer: "https://idp", Audience: "x"}, {Issuer: "https://idp", Audience: "y"}}}},
		{"weak iterations", "scram_iterations", Config{SCRAMIterations: 100}},
	} {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error quotes a secret", tc.name)
		}
	}
	ok := Config{
		Accounts: []Account{{Name: "a", SCRAM: v}},
		OIDC:     []OIDCIssuer{{Issuer: "https://idp.example.com/realms/x", Audience: "lakegate"}, {Issuer: "http://127.0.0.1:8080", Audience: "l"}},
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigJSON(t *testing.T) {
	t.Parallel()
	in := `{"accounts":[{"name":"a","groups":["g"],"scram":"` + must(NewSCRAMVerifier("pw", 0)) + `"}],
	        "oidc":[{"issuer":"https://idp","audience":"lakegate","key_refresh_interval":"1m"}],
	        "limiter":{"base":"500ms","half_life":"2m"}}`
	var c Config
	dec := json.NewDecoder(strings.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.OIDC[0].KeyRefreshInterval) != time.Minute || time.Duration(c.Limiter.Base) != 500*time.Millisecond {
		t.Errorf("durations: %+v %+v", c.OIDC[0], c.Limiter)
	}
	out, _ := json.Marshal(c.OIDC[0])
	if !strings.Contains(string(out), `"key_refresh_interval":"1m0s"`) {
		t.Errorf("marshal: %s", out)
	}
}
