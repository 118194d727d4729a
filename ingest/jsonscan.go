package ingest

// A small scanner over JSON text that encoding/json has already validated
// (json.Valid or a json.Decoder): it walks an object's members or an array's
// elements and hands out substrings, so plain values cost no allocation and
// no reflection.

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// endOfString returns the index after the string starting at s[i] == '"'.
func endOfString(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(s)
}

// endOfValue returns the index after the value starting at s[i].
func endOfValue(s string, i int) int {
	switch s[i] {
	case '"':
		return endOfString(s, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				j = endOfString(s, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(s)
	}
	j := i
	for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r' {
		j++
	}
	return j
}

// eachMember calls fn with the raw key and raw value of every member of the
// valid JSON object s, in order; false when s is not an object.
func eachMember(s string, fn func(key, val string)) bool {
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '{' {
		return false
	}
	for i = skipWS(s, i+1); i < len(s) && s[i] != '}'; i = skipWS(s, i) {
		k := endOfString(s, i)
		key := s[i:k]
		v := skipWS(s, skipWS(s, k)+1) // past ':'
		e := endOfValue(s, v)
		fn(key, s[v:e])
		if i = skipWS(s, e); i < len(s) && s[i] == ',' {
			i++
		}
	}
	return true
}

// eachElement calls fn with every raw element of the valid JSON array s;
// false when s is not an array.
func eachElement(s string, fn func(val string)) bool {
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '[' {
		return false
	}
	for i = skipWS(s, i+1); i < len(s) && s[i] != ']'; i = skipWS(s, i) {
		e := endOfValue(s, i)
		fn(s[i:e])
		if i = skipWS(s, e); i < len(s) && s[i] == ',' {
			i++
		}
	}
	return true
}
