package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"routewatch/domain"
	"routewatch/errs"
)

// Roles a key may have.
var Roles = []string{"admin", "analyst", "expert", "planner"}

// Key is an API key as stored: never the secret itself.
type Key struct {
	ID         int64      `db:"id"`
	Name       string     `db:"name"`
	Prefix     string     `db:"prefix"`
	Role       string     `db:"role"`
	Clearance  int        `db:"clearance"`
	CreatedAt  time.Time  `db:"created_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
}

// keyPrefix starts every key, so leaked keys are recognisable by scanners.
const keyPrefix = "rwk_"

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// CreateKey makes a key with 256 random bits and returns it with its secret, which is shown
// once: only its SHA-256 is stored.
func (db *DB) CreateKey(ctx context.Context, name, role string, clearance int) (*Key, string, error) {
	if !validRole(role) {
		return nil, "", errs.E(errs.Invalid, "role", "want one of %v, got %q", Roles, role)
	}
	if !domain.Clearance(clearance).Valid() {
		return nil, "", errs.E(errs.Invalid, "clearance", "want H0..H3, got H%d", clearance)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, "", err
	}
	var id [4]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, "", err
	}
	prefix := keyPrefix + hex.EncodeToString(id[:])
	secret := prefix + "_" + base64.RawURLEncoding.EncodeToString(raw[:])
	var k Key
	err := db.x.GetContext(ctx, &k, `
		INSERT INTO api_keys (name, prefix, hash, role, clearance) VALUES ($1, $2, $3, $4, $5)
		RETURNING id, name, prefix, role, clearance, created_at, revoked_at, last_used_at`,
		name, prefix, hashSecret(secret), role, clearance)
	if err != nil {
		return nil, "", fmt.Errorf("create key: %w", err)
	}
	return &k, secret, nil
}

func validRole(r string) bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// ErrBadKey is returned for a missing, malformed, unknown or revoked key or session.
var ErrBadKey = errors.New("invalid or revoked key")

// Authenticate returns the live key whose secret this is, and records its use (to the minute).
func (db *DB) Authenticate(ctx context.Context, secret string) (*Key, error) {
	if !strings.HasPrefix(secret, keyPrefix) || len(secret) > 128 {
		return nil, ErrBadKey
	}
	var k Key
	// last_used_at is refreshed at most once a minute, so a busy key does not rewrite its row
	// on every request.
	err := db.x.GetContext(ctx, &k, `
		WITH k AS (
		  SELECT id, name, prefix, role, clearance, created_at, revoked_at, last_used_at FROM api_keys
		  WHERE hash = $1 AND revoked_at IS NULL),
		u AS (
		  UPDATE api_keys a SET last_used_at = now() FROM k
		  WHERE a.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'))
		SELECT * FROM k`, hashSecret(secret))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadKey
	}
	return &k, err
}

// OpenSession creates a web session for a key, valid for ttl, and returns its token.
func (db *DB) OpenSession(ctx context.Context, keyID int64, ttl time.Duration) (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	_, err := db.x.ExecContext(ctx, `INSERT INTO sessions (hash, key_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 second')`,
		hashSecret(token), keyID, ttl.Seconds())
	return token, err
}

// SessionKey returns the live key behind an unexpired session token.
func (db *DB) SessionKey(ctx context.Context, token string) (*Key, error) {
	if token == "" || len(token) > 64 {
		return nil, ErrBadKey
	}
	var k Key
	err := db.x.GetContext(ctx, &k, `
		SELECT k.id, k.name, k.prefix, k.role, k.clearance, k.created_at, k.revoked_at, k.last_used_at
		FROM sessions s JOIN api_keys k ON k.id = s.key_id
		WHERE s.hash = $1 AND s.expires_at > now() AND k.revoked_at IS NULL`, hashSecret(token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadKey
	}
	return &k, err
}

// CloseSession ends a session.
func (db *DB) CloseSession(ctx context.Context, token string) error {
	_, err := db.x.ExecContext(ctx, `DELETE FROM sessions WHERE hash = $1`, hashSecret(token))
	return err
}

// Keys lists every key, newest first.
func (db *DB) Keys(ctx context.Context) ([]Key, error) {
	var out []Key
	err := db.x.SelectContext(ctx, &out, `
		SELECT id, name, prefix, role, clearance, created_at, revoked_at, last_used_at FROM api_keys ORDER BY id DESC`)
	return out, err
}

// RevokeKey revokes the key with this id or prefix, and ends its sessions.
func (db *DB) RevokeKey(ctx context.Context, idOrPrefix string) (int64, error) {
	var id int64
	err := db.x.GetContext(ctx, &id, `
		UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
		WHERE prefix = $1 OR id::text = $1 RETURNING id`, idOrPrefix)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.E(errs.NotFound, "key", "no key %q", idOrPrefix)
	}
	if err != nil {
		return 0, err
	}
	_, err = db.x.ExecContext(ctx, `DELETE FROM sessions WHERE key_id = $1`, id)
	return id, err
}
