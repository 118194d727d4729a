package main

import (
	"encoding/json"
	"time"

	"routewatch/store"
)

// The JSON lines `routewatch keys list` and `routewatch audit` print: the tool's own shapes,
// not the store's (the API serves neither).

// keyLine is one API key, without its secret.
type keyLine struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Role       string     `json:"role"`
	Clearance  int        `json:"clearance"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

func keyLineOf(k store.Key) keyLine {
	return keyLine{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Role: k.Role, Clearance: k.Clearance, CreatedAt: k.CreatedAt,
		RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt}
}

// auditLine is one audit log row.
type auditLine struct {
	ID        int64           `json:"id"`
	RequestID string          `json:"request_id"`
	Phase     string          `json:"phase"`
	At        time.Time       `json:"at"`
	KeyID     *int64          `json:"key_id"`
	KeyPrefix string          `json:"key_prefix"`
	Role      string          `json:"role"`
	Method    string          `json:"method"`
	Route     string          `json:"route"`
	Params    json.RawMessage `json:"params"`
	Status    *int            `json:"status,omitempty"`
	Rows      *int64          `json:"rows,omitempty"`
	Client    string          `json:"client"`
}

func auditLineOf(e store.AuditEntry) auditLine {
	return auditLine{ID: e.ID, RequestID: e.RequestID, Phase: e.Phase, At: e.At, KeyID: e.KeyID, KeyPrefix: e.KeyPrefix,
		Role: e.Role, Method: e.Method, Route: e.Route, Params: e.Params, Status: e.Status, Rows: e.Rows, Client: e.Client}
}
