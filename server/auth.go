package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
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
			return "", Token{}, fmt.Errorf("a %s token is not for one council: leave the council out", role)
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
func (s *Server) authenticate(r *http.Request, inQuery bool) (*Token, error) {
	h := r.Header.Get("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	if !ok && inQuery {
		secret, ok = r.URL.Query().Get("token"), true
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
