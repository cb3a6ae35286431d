package letter

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// Warning is a change the renderer made to a letter so that it prints: a
// character the font lacks left out or replaced, a name or an address
// line cut to fit the envelope window, a line dropped. It names the field
// and says what was done, without the customer's data, so that it can go
// to a log or the letter's history.
type Warning struct {
	Field   string // "recipient name", "recipient address line 3", "invoice line 2 number"...
	Problem string // what was done: "1 character the font cannot print left out (U+1F377)"
}

// String is "field: problem".
func (w Warning) String() string { return w.Field + ": " + w.Problem }

// fontMetrics is what the embedded fonts can print and how wide: the
// advance of every rune of the Basic Multilingual Plane in font units, and
// whether the font has a glyph for it. Built once per process from the
// fonts' cmap and hmtx tables (golang.org/x/image/font/sfnt).
type fontMetrics struct {
	unitsPerEm float64
	has        [0x10000 / 64]uint64
	advance    [0x10000]uint16
}

func (m *fontMetrics) covers(r rune) bool {
	return r >= 0 && r < 0x10000 && m.has[r/64]&(1<<(uint(r)%64)) != 0
}

var (
	metricsOnce sync.Once
	metricsReg  *fontMetrics
	metricsBold *fontMetrics
	metricsErr  error
)

// loadMetrics returns the metrics of the regular and bold fonts.
func loadMetrics() (regular, bold *fontMetrics, err error) {
	metricsOnce.Do(func() {
		if metricsReg, metricsErr = measureFont(dejaVuSans); metricsErr != nil {
			return
		}
		metricsBold, metricsErr = measureFont(dejaVuSansBold)
	})
	return metricsReg, metricsBold, metricsErr
}

func measureFont(ttf []byte) (*fontMetrics, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("parse embedded font: %w", err)
	}
	m := &fontMetrics{unitsPerEm: float64(f.UnitsPerEm())}
	ppem := fixed.Int26_6(f.UnitsPerEm()) << 6
	var buf sfnt.Buffer
	for r := rune(0x20); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 { // surrogates
			continue
		}
		g, err := f.GlyphIndex(&buf, r)
		if err != nil || g == 0 {
			continue
		}
		adv, err := f.GlyphAdvance(&buf, g, ppem, font.HintingNone)
		if err != nil {
			continue
		}
		m.has[r/64] |= 1 << (uint(r) % 64)
		m.advance[r] = uint16(adv >> 6)
	}
	return m, nil
}

// textWidth is the width of s in millimetres at size points.
func textWidth(s string, bold bool, size float64) float64 {
	reg, b, err := loadMetrics()
	if err != nil {
		return 0
	}
	m := reg
	if bold {
		m = b
	}
	units := 0
	for _, r := range s {
		if r < 0x10000 {
			units += int(m.advance[r])
		}
	}
	return float64(units) / m.unitsPerEm * size * 25.4 / 72
}

// printer cleans the strings of one letter before they reach the PDF
// library and records what it changed.
type printer struct {
	warnings []Warning
}

