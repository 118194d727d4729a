package cql2

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF    tokKind = iota
	tWord           // a name or keyword
	tQuoted         // a "double-quoted" property name
	tString         // a 'single-quoted' character literal ('' is one quote)
	tNumber
	tOp // = <> < <= > >=
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "the end of the filter"
	case tString:
		return "'" + t.text + "'"
	case tQuoted:
		return `"` + t.text + `"`
	}
	return fmt.Sprintf("%q", t.text)
}

// singles are the one-character tokens.
var singles = [256]tokKind{'(': tLParen, ')': tRParen, ',': tComma, '=': tOp}

// maxFilter bounds the filter text, so a request cannot ask for unbounded parsing work.
const maxFilter = 8 << 10

func lex(s string) ([]token, error) {
	if len(s) > maxFilter {
		return nil, &Error{-1, fmt.Sprintf("the filter is %d bytes long; the limit is %d", len(s), maxFilter)}
	}
	if !utf8.ValidString(s) {
		return nil, &Error{-1, "the filter is not valid UTF-8"}
	}
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case singles[c] != 0:
			out = append(out, token{singles[c], string(c), i})
			i++
		case c == '<' || c == '>':
			op := string(c)
			if i+1 < len(s) && (s[i+1] == '=' || (c == '<' && s[i+1] == '>')) {
				op += string(s[i+1])
			}
			out = append(out, token{tOp, op, i})
			i += len(op)
		case c == '\'' || c == '"':
			text, n, ok := quoted(s[i:], c)
			if !ok {
				return nil, &Error{i, fmt.Sprintf("the quote %c opened here is never closed", c)}
			}
			kind := tString
			if c == '"' {
				kind = tQuoted
				if text == "" {
					return nil, &Error{i, "an empty quoted property name"}
				}
			}
			out = append(out, token{kind, text, i})
			i += n
		case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(s) && (isDigit(s[j]) || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
				((s[j] == '-' || s[j] == '+') && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				j++
			}
			if (c == '-' || c == '+' || c == '.') && (j == i+1 || !strings.ContainsAny(s[i:j], "0123456789")) {
				return nil, &Error{i, fmt.Sprintf("unexpected %q", s[i:j])}
			}
			out = append(out, token{tNumber, s[i:j], i})
			i = j
		case isNameStart(c):
			j := i + 1
			for j < len(s) && (isNameStart(s[j]) || isDigit(s[j]) || s[j] == '.' || s[j] == ':') {
				j++
			}
			out = append(out, token{tWord, s[i:j], i})
			i = j
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, &Error{i, fmt.Sprintf("unexpected character %q", r)}
		}
	}
	return append(out, token{kind: tEOF, pos: len(s)}), nil
}

// quoted reads a literal opened by q at s[0]: doubled quotes stand for one. It returns the
// text, the bytes read and whether the literal was closed.
func quoted(s string, q byte) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				b.WriteByte(q)
				i++
				continue
			}
			return b.String(), i + 1, true
		}
		b.WriteByte(s[i])
	}
	return "", 0, false
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isNameStart(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
