package letter

import "golang.org/x/text/unicode/bidi"

// The PDF library draws the characters of a string left to right as they
// come. A name in Hebrew or Arabic must therefore be handed over in visual
// order: visualOrder applies a reduced form of the Unicode bidirectional
// algorithm (golang.org/x/text/unicode/bidi gives the character classes)
// that is enough for one line of a name or an address: the paragraph
// direction is the first strong character's, neutrals between two runs of
// the same direction take it, others the paragraph's; right-to-left runs
// are reversed, brackets mirrored, and with a right-to-left paragraph the
// runs themselves are laid out from the right. Digits stay left to right.
// Arabic letters are given their contextual forms first (shapeArabic).

// isRTL reports whether r is a strong right-to-left character.
func isRTL(r rune) bool {
	p, _ := bidi.LookupRune(r)
	c := p.Class()
	return c == bidi.R || c == bidi.AL
}

// direction of a character or a run: rtl, ltr, or neutral (0).
const (
	ltr int8 = -1
	rtl int8 = 1
)

// visualOrder returns the one-line s in the order its characters are seen.
func visualOrder(s string) string {
	rs := []rune(s)
	dir := make([]int8, len(rs))
	para := int8(0)
	for i, r := range rs {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.R, bidi.AL:
			dir[i] = rtl
		case bidi.L:
			dir[i] = ltr
		case bidi.EN, bidi.AN:
			dir[i] = ltr // numbers read left to right
			continue     // but do not set the paragraph direction
		default:
			continue
		}
		if para == 0 {
			para = dir[i]
		}
	}
	if para == 0 {
		return s
	}
	// Neutrals: the direction of both neighbours when they agree, the
	// paragraph's otherwise.
	resolved := append([]int8(nil), dir...)
	for i := range rs {
		if dir[i] != 0 {
			continue
		}
		prev, next := para, para
		for j := i - 1; j >= 0; j-- {
			if dir[j] != 0 {
				prev = dir[j]
				break
			}
		}
		for j := i + 1; j < len(rs); j++ {
			if dir[j] != 0 {
				next = dir[j]
				break
			}
		}
		if prev == next {
			resolved[i] = prev
		} else {
			resolved[i] = para
		}
	}
	type run struct {
		text []rune
		dir  int8
	}
	var runs []run
	for i, r := range rs {
		if len(runs) == 0 || runs[len(runs)-1].dir != resolved[i] {
			runs = append(runs, run{dir: resolved[i]})
		}
		runs[len(runs)-1].text = append(runs[len(runs)-1].text, r)
	}
	for _, ru := range runs {
		if ru.dir != rtl {
			continue
		}
		t := ru.text
		for i, j := 0, len(t)-1; i < j; i, j = i+1, j-1 {
			t[i], t[j] = t[j], t[i]
		}
		for i, r := range t {
			t[i] = mirror(r)
		}
	}
	if para == rtl {
		for i, j := 0, len(runs)-1; i < j; i, j = i+1, j-1 {
			runs[i], runs[j] = runs[j], runs[i]
		}
	}
	out := make([]rune, 0, len(rs))
	for _, ru := range runs {
		out = append(out, ru.text...)
	}
	return string(out)
}

// mirror returns the mirrored form of a bracket, r otherwise.
func mirror(r rune) rune {
	switch r {
	case '(':
		return ')'
	case ')':
		return '('
	case '[':
		return ']'
	case ']':
		return '['
	case '{':
		return '}'
	case '}':
		return '{'
	case '<':
		return '>'
	case '>':
		return '<'
	case '«':
		return '»'
	case '»':
		return '«'
	}
	return r
}
