package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
)

// bindMember moves one member of a JSON object (an NDJSON line or GeoJSON
// properties) into r: canonical names to their fields, lists from arrays or
// ';' strings, other members to attributes. rawKey and raw are valid JSON.
func bindMember(r *row, rawKey, raw string) {
	key, _ := jsonText(rawKey)
	f := lookupField(key)
	if f < 0 {
		if s, kind := jsonText(raw); kind != jsonNull && s != "" {
			r.attrs = append(r.attrs, attr{key, s})
		}
		return
	}
	kind := kindOf(raw)
	switch {
	case kind == jsonArray && isList(f):
		r.list[f], r.hasList[f] = r.list[f][:0], true
		ok := eachElement(raw, func(e string) {
			v, k := jsonText(e)
			switch k {
			case jsonArray, jsonObject:
				kind = jsonObject
			case jsonString, jsonScalar:
				r.list[f] = append(r.list[f], v)
			}
		})
		if (!ok || kind == jsonObject) && r.reject == nil {
			s, _ := jsonText(raw)
			r.reject = reject(r, f, fieldCode[f], "%s must be an array of strings, not %s", colName(f), quote(s))
		}
	case kind == jsonArray || kind == jsonObject:
		if r.reject == nil {
			s, _ := jsonText(raw)
			r.reject = reject(r, f, fieldCode[f], "%s must be a string or a number, not %s", colName(f), quote(s))
		}
	default:
		r.val[f], _ = jsonText(raw)
	}
}

// kindOf tells the kind of a valid JSON value from its first byte.
func kindOf(raw string) jsonKind {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "" || raw[0] == 'n':
		return jsonNull
	case raw[0] == '"':
		return jsonString
	case raw[0] == '[':
		return jsonArray
	case raw[0] == '{':
		return jsonObject
	}
	return jsonScalar
}

type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonString
	jsonScalar // number, true, false
	jsonArray
	jsonObject
)

// jsonText returns a valid JSON value as text: strings unquoted, other values
// as their compact JSON text, null (or nothing) as "". Plain strings and
// scalars are substrings of raw.
func jsonText(raw string) (string, jsonKind) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", jsonNull
	}
	switch raw[0] {
	case '"':
		if strings.IndexByte(raw, '\\') < 0 {
			return raw[1 : len(raw)-1], jsonString
		}
		var s string
		if json.Unmarshal([]byte(raw), &s) != nil {
			return raw, jsonString
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
		if json.Compact(&b, []byte(raw)) != nil {
			return raw, kind
		}
		return b.String(), kind
	}
	return raw, jsonScalar
}
