package letter

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/letters/epc"
)

// decodeQR turns the first page of pdf into PNG (pdftoppm) and returns
// what zbarimg reads in its QR codes. RELANCE_LETTER_OUT keeps the PNG.
func decodeQR(t *testing.T, pdf []byte, name string) string {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install poppler-utils and zbar-tools (scripts/test.sh does)", tool)
		}
	}
	dir := t.TempDir()
	if out := os.Getenv("RELANCE_LETTER_OUT"); out != "" {
		dir = out
	}
	in := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, name)).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", filepath.Join(dir, name+".png")).Output()
	if err != nil {
		t.Fatalf("zbarimg found no QR code on the letter: %v", err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// TestLetterQRCode renders letters, reads their EPC QR code back from
// the page's image and checks the payload: IBAN, BIC, name, the amount
// owed, and an RF reference that passes the ISO 11649 check and differs
// from one letter to the next.
func TestLetterQRCode(t *testing.T) {
	t.Parallel()
	refs := map[string]bool{}
	for _, tt := range []struct {
		name, reference string
		lines           int
	}{
		{"one", "C001-20261123-R1-A1B2C3", 1},
		{"four", "C001-20261123-R1-D4E5F6", 4},
	} {
		d := SampleData(tt.lines)
		d.Reference = tt.reference
		d.PortalURL = "https://relance.example/p/abc"
		c, err := Compose(d)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := Render(d, c)
		if err != nil {
			t.Fatal(err)
		}
		got := decodeQR(t, pdf, "qr-"+tt.name)
		f := strings.Split(got, "\n")
		if len(f) != 10 || f[0] != "BCD" || f[1] != "002" || f[2] != "1" || f[3] != "SCT" || f[8] != "" {
			t.Fatalf("%s: payload %q is not an EPC069-12 version 002 SCT payload", tt.name, got)
		}
		if f[4] != "AGRIFRPP882" || f[5] != "Atelier Dupuis SAS" || f[6] != "FR7630006000011234567890189" {
			t.Errorf("%s: BIC, name, IBAN = %q, %q, %q", tt.name, f[4], f[5], f[6])
		}
		if want := "EUR" + d.Total().StringFixed(2); f[7] != want {
			t.Errorf("%s: amount %q, want %q", tt.name, f[7], want)
		}
		if !epc.ValidReference(f[9]) {
			t.Errorf("%s: %q is not a valid RF reference", tt.name, f[9])
		}
		if refs[f[9]] {
			t.Errorf("%s: reference %s already on another letter", tt.name, f[9])
		}
		refs[f[9]] = true
		text := pdfText(t, pdf)
		for _, want := range []string{epc.Grouped(f[9]), "Régler cette lettre", "https://relance.example/p/abc"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the letter does not print %q", tt.name, want)
			}
		}
		if !strings.Contains(c.Text, epc.Grouped(f[9])) || !strings.Contains(c.HTML, `src="cid:epc-qr"`) || !strings.Contains(c.HTML, "https://relance.example/p/abc") {
			t.Errorf("%s: the e-mail lacks the reference, the QR image or the link", tt.name)
		}
	}
}

// TestLetterWithoutIBAN: no QR code, and the letter says how to pay.
func TestLetterWithoutIBAN(t *testing.T) {
	t.Parallel()
	d := SampleData(1)
	d.Company.IBAN = ""
	if d.Pay() != nil {
		t.Fatal("a company without IBAN has a payment QR code")
	}
	c, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := Render(d, c)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	if !strings.Contains(text, "Par chèque à l'ordre de Atelier Dupuis SAS") || strings.Contains(c.HTML, "cid:epc-qr") {
		t.Errorf("letter without IBAN: %s", text)
	}
}
