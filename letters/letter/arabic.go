package letter

// Arabic letters change shape with their neighbours. The PDF library maps
// each character to one glyph and does no shaping, so shapeArabic replaces
// the letters by their contextual forms from the Unicode block Arabic
// Presentation Forms-B (U+FE70-U+FEFF), which DejaVu Sans has, and the
// lam-alef pairs by their ligature. It covers the basic Arabic letters
// (U+0621-U+064A); other letters (Persian, Urdu additions) keep their
// isolated form. Marks (harakat) are kept and do not break the joining.

// arabicForm is the first presentation form of a letter (isolated, then
// final, then initial and medial for dual-joining letters).
type arabicForm struct {
	first rune
	dual  bool // joins on both sides; else only to the previous letter
}

var arabicForms = map[rune]arabicForm{
	0x0621: {0xFE80, false}, // hamza: isolated only (handled by noJoin)
	0x0622: {0xFE81, false}, 0x0623: {0xFE83, false}, 0x0624: {0xFE85, false},
	0x0625: {0xFE87, false}, 0x0626: {0xFE89, true}, 0x0627: {0xFE8D, false},
	0x0628: {0xFE8F, true}, 0x0629: {0xFE93, false}, 0x062A: {0xFE95, true},
	0x062B: {0xFE99, true}, 0x062C: {0xFE9D, true}, 0x062D: {0xFEA1, true},
	0x062E: {0xFEA5, true}, 0x062F: {0xFEA9, false}, 0x0630: {0xFEAB, false},
	0x0631: {0xFEAD, false}, 0x0632: {0xFEAF, false}, 0x0633: {0xFEB1, true},
	0x0634: {0xFEB5, true}, 0x0635: {0xFEB9, true}, 0x0636: {0xFEBD, true},
	0x0637: {0xFEC1, true}, 0x0638: {0xFEC5, true}, 0x0639: {0xFEC9, true},
	0x063A: {0xFECD, true}, 0x0641: {0xFED1, true}, 0x0642: {0xFED5, true},
	0x0643: {0xFED9, true}, 0x0644: {0xFEDD, true}, 0x0645: {0xFEE1, true},
	0x0646: {0xFEE5, true}, 0x0647: {0xFEE9, true}, 0x0648: {0xFEED, false},
	0x0649: {0xFEEF, false}, 0x064A: {0xFEF1, true},
}

// lamAlef maps the alef that follows a lam to the isolated form of their
// ligature (the final form follows it).
var lamAlef = map[rune]rune{0x0622: 0xFEF5, 0x0623: 0xFEF7, 0x0625: 0xFEF9, 0x0627: 0xFEFB}

const (
	tatweel = 0x0640
	lam     = 0x0644
	hamza   = 0x0621
)

// isArabicMark reports whether r is an Arabic combining mark (harakat),
// transparent to joining.
func isArabicMark(r rune) bool {
	return (r >= 0x064B && r <= 0x065F) || r == 0x0670
}

// joinsForward reports whether r connects to the letter after it.
func joinsForward(r rune) bool {
	if r == tatweel {
		return true
	}
	f, ok := arabicForms[r]
	return ok && f.dual
}

// joinsBack reports whether r connects to the letter before it.
func joinsBack(r rune) bool {
	if r == tatweel {
		return true
	}
	_, ok := arabicForms[r]
	return ok && r != hamza
}

// shapeArabic returns s, in logical order, with its Arabic letters in
// their contextual presentation forms.
func shapeArabic(s string) string {
	rs := []rune(s)
	// neighbour returns the letter before (dir -1) or after (dir 1) i,
	// skipping marks; 0 when there is none.
	neighbour := func(i, dir int) rune {
		for j := i + dir; j >= 0 && j < len(rs); j += dir {
			if !isArabicMark(rs[j]) {
				return rs[j]
			}
		}
		return 0
	}
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		f, ok := arabicForms[r]
		if !ok {
			out = append(out, r)
			continue
		}
		prev := neighbour(i, -1)
		back := joinsForward(prev) && joinsBack(r)
		if r == lam && i+1 < len(rs) {
			if lig, ok := lamAlef[rs[i+1]]; ok {
				if back {
					lig++ // final form
				}
				out = append(out, lig)
				i++
				continue
			}
		}
		forward := f.dual && joinsBack(neighbour(i, 1))
		form := f.first // isolated
		switch {
		case r == hamza:
		case back && forward:
			form += 3 // medial
		case back:
			form++ // final
		case forward:
			form += 2 // initial
		}
		out = append(out, form)
	}
	return string(out)
}
