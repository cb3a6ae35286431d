package letter

import (
	"bytes"
	stdimage "image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
)

// TestLetterheadLines: the legal form follows the name in the footer, the
// header line is printed under the letterhead and the footer line above
// the legal footer.
func TestLetterheadLines(t *testing.T) {
	d := medData(2, "fr", true)
	d.Company.LegalForm = "SAS au capital de 10 000 €"
	d.Company.Header = "Service clients : du lundi au vendredi, 9 h – 17 h"
	d.Company.Footer = "Membre d'une association agréée, le règlement par chèque est accepté"
	pdf, _ := renderChecked(t, d)
	if dir := os.Getenv("RELANCE_LETTER_OUT"); dir != "" {
		_ = os.WriteFile(dir+"/letterhead.pdf", pdf, 0o644)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, w := range []string{d.Company.LegalName + ", SAS au capital de 10 000 €", "du lundi au vendredi", "règlement par chèque est accepté"} {
		if !strings.Contains(text, w) {
			t.Errorf("letter lacks %q:\n%s", w, text)
		}
	}
}

// TestLetterheadLogo: a PNG logo is embedded in the letterhead's PDF.
func TestLetterheadLogo(t *testing.T) {
	img := stdimage.NewRGBA(stdimage.Rect(0, 0, 120, 60))
	for x := 0; x < 120; x++ {
		for y := 0; y < 60; y++ {
			img.Set(x, y, color.RGBA{R: uint8(31 + x), G: 56, B: 100, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	d := medData(1, "fr", true)
	d.Company.IBAN = "" // no QR code either
	plain, _ := renderChecked(t, d)
	if bytes.Contains(plain, []byte("/Subtype /Image")) {
		t.Fatal("a letter without logo has an image")
	}
	d.Company.Logo = buf.Bytes()
	pdf, _ := renderChecked(t, d)
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("the logo is not in the PDF")
	}
	if dir := os.Getenv("RELANCE_LETTER_OUT"); dir != "" {
		_ = os.WriteFile(dir+"/logo.pdf", pdf, 0o644)
	}
}
