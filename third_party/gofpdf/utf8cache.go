package gofpdf

// relance patch (see PATCHES.md): a UTF-8 TrueType font is parsed once per
// process, not once per document, and the subset embedded in a document is
// made once per set of used runes. Before, every document parsed the whole
// font (about 8 ms and 6 MB for DejaVu Sans) and subset it again.

import (
	"bytes"
	"hash/crc32"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// utf8FontEntry is a parsed UTF-8 font, shared by every document that adds
// the same font file. Its fields are read-only once built, but for the
// caches guarded by mu.
type utf8FontEntry struct {
	sum  uint32
	data []byte // the font file, never written to
	desc FontDescType
	up   int
	ut   int
	cw   []int // character widths by rune: read-only, shared by the documents' fontDefType

	mu   sync.Mutex
	ids  map[string]string   // font ID by font key
	cuts map[string]*utf8Cut // subsets by used-runes key
	keys []string            // cuts keys, oldest first
}

// utf8Cut is the subset of a font for one set of used runes, ready to
// write: the compressed font file, its length before compression, the /W
// entry and the compressed CIDToGIDMap.
type utf8Cut struct {
	stream      []byte
	length1     int
	widths      string
	cidToGidMap []byte
}

// Limits of the caches: fonts kept, and subsets kept per font.
const (
	maxUTF8Fonts = 16
	maxUTF8Cuts  = 64
)

var (
	utf8FontsMu sync.Mutex
	utf8Fonts   []*utf8FontEntry // most recent last
	castagnoli  = crc32.MakeTable(crc32.Castagnoli)
)

// loadUTF8Font returns the parsed font of the TTF file data, parsing it on
// first use. data is not kept: the entry holds its own copy.
func loadUTF8Font(data []byte) (*utf8FontEntry, error) {
	sum := crc32.Checksum(data, castagnoli)
	utf8FontsMu.Lock()
	for _, e := range utf8Fonts {
		if e.sum == sum && len(e.data) == len(data) && bytes.Equal(e.data, data) {
			utf8FontsMu.Unlock()
			return e, nil
		}
	}
	utf8FontsMu.Unlock()

	own := append([]byte(nil), data...)
	u := newUTF8Font(&fileReader{readerPosition: 0, array: append([]byte(nil), own...)})
	if err := u.parseFile(); err != nil {
		return nil, err
	}
	e := &utf8FontEntry{
		sum:  sum,
		data: own,
		desc: FontDescType{
			Ascent:       int(u.Ascent),
			Descent:      int(u.Descent),
			CapHeight:    u.CapHeight,
			Flags:        u.Flags,
			FontBBox:     u.Bbox,
			ItalicAngle:  u.ItalicAngle,
			StemV:        u.StemV,
			MissingWidth: round(u.DefaultWidth),
		},
		up:   int(round(u.UnderlinePosition)),
		ut:   round(u.UnderlineThickness),
		cw:   u.CharWidths,
		ids:  map[string]string{},
		cuts: map[string]*utf8Cut{},
	}
	utf8FontsMu.Lock()
	defer utf8FontsMu.Unlock()
	for _, other := range utf8Fonts { // parsed meanwhile by another document
		if other.sum == sum && bytes.Equal(other.data, data) {
			return other, nil
		}
	}
	if len(utf8Fonts) == maxUTF8Fonts {
		utf8Fonts = utf8Fonts[1:]
	}
	utf8Fonts = append(utf8Fonts, e)
	return e, nil
}

// fontID is generateFontID(def), computed once per font key.
func (e *utf8FontEntry) fontID(def fontDefType) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if id, ok := e.ids[def.Name]; ok {
		return id
	}
	id, _ := generateFontID(def)
	e.ids[def.Name] = id
	return id
}

// subsetBase returns the used runes a document starts with: gofpdf's own
// range, plus printable ASCII, Latin-1 and the French typographic
// characters (relance patch), so that most
// documents in Western European languages use the same subset and share
// it.
func subsetBase(noAlias bool) map[int]int {
	m := makeSubsetRange(32)
	if noAlias {
		m = makeSubsetRange(57)
	}
	for r := 0x20; r <= 0x7e; r++ {
		m[r] = r
	}
	for r := 0xa0; r <= 0xff; r++ {
		m[r] = r
	}
	// Œ œ Ÿ – — ‘ ’ “ ” … narrow no-break space €
	for _, r := range []int{0x152, 0x153, 0x178, 0x2013, 0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x2026, 0x202f, 0x20ac} {
		m[r] = r
	}
	return m
}

// cut returns the subset of the font for usedRunes, making it on first
// use.
func (e *utf8FontEntry) cut(usedRunes map[int]int) (*utf8Cut, error) {
	var runes []int
	for _, r := range usedRunes {
		if r != 0 {
			runes = append(runes, r)
		}
	}
	sort.Ints(runes)
	var kb strings.Builder
	for _, r := range runes {
		kb.WriteString(strconv.Itoa(r))
		kb.WriteByte(',')
	}
	key := kb.String()

	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.cuts[key]; ok {
		return c, nil
	}
	// A fresh parse on a copy of the file: GenerateCutFont changes the
	// state of the font it works on, and may write into its buffer.
	u := newUTF8Font(&fileReader{readerPosition: 0, array: append([]byte(nil), e.data...)})
	if err := u.parseFile(); err != nil {
		return nil, err
	}
	used := make(map[int]int, len(usedRunes))
	for k, v := range usedRunes {
		used[k] = v
	}
	stream := u.GenerateCutFont(used)
	codeSymbols := u.CodeSymbolDictionary
	delete(codeSymbols, 0)
	cidToGidMap := make([]byte, 256*256*2)
	for cc, glyph := range codeSymbols {
		cidToGidMap[cc*2] = byte(glyph >> 8)
		cidToGidMap[cc*2+1] = byte(glyph & 0xFF)
	}
	c := &utf8Cut{
		stream:      sliceCompress(stream),
		length1:     len(stream),
		widths:      cidFontWidths(&fontDefType{Cw: e.cw, usedRunes: used}, u.LastRune),
		cidToGidMap: sliceCompress(cidToGidMap),
	}
	if len(e.keys) == maxUTF8Cuts {
		delete(e.cuts, e.keys[0])
		e.keys = e.keys[1:]
	}
	e.cuts[key] = c
	e.keys = append(e.keys, key)
	return c, nil
}
