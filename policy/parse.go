package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxFileSize bounds what Load reads: a policy file is a few kilobytes.
const maxFileSize = 16 << 20

// Load reads and parses the policy file at path.
func Load(path string) (*Policy, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	p, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", path, err)
	}
	return p, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("policy: read %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("policy: %s is larger than %d bytes", path, maxFileSize)
	}
	return data, nil
}

// Parse parses a policy file. It is strict: unknown keys, unknown
// privileges, malformed subjects, objects, masks or expressions, and
// write grants that can never apply are errors, with the line they are on.
// See the package documentation for the format.
func Parse(data []byte) (*Policy, error) {
	p, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return p, nil
}

// parse is Parse with errors not prefixed by "policy: ".
func parse(data []byte) (*Policy, error) {
	sum := sha256.Sum256(data)
	p := &Policy{owners: map[string]ownerEntry{}, version: hex.EncodeToString(sum[:])}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file")
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document")
	}
	root := deref(&doc)
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, errors.New("empty file")
		}
		root = deref(root.Content[0])
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, errors.New("empty file")
	}
	var owners, grants *yaml.Node
	err := eachKey(root, "", func(key string, k, v *yaml.Node) error {
		switch key {
		case "owners":
			owners = v
		case "grants":
			grants = v
		default:
			return errAt(k, "", "unknown key %q (want owners, grants)", key)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Owners first: checking write grants needs them.
	if owners != nil {
		if err := p.parseOwners(owners); err != nil {
			return nil, err
		}
	}
	if grants != nil {
		if err := p.parseGrants(grants); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// parseError is a problem at a line of the file.
type parseError struct {
	line int
	path string // e.g. grants[2].masks
	msg  string
}

func (e *parseError) Error() string {
	if e.path == "" {
		return fmt.Sprintf("line %d: %s", e.line, e.msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.line, e.path, e.msg)
}

func errAt(n *yaml.Node, path, format string, args ...any) error {
	return &parseError{line: n.Line, path: path, msg: fmt.Sprintf(format, args...)}
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("the scalar %q", n.Value)
	}
	return "something else"
}

// eachKey calls fn for each key of mapping n, refusing duplicates.
func eachKey(n *yaml.Node, path string, fn func(key string, k, v *yaml.Node) error) error {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return errAt(n, path, "want a mapping, got %s", kindName(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return errAt(k, path, "keys must be strings")
		}
		if seen[k.Value] {
			return errAt(k, path, "duplicate key %q", k.Value)
		}
		seen[k.Value] = true
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// str returns a non-empty scalar's value.
func str(n *yaml.Node, path string) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Value == "" {
		return "", errAt(n, path, "want a non-empty string, got %s", kindName(n))
	}
	return n.Value, nil
}

// list calls fn for each element of sequence n, which must not be empty.
func list(n *yaml.Node, path string, fn func(i int, e *yaml.Node) error) error {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return errAt(n, path, "want a list, got %s", kindName(n))
	}
	if len(n.Content) == 0 {
		return errAt(n, path, "empty list")
	}
	for i, e := range n.Content {
		if err := fn(i, deref(e)); err != nil {
			return err
		}
	}
	return nil
}

func (p *Policy) parseOwners(n *yaml.Node) error {
	return eachKey(n, "owners", func(key string, k, v *yaml.Node) error {
		parts := strings.Split(key, ".")
		if len(parts) > 2 || !validNames(parts...) {
			return errAt(k, "owners", "%q: want a namespace or namespace.table", key)
		}
		domain, err := str(v, "owners."+key)
		if err != nil {
			return err
		}
		if strings.TrimSpace(domain) != domain {
			return errAt(v, "owners."+key, "domain %q has surrounding spaces", domain)
		}
		lk := lower(key)
		if _, dup := p.owners[lk]; dup {
			return errAt(k, "owners", "%q is listed twice (names are case-insensitive)", key)
		}
		p.owners[lk] = ownerEntry{domain: domain, line: k.Line}
		return nil
	})
}

func validNames(parts ...string) bool {
	for _, s := range parts {
		if s == "" || s == "*" || strings.TrimSpace(s) != s || strings.ContainsAny(s, "* \t\"'") {
			return false
		}
	}
	return true
}

func (p *Policy) parseGrants(n *yaml.Node) error {
	return list(n, "grants", func(i int, e *yaml.Node) error {
		g, err := p.parseGrant(i+1, e)
		if err != nil {
			return err
		}
		p.grants = append(p.grants, g)
		return nil
	})
}

func (p *Policy) parseGrant(index int, n *yaml.Node) (*Grant, error) {
	g := &Grant{Index: index, Line: n.Line}
	path := fmt.Sprintf("grants[%d]", index)
	var masksNode, privNode *yaml.Node
	seen := map[string]*yaml.Node{}
	err := eachKey(n, path, func(key string, k, v *yaml.Node) error {
		seen[key] = k
		kp := path + "." + key
		switch key {
		case "subjects":
			return list(v, kp, func(_ int, e *yaml.Node) error {
				s, err := parseSubject(e, kp)
				g.Subjects = append(g.Subjects, s)
				return err
			})
		case "objects":
			return list(v, kp, func(_ int, e *yaml.Node) error {
				o, err := parseObject(e, kp)
				g.Objects = append(g.Objects, o)
				return err
			})
		case "privileges":
			privNode = v
			return list(v, kp, func(_ int, e *yaml.Node) error {
				s, err := str(e, kp)
				if err != nil {
					return err
				}
				switch s {
				case "read":
					g.Read = true
				case "write":
					g.Write = true
				default:
					return errAt(e, kp, "unknown privilege %q (want read, write)", s)
				}
				return nil
			})
		case "row_filter":
			s, err := str(v, kp)
			if err != nil {
				return err
			}
			if g.RowFilter, err = parseExpr(s); err != nil {
				return errAt(v, kp, "%v", err)
			}
			return nil
		case "masks":
			masksNode = v
			return nil // after objects, which masks are checked against
		}
		return errAt(k, path, "unknown key %q (want subjects, objects, privileges, row_filter, masks)", key)
	})
	if err != nil {
		return nil, err
	}
	for _, key := range []string{"subjects", "objects", "privileges"} {
		if seen[key] == nil {
			return nil, errAt(n, path, "missing %s", key)
		}
	}
	if masksNode != nil {
		if err := g.parseMasks(masksNode, path+".masks"); err != nil {
			return nil, err
		}
	}
	if !g.Read && (g.RowFilter != nil || len(g.Masks) > 0) {
		return nil, errAt(privNode, path, "row_filter and masks apply to reads, but this grant has no read privilege")
	}
	if g.Write {
		if err := p.checkWritable(g, privNode, path); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func parseSubject(n *yaml.Node, path string) (Subject, error) {
	s, err := str(n, path)
	if err != nil {
		return Subject{}, err
	}
	if s == "*" {
		return Subject{Kind: "*"}, nil
	}
	kind, name, ok := strings.Cut(s, ":")
	if !ok || name == "" || strings.TrimSpace(name) != name || (kind != "user" && kind != "group" && kind != "domain") {
		return Subject{}, errAt(n, path, "subject %q: want user:NAME, group:NAME, domain:NAME or \"*\"", s)
	}
	return Subject{Kind: kind, Name: name}, nil
}

func parseObject(n *yaml.Node, path string) (Object, error) {
	s, err := str(n, path)
	if err != nil {
		return Object{}, err
	}
	if s == "*" {
		return Object{Schema: "*", Name: "*"}, nil
	}
	parts := strings.Split(s, ".")
	if len(parts) == 2 && validNames(parts[0]) && (parts[1] == "*" || validNames(parts[1])) {
		return Object{Schema: lower(parts[0]), Name: lower(parts[1])}, nil
	}
	return Object{}, errAt(n, path, "object %q: want \"*\", \"namespace.*\" or \"namespace.table\"", s)
}

// parseMasks reads "column: expr" (every table of the grant that has the
// column) and "namespace.table.column: expr" (that table, which the grant's
// objects must cover).
func (g *Grant) parseMasks(n *yaml.Node, path string) error {
	return eachKey(n, path, func(key string, k, v *yaml.Node) error {
		parts := strings.Split(key, ".")
		var m Mask
		switch {
		case len(parts) == 1 && validNames(parts...):
			m.Column = lower(key)
		case len(parts) == 3 && validNames(parts...):
			m.Schema, m.Table, m.Column = lower(parts[0]), lower(parts[1]), lower(parts[2])
			t := Table{Schema: parts[0], Name: parts[1]}
			covered := false
			for _, o := range g.Objects {
				covered = covered || o.matches(t)
			}
			if !covered {
				return errAt(k, path, "mask %q: table %s.%s is not among this grant's objects", key, parts[0], parts[1])
			}
		default:
			return errAt(k, path, "mask %q: want COLUMN or NAMESPACE.TABLE.COLUMN as the key and the expression as the value", key)
		}
		for _, o := range g.Masks {
			if o.Schema == m.Schema && o.Table == m.Table && o.Column == m.Column {
				return errAt(k, path, "mask %q: column masked twice (names are case-insensitive)", key)
			}
		}
		s, err := str(v, path+"."+key)
		if err != nil {
			return err
		}
		if m.Expr, err = parseExpr(s); err != nil {
			return errAt(v, path+"."+key, "%v", err)
		}
		g.Masks = append(g.Masks, m)
		return nil
	})
}

// checkWritable refuses a write grant to a domain on objects the policy file
// gives to another domain: write applies only to native tables, so it could
// never take effect. (Ownership from Iceberg properties is not known here.)
func (p *Policy) checkWritable(g *Grant, privNode *yaml.Node, path string) error {
	for _, s := range g.Subjects {
		if s.Kind != "domain" {
			continue
		}
		for _, o := range g.Objects {
			if o.Schema == "*" {
				continue
			}
			owner, where := "", ""
			if o.Name != "*" {
				if e, ok := p.owners[o.Schema+"."+o.Name]; ok {
					owner, where = e.domain, o.Schema+"."+o.Name
				}
			}
			if owner == "" {
				if e, ok := p.owners[o.Schema]; ok {
					owner, where = e.domain, o.Schema
				}
			}
			if owner != "" && owner != s.Name {
				return errAt(privNode, path, "write on %s can never apply to %s: owners gives %s to domain %s, and write applies only to the owner domain's tables", o, s, where, owner)
			}
		}
	}
	return nil
}
