package letter

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// invoiceLine matches an invoice row of SampleData in pdftotext output.
var invoiceLine = regexp.MustCompile(`FA2026-\d{4} +\d\d/\d\d/\d{4}`)

// totalLine matches the total row of the invoice table.
var totalLine = regexp.MustCompile(`(?m)^\s*Total {10,}`)

// renderSample composes and renders d. With LETTER_PREVIEW_DIR set, it also
// writes the PDF there, to look at with pdftoppm.
func renderSample(t *testing.T, d Data) []byte {
	t.Helper()
	c, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := Render(d, c)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("LETTER_PREVIEW_DIR"); dir != "" {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".pdf"
		if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return pdf
}

// requirePdftotext fails the test when poppler-utils is missing: the PDF
// checks are the point of these tests, they must not be skipped silently.
func requirePdftotext(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext not found: install poppler-utils (scripts/test.sh does)")
	}
}

// pdfText runs pdftotext -layout on pdf; pages are separated by form feeds.
// No-break spaces (U+00A0, U+202F), if pdftotext keeps them, become plain
// spaces so that tests can look for "1 234,56 €".
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	requirePdftotext(t)
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(string(out))
}

// pdfShows reports whether a page content stream of pdf shows s. The
// embedded font is written with Identity-H and code = Unicode code point,
// so the string is looked for in UTF-16BE.
func pdfShows(t *testing.T, pdf []byte, s string) bool {
	t.Helper()
	var want []byte
	for _, u := range utf16.Encode([]rune(s)) {
		want = append(want, byte(u>>8), byte(u))
	}
	for rest := pdf; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			return false
		}
		rest = rest[i+len("stream\n"):]
		r, err := zlib.NewReader(bytes.NewReader(rest))
		if err != nil {
			continue
		}
		content, _ := io.ReadAll(r) // a truncated read still holds the text
		if bytes.Contains(content, want) {
			return true
		}
	}
}

// box is where a word is printed, in millimetres from the top left corner.
type box struct{ xMin, yMin, xMax, yMax float64 }

var bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// pdfWords runs pdftotext -bbox on pdf and returns where each word is.
func pdfWords(t *testing.T, pdf []byte) map[string][]box {
	t.Helper()
	requirePdftotext(t)
	cmd := exec.Command("pdftotext", "-bbox", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	const mmPerPoint = 25.4 / 72
	words := map[string][]box{}
	for _, m := range bboxWord.FindAllStringSubmatch(string(out), -1) {
		var b [4]float64
		for i := range b {
			v, err := strconv.ParseFloat(m[i+1], 64)
			if err != nil {
				t.Fatal(err)
			}
			b[i] = v * mmPerPoint
		}
		words[m[5]] = append(words[m[5]], box{b[0], b[1], b[2], b[3]})
	}
	return words
}
