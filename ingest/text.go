package ingest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"routewatch/sighting"
)

// cleanText checks that s is valid UTF-8 without control characters other
// than tab and newline, and returns it NFC-normalised. problem is "" when s is
// acceptable. ASCII text, the common case, is checked in one pass without
// allocating; text that is already NFC is returned unchanged.
func cleanText(s string) (clean, problem string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return cleanUnicode(s)
		}
		if (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
			return "", fmt.Sprintf("contains the control character U+%04X", c)
		}
	}
	return s, ""
}

func cleanUnicode(s string) (string, string) {
	if !utf8.ValidString(s) {
		return "", "is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' {
			return "", fmt.Sprintf("contains the control character U+%04X", r)
		}
	}
	if norm.NFC.IsNormalString(s) {
		return s, ""
	}
	return norm.NFC.String(s), ""
}

// vocabKey folds a vocabulary value for matching: case-insensitive, with runs
// of spaces, hyphens and underscores as one underscore, so "Boat Rubber",
// " boat_rubber " and "boat-rubber" all give "boat_rubber".
func vocabKey(s string) string {
	s = strings.TrimSpace(s)
	simple := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			simple = false
			break
		}
	}
	if simple {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for _, r := range strings.ToLower(s) {
		if r == ' ' || r == '-' || r == '_' || r == '\t' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// vocabIndex maps folded keys to the canonical value.
type vocabIndex map[string]string

func newVocabIndex(values []string) vocabIndex {
	m := make(vocabIndex, len(values))
	for _, v := range values {
		m[vocabKey(v)] = v
	}
	return m
}

func (m vocabIndex) lookup(s string) (string, bool) {
	if v, ok := m[s]; ok {
		return v, true
	}
	v, ok := m[vocabKey(s)]
	return v, ok
}

// splitList splits a list field at sighting.ListSeparator, trimming the
// items and dropping empty ones, into storage taken from b.
func splitList(s string, b *box) []string {
	if s == "" {
		return nil
	}
	const sep = sighting.ListSeparator
	out := b.take(strings.Count(s, sep) + 1)[:0]
	for {
		i := strings.Index(s, sep)
		item := s
		if i >= 0 {
			item = s[:i]
		}
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
		if i < 0 {
			break
		}
		s = s[i+len(sep):]
	}
	if len(out) == 0 {
		return nil
	}
	return out[:len(out):len(out)]
}
