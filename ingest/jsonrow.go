package ingest

import (
	"bytes"
	"encoding/json"
	"sort"
)

// bindJSON moves the members of a JSON object (an NDJSON line or GeoJSON
// properties) into r: canonical names to their fields, lists from arrays or
// ';' strings, other members to attributes. Members are taken in name order
// so that reasons do not depend on map order.
func bindJSON(obj map[string]json.RawMessage, r *row, keys []string) []string {
	keys = keys[:0]
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		raw := obj[k]
		f := lookupField(k)
		if f < 0 {
			if s, kind := jsonText(raw); kind != jsonNull && s != "" {
				r.attrs = append(r.attrs, attr{k, s})
			}
			continue
		}
		s, kind := jsonText(raw)
		switch {
		case kind == jsonArray && isList(f):
			items, ok := jsonStrings(raw)
			if !ok {
				r.reject = reject(r, f, fieldCode[f], "%s must be an array of strings, not %s", colName(f), quote(s))
				return keys
			}
			r.list[f] = items
		case kind == jsonArray || kind == jsonObject:
			if r.reject == nil {
				r.reject = reject(r, f, fieldCode[f], "%s must be a string or a number, not %s", colName(f), quote(s))
			}
		default:
			r.val[f] = s
		}
	}
	return keys
}

type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonString
	jsonScalar // number, true, false
	jsonArray
	jsonObject
)

// jsonText returns a JSON value as text: strings unquoted, other values as
// their compact JSON text, null as "".
func jsonText(raw json.RawMessage) (string, jsonKind) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", jsonNull
	}
	switch raw[0] {
	case '"':
		if bytes.IndexByte(raw, '\\') < 0 {
			return string(raw[1 : len(raw)-1]), jsonString
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return string(raw), jsonString
		}
		return s, jsonString
	case 'n':
		return "", jsonNull
	case '[', '{':
		kind := jsonArray
		if raw[0] == '{' {
			kind = jsonObject
		}
		var b bytes.Buffer
		if json.Compact(&b, raw) != nil {
			return string(raw), kind
		}
		return b.String(), kind
	}
	return string(raw), jsonScalar
}

// jsonStrings decodes an array of strings (numbers are taken as their text).
func jsonStrings(raw json.RawMessage) ([]string, bool) {
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil {
		return nil, false
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		s, kind := jsonText(e)
		switch kind {
		case jsonArray, jsonObject:
			return nil, false
		case jsonNull:
			continue
		}
		out = append(out, s)
	}
	return out, true
}
