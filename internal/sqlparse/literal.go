package sqlparse

import "strings"

// ArrayLiteral converts a PostgreSQL array literal ({a,"b c",NULL,{..}})
// into a list expression: lit renders each element's value (false: not a
// valid element), NULL stays NULL. It returns the list, the text after the
// literal's closing brace, and whether s starts with a valid literal.
func ArrayLiteral(s string, lit func(v string) (string, bool)) (string, string, bool) {
	if !strings.HasPrefix(s, "{") {
		return "", s, false
	}
	s = s[1:]
	var elems []string
	s = strings.TrimLeft(s, " \t\n")
	if strings.HasPrefix(s, "}") {
		return "[]", s[1:], true
	}
	for {
		s = strings.TrimLeft(s, " \t\n")
		if s == "" {
			return "", s, false
		}
		switch {
		case s[0] == '{':
			inner, rest, ok := ArrayLiteral(s, lit)
			if !ok {
				return "", s, false
			}
			elems = append(elems, inner)
			s = rest
		case s[0] == '"':
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				return "", s, false
			}
			e, ok := lit(b.String())
			if !ok {
				return "", s, false
			}
			elems = append(elems, e)
			s = s[i+1:]
		default:
			var b strings.Builder
			i := 0
			for ; i < len(s) && s[i] != ',' && s[i] != '}'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			v := strings.TrimSpace(b.String())
			if strings.EqualFold(v, "NULL") {
				elems = append(elems, "NULL")
			} else {
				e, ok := lit(v)
				if !ok {
					return "", s, false
				}
				elems = append(elems, e)
			}
			s = s[i:]
		}
		s = strings.TrimLeft(s, " \t\n")
		if s == "" {
			return "", s, false
		}
		if s[0] == '}' {
			return "[" + strings.Join(elems, ", ") + "]", s[1:], true
		}
		if s[0] != ',' {
			return "", s, false
		}
		s = s[1:]
	}
}
