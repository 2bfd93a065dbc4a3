package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Role is what a token may do.
type Role string

// The roles. A council token reads and writes its own council only; a DfE
// token reads every council and writes none; an admin token reads every
// council, manages tokens and reloads directions, and writes no events.
const (
	RoleCouncil Role = "council"
	RoleDfE     Role = "dfe"
	RoleAdmin   Role = "admin"
)

// a returns the role with its indefinite article, for messages: "an
// admin", "a council", "a dfe".
func (r Role) a() string {
	if r == RoleAdmin {
		return "an " + string(r)
	}
	return "a " + string(r)
}

// NewToken makes a token for role (and council, for a council token),
// stores its hash and returns the secret, which is shown once and kept
// nowhere.
func NewToken(ctx context.Context, st Store, role Role, council, label string) (secret string, tok Token, err error) {
	switch role {
	case RoleCouncil:
		if council == "" {
			return "", Token{}, fmt.Errorf("a council token needs the council it is for")
		}
	case RoleDfE, RoleAdmin:
		if council != "" {
			return "", Token{}, fmt.Errorf("%s token is not for one council: leave the council out", role.a())
		}
	default:
		return "", Token{}, fmt.Errorf("unknown role %q: use council, dfe or admin", role)
	}
	var raw [32]byte
	var id [6]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", Token{}, err
	}
	if _, err := rand.Read(id[:]); err != nil {
		return "", Token{}, err
	}
	secret = "dirs_" + base64.RawURLEncoding.EncodeToString(raw[:])
	tok = Token{ID: "tok_" + hex.EncodeToString(id[:]), Hash: HashToken(secret), Role: role, Council: council, Label: label, Created: time.Now().UTC()}
	if err := st.CreateToken(ctx, tok); err != nil {
		return "", Token{}, err
	}
	return secret, tok, nil
}

// HashToken is how a token is stored: its SHA-256 in hex. Tokens are 256
// random bits, so a plain hash (no salt, no stretching) is enough.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TokenCacheTTL is how long a looked-up token is trusted before the store
// is asked again: a revocation takes effect within it on every instance.
const TokenCacheTTL = 5 * time.Second

type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedToken
}

type cachedToken struct {
	tok *Token
	exp time.Time
}

// authenticate returns the request's token, or nil.
func (s *Server) authenticate(r *http.Request, inQuery, inCookie bool) (*Token, error) {
	h := r.Header.Get("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	if !ok && inQuery {
		secret, ok = r.URL.Query().Get("token"), true
	}
	if !ok && inCookie {
		if c, err := r.Cookie(sessionCookie); err == nil {
			secret, ok = c.Value, true
		}
	}
	if !ok || secret == "" {
		return nil, nil
	}
	hash := HashToken(strings.TrimSpace(secret))
	now := time.Now()
	s.tokens.mu.Lock()
	c, hit := s.tokens.m[hash]
	s.tokens.mu.Unlock()
	if hit && now.Before(c.exp) {
		return c.tok, nil
	}
	tok, err := s.store.TokenByHash(r.Context(), hash)
	if err != nil {
		return nil, err
	}
	s.tokens.mu.Lock()
	if len(s.tokens.m) > 10000 {
		clear(s.tokens.m) // bounded: unknown tokens are cached too
	}
	s.tokens.m[hash] = cachedToken{tok: tok, exp: now.Add(TokenCacheTTL)}
	s.tokens.mu.Unlock()
	return tok, nil
}

// forget drops cached tokens, after a revocation on this instance.
func (s *Server) forgetTokens() {
	s.tokens.mu.Lock()
	clear(s.tokens.m)
	s.tokens.mu.Unlock()
}

// canRead reports whether tok may read council's data.
func canRead(tok *Token, council string) bool {
	switch tok.Role {
	case RoleDfE, RoleAdmin:
		return true
	case RoleCouncil:
		return tok.Council == council
	}
	return false
}

var randRead = rand.Read

// DevToken makes an admin token labelled "development" when the store has
// no live admin token, so that a first start can be used at once; it
// returns "" when there is one already.
func DevToken(ctx context.Context, st Store) (string, error) {
	ts, err := st.Tokens(ctx)
	if err != nil {
		return "", err
	}
	for _, t := range ts {
		if t.Role == RoleAdmin && t.Revoked.IsZero() {
			return "", nil
		}
	}
	secret, _, err := NewToken(ctx, st, RoleAdmin, "", "development")
	return secret, err
}

// sessionCookie holds the token for the HTML pages. It is HttpOnly (no
// script reads it), SameSite=Strict (no other site's page sends it) and
// honoured only by the GET pages, never by the API that writes.
const sessionCookie = "directions_token"

// login takes a token from the form on the login page, checks it, and
// sets the cookie the pages read.
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *Token) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	secret := strings.TrimSpace(r.PostFormValue("token"))
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/dashboard" // only paths on this server: no open redirect
	}
	tok, err := s.store.TokenByHash(r.Context(), HashToken(secret))
	if err != nil || tok == nil {
		w.WriteHeader(http.StatusUnauthorized)
		loginForm(w, next, "That token is not known, or has been revoked.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: 12 * 3600})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func loginPage(w http.ResponseWriter, next string) {
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	loginForm(w, next, "")
}

// loginTmpl is parsed on first use: every command of the CLI links the
// server, and only serve shows the form.
var loginTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("login").Parse(loginSrc))
})

const loginSrc = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in: directions</title>
<style>body{font-family:system-ui,Arial,sans-serif;margin:2rem;max-width:40rem}input[type=password]{width:100%;padding:.4rem}p.err{color:#d4351c;font-weight:bold}</style></head>
<body><h1>Sign in</h1>{{if .Err}}<p class="err">{{.Err}}</p>{{end}}
<form method="post" action="/login"><label for="token">Access token</label>
<input type="password" id="token" name="token" autocomplete="off" required>
<input type="hidden" name="next" value="{{.Next}}"><p><button type="submit">Sign in</button></p></form>
<p>Tokens are made by an administrator with <code>directions serve token create</code>.</p></body></html>
`

func loginForm(w http.ResponseWriter, next, msg string) {
	_ = loginTmpl().Execute(w, struct{ Next, Err string }{next, msg})
}
