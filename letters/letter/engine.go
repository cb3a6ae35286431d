package letter

import (
	"errors"
	htmltemplate "html/template"
	"strconv"
	"strings"
)

// EngineFault is where and what an error of Go's template engine says.
// html/template gives its escaping errors as a struct (*template.Error,
// read as such); text/template gives parse errors only as text, and
// execution errors as a template.ExecError whose Err is text: both in the
// format text/template/parse writes, "template: NAME:LINE[:COL]: WHAT",
// execution errors's WHAT being `executing "BLOCK" at <NODE>: WORDS`.
// ReadEngineError reads that format with the strings package.
type EngineFault struct {
	Template  string // the template (or shared file) at fault
	Line      int
	Executing string // the block being executed (execution errors)
	Node      string // the node at fault (execution errors): ".Customer.Nmae"
	What      string // the engine's own words (English)
	// Field is the field or key that does not exist ("Nmae"), when the
	// engine says so: "can't evaluate field Nmae in type ...", "map has
	// no entry for key ...".
	Field string
}

// ReadEngineError reads err as an error of the template engine; false when
// it is not one.
func ReadEngineError(err error) (EngineFault, bool) {
	var he *htmltemplate.Error
	if errors.As(err, &he) && he.Line > 0 {
		return EngineFault{Template: he.Name, Line: he.Line, What: he.Description}, true
	}
	rest, ok := strings.CutPrefix(err.Error(), "template: ")
	if !ok {
		return EngineFault{}, false
	}
	var f EngineFault
	// NAME runs to the first ":" followed by the line's digits.
	for i := 0; ; {
		j := strings.IndexByte(rest[i:], ':')
		if j < 0 {
			return EngineFault{}, false
		}
		i += j
		if n := leadingDigits(rest[i+1:]); n > 0 {
			f.Template = rest[:i]
			f.Line, _ = strconv.Atoi(rest[i+1 : i+1+n])
			rest = rest[i+1+n:]
			break
		}
		i++
	}
	if after, ok := strings.CutPrefix(rest, ":"); ok && leadingDigits(after) > 0 {
		rest = after[leadingDigits(after):] // the column
	}
	rest, ok = strings.CutPrefix(rest, ": ")
	if !ok {
		return EngineFault{}, false
	}
	f.What = rest
	if q, ok := strings.CutPrefix(rest, "executing "); ok {
		if block, err := strconv.QuotedPrefix(q); err == nil {
			if at, ok := strings.CutPrefix(q[len(block):], " at <"); ok {
				if node, words, ok := strings.Cut(at, ">: "); ok {
					f.Executing, _ = strconv.Unquote(block)
					f.Node, f.What = node, words
				}
			}
		}
	}
	for _, lead := range []string{"can't evaluate field ", "map has no entry for key "} {
		if name, ok := strings.CutPrefix(f.What, lead); ok {
			name, _, _ = strings.Cut(name, " ")
			f.Field = strings.Trim(name, `"`)
		}
	}
	return f, true
}

// leadingDigits returns how many ASCII digits s starts with.
func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