func (p *printer) warn(field, format string, args ...any) {
	p.warnings = append(p.warnings, Warning{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// line cleans a one-line field: line breaks and tabs become spaces.
func (p *printer) line(field, s string) string {
	return p.clean(field, s, false)
}

// paragraph cleans a paragraph, keeping its line breaks.
func (p *printer) paragraph(field, s string) string {
	return p.clean(field, s, true)
}

// clean makes s printable with the embedded fonts: invalid UTF-8 and
// control characters go, combining sequences are composed (NFC), and a
// character neither font has (anything outside the Basic Multilingual
// Plane, such as emoji, which would crash the PDF library) is left out
// when it is a symbol or replaced by "?" when it is a letter or digit.
// Right-to-left runs (Hebrew, Arabic) are put in visual order. Every
// change but the composition is reported under field.
func (p *printer) clean(field, s string, keepBreaks bool) string {
	reg, bold, err := loadMetrics()
	if err != nil {
		return s // Render fails on the font anyway
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
		p.warn(field, "invalid UTF-8 replaced by \"?\"")
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	var b strings.Builder
	var dropped, replaced []rune
	rtl := false
	for _, r := range s {
		switch {
		case r == '\n' && keepBreaks:
			b.WriteRune(r)
			continue
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
			continue
		case unicode.IsControl(r):
			dropped = append(dropped, r)
			continue
		case reg.covers(r) && bold.covers(r):
			if isRTL(r) {
				rtl = true
			}
			b.WriteRune(r)
			continue
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) || unicode.Is(unicode.Mn, r):
			// Joiners, direction marks, variation selectors and lone
			// combining marks: invisible or part of a dropped character.
			dropped = append(dropped, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			replaced = append(replaced, r)
			b.WriteByte('?')
		default: // emoji and other symbols
			dropped = append(dropped, r)
		}
	}
	out := b.String()
	if len(dropped) > 0 || len(replaced) > 0 {
		out = collapseSpaces(out, keepBreaks)
		var parts []string
		if n := len(dropped); n > 0 {
			parts = append(parts, fmt.Sprintf("%s the font cannot print left out (%s)", plural(n, "character", "characters"), codePoints(dropped)))
		}
		if n := len(replaced); n > 0 {
			parts = append(parts, fmt.Sprintf("%s the font cannot print replaced by \"?\" (%s)", plural(n, "character", "characters"), codePoints(replaced)))
		}
		p.warn(field, "%s", strings.Join(parts, "; "))
	}
	if rtl {
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			lines[i] = visualOrder(shapeArabic(l))
		}
		out = strings.Join(lines, "\n")
	}
	return out
}

// collapseSpaces removes the doubled spaces and the spaces at the ends of
// lines that leaving characters out can make.
func collapseSpaces(s string, keepBreaks bool) string {
	lines := []string{s}
	if keepBreaks {
		lines = strings.Split(s, "\n")
	}
	for i, l := range lines {
		lines[i] = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' }), " ")
	}
	return strings.Join(lines, "\n")
}

// codePoints lists up to five distinct code points as "U+1F377, U+200D".
func codePoints(rs []rune) string {
	seen := map[rune]bool{}
	var out []string
	for _, r := range rs {
		if seen[r] {
			continue
		}
		seen[r] = true
		if len(out) == 5 {
			out = append(out, "…")
			break
		}
		out = append(out, fmt.Sprintf("U+%04X", r))
	}
	return strings.Join(out, ", ")
}

// fit cuts s, one line, to width millimetres at size points: the cut text
// ends with "…". It reports the cut under field.
func (p *printer) fit(field, s string, bold bool, size, width float64) string {
	if textWidth(s, bold, size) <= width {
		return s
	}
	out := cutToWidth(s, bold, size, width)
	p.warn(field, "cut to fit %.0f mm (%d characters kept of %d)", width,
		utf8.RuneCountInString(out)-1, utf8.RuneCountInString(s))
	return out
}

// cutToWidth returns the longest start of s that, followed by "…", holds
// in width; at a word boundary when one is in the last third.
func cutToWidth(s string, bold bool, size, width float64) string {
	limit := width - textWidth("…", bold, size)
	rs := []rune(s)
	n := 0
	w := 0.0
	for n < len(rs) {
		cw := textWidth(string(rs[n]), bold, size)
		if w+cw > limit {
			break
		}
		w += cw
		n++
	}
	if i := strings.LastIndexByte(string(rs[:n]), ' '); i >= 0 && utf8.RuneCountInString(string(rs[:n])[:i]) > n*2/3 {
		n = utf8.RuneCountInString(string(rs[:n])[:i])
	}
	return strings.TrimRight(string(rs[:n]), " ,;-") + "…"
}

// wrap breaks s into lines of at most width millimetres at size points,
// between words; a word wider than a line starts a new line and is broken
// where it reaches the edge.
func wrap(s string, bold bool, size, width float64) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		for textWidth(word, bold, size) > width {
			if cur != "" {
				lines = append(lines, cur)
				cur = ""
			}
			head := longestFit(word, bold, size, width)
			if head == "" {
				_, n := utf8.DecodeRuneInString(word)
				head = word[:n]
			}
			lines = append(lines, head)
			word = word[len(head):]
		}
		switch {
		case word == "":
		case cur == "":
			cur = word
		case textWidth(cur+" "+word, bold, size) <= width:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// longestFit is the longest start of word that holds in width.
func longestFit(word string, bold bool, size, width float64) string {
	w := 0.0
	for i, r := range word {
		w += textWidth(string(r), bold, size)
		if w > width {
			return word[:i]
		}
	}
	return word
}

// breakLongWords inserts a space in every word of s wider than width at
// size points, so that the PDF library, which wraps only at spaces, keeps
// the text on the page. It reports the breaks under field.
func (p *printer) breakLongWords(field, s string, bold bool, size, width float64) string {
	lines := strings.Split(s, "\n")
	broken := 0
	for i, l := range lines {
		words := strings.Split(l, " ")
		changed := false
		for j, word := range words {
			if textWidth(word, bold, size) <= width {
				continue
			}
			words[j] = strings.Join(wrap(word, bold, size, width), " ")
			changed = true
			broken++
		}
		if changed {
			lines[i] = strings.Join(words, " ")
		}
	}
	if broken > 0 {
		p.warn(field, "%s too wide for the page broken over lines", plural(broken, "word", "words"))
	}
	return strings.Join(lines, "\n")
}
