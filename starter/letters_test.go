package main

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

func demoStore(t *testing.T) *store.Store {
	t.Helper()
	st, url := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23)}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetECBRate(ctx, calendar.New(2026, 7, 1), decimal.RequireFromString("2.15")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
	t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1") // nothing listens: these commands do without Temporal
	return st
}

func run(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := dispatch(context.Background(), args, &out); err != nil {
		t.Fatalf("starter %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

func pdftotext(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(string(out))
}

func TestPreview(t *testing.T) {
	st := demoStore(t)
	dir := t.TempDir()

	// A business customer's formal notice claims the fees.
	pdf := filepath.Join(dir, "med.pdf")
	out := run(t, "preview", "--company", "DEMO", "--invoice", "FA0168", "--level", "med", "--date", "2026-11-23", "--out", pdf)
	for _, want := range []string{"statement of CLI0009", "MED letter #1 of invoice FA0168", "not sent, not recorded", "fees claimed", "Subject: Mise en demeure de payer", "40,00"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview output does not say %q:\n%s", want, out)
		}
	}
	// The customer's statement: every open item, the fees on FA0168 only.
	text := strings.Join(strings.Fields(pdftotext(t, pdf)), " ")
	for _, want := range []string{"40,00 € × 1", "Total à payer", "mise en demeure", "FA0168", "FA0176", "AV0021", "17 179,14 €", "soit 17 343,37 €"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview PDF does not show %q:\n%s", want, text)
		}
	}

	// An individual's: no fees.
	out = run(t, "preview", "--company", "DEMO", "--invoice", "FA0171", "--level", "MED", "--date", "2026-11-23", "--out", filepath.Join(dir, "ind.pdf"))
	if strings.Contains(out, "fees claimed") || strings.Contains(out, "40,00") {
		t.Errorf("individual's preview claims fees:\n%s", out)
	}
	if text := pdftotext(t, filepath.Join(dir, "ind.pdf")); strings.Contains(text, "40,00") || strings.Contains(text, "Total à payer") {
		t.Errorf("individual's preview PDF shows fees:\n%s", text)
	}

	// Default level: the invoice has no dunning yet, so the first; the
	// default file name; --text writes no file.
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	out = run(t, "preview", "--company", "DEMO", "--invoice", "FA0184")
	if !strings.Contains(out, "R1 letter #1") {
		t.Errorf("default level: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "preview-FA0184-R1.pdf")); err != nil {
		t.Errorf("default PDF name: %v", err)
	}
	out = run(t, "preview", "--company", "DEMO", "--invoice", "FA0186", "--level", "R2", "--text")
	if !strings.Contains(out, "Subject: 2ème relance") || strings.Contains(out, "PDF:") {
		t.Errorf("--text: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "preview-FA0186-R2.pdf")); err == nil {
		t.Error("--text wrote a PDF")
	}

	var buf bytes.Buffer
	if err := dispatch(context.Background(), []string{"preview", "--company", "DEMO", "--invoice", "FA0168", "--level", "R9"}, &buf); err == nil || !strings.Contains(err.Error(), `level "R9" is not in the company's ladder (R1, R2, R3, MED)`) {
		t.Errorf("unknown level: %v", err)
	}

	// Nothing recorded.
	for _, n := range []string{"FA0168", "FA0171", "FA0184", "FA0186"} {
		id, _ := st.InvoiceID(context.Background(), "DEMO", n)
		if rows, err := st.Letters(context.Background(), id); err != nil || len(rows) != 0 {
			t.Errorf("%s: %d letters recorded, %v", n, len(rows), err)
		}
	}
}

func TestLettersBatch(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	day := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	// Letters of 1, 2 and 1 pages (25 invoice lines make two pages).
	add := func(invoice, level, channel, status string, lines int, at time.Time) {
		t.Helper()
		id, err := st.InvoiceID(ctx, "DEMO", invoice)
		if err != nil {
			t.Fatal(err)
		}
		d := letter.SampleData(lines)
		d.LevelCode = level
		c, err := letter.Compose(d)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := letter.Render(d, c)
		if err != nil {
			t.Fatal(err)
		}
		lid, _, err := st.SaveLetter(ctx, store.NewLetter{Key: store.LetterKey{InvoiceID: id, Level: level, Sequence: 1}, Channel: channel, Subject: c.Subject, PDF: pdf})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.MarkLetter(ctx, lid, status, "", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Pool.Exec(ctx, `UPDATE letters SET created_at = $2 WHERE id = $1`, lid, at); err != nil {
			t.Fatal(err)
		}
	}
	add("FA0168", "MED", "print", store.LetterPrint, 1, day)
	add("FA0184", "R2", "email", store.LetterSent, 25, day)
	add("FA0171", "MED", "print", store.LetterPrint, 1, day)
	add("FA0187", "R1", "email", store.LetterSent, 1, day.AddDate(0, 0, -1))

	zipPath, pdfPath := filepath.Join(dir, "day.zip"), filepath.Join(dir, "day.pdf")
	out := run(t, "letters", "--company", "DEMO", "--date", "2026-11-23", "--zip", zipPath, "--pdf", pdfPath)
	if !strings.Contains(out, "3 letters on 2026-11-23") || !strings.Contains(out, "3 letters, 6 pages") {
		t.Errorf("letters output:\n%s", out)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	zr.Close()
	sort.Strings(names)
	want := "CLI0004-FA0171-MED-1-LRAR.pdf CLI0009-FA0168-MED-1-LRAR.pdf CLI0009-FA0184-R2-1.pdf"
	if strings.Join(names, " ") != want {
		t.Errorf("zip holds %v, want %s", names, want)
	}
	// The formal notices run onto a second page (fees and the payment box).
	if n := pageCount(t, pdfPath); n != 6 {
		t.Errorf("merged PDF: %d pages, want 6", n)
	}

	// To print only, each letter on its own sheets (duplex).
	out = run(t, "letters", "--company", "DEMO", "--date", "2026-11-23", "--print-only", "--pdf", pdfPath, "--duplex")
	if !strings.Contains(out, "2 letters to print") {
		t.Errorf("print-only output:\n%s", out)
	}
	if n := pageCount(t, pdfPath); n != 4 {
		t.Errorf("duplex print batch of two two-page letters: %d pages, want 4", n)
	}
	if text := pdftotext(t, pdfPath); strings.Count(text, "\f") < 3 || strings.Contains(text, "2ème relance") {
		t.Errorf("print batch text:\n%s", text)
	}

	// The formal notices only, to post by registered mail.
	out = run(t, "letters", "--company", "DEMO", "--date", "2026-11-23", "--print-only", "--registered", "--zip", filepath.Join(dir, "lrar.zip"))
	if !strings.Contains(out, "2 letters to post by registered mail") || !strings.Contains(out, "print+LRAR") || strings.Contains(out, "FA0184") {
		t.Errorf("registered output:\n%s", out)
	}

	// A customer's letters, written again.
	out = run(t, "letters", "--company", "DEMO", "--customer", "CLI0009", "--out", filepath.Join(dir, "cli0009"))
	if !strings.Contains(out, "2 PDF written") || !strings.Contains(out, "FA0184") {
		t.Errorf("customer letters output:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "cli0009", "CLI0009-FA0168-MED-1-LRAR.pdf")); err != nil {
		t.Error(err)
	}

	out = run(t, "letters", "--company", "DEMO", "--date", "2026-11-01", "--zip", filepath.Join(dir, "none.zip"))
	if !strings.Contains(out, "nothing written") {
		t.Errorf("empty day: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.zip")); err == nil {
		t.Error("an empty day wrote a zip")
	}
	var buf bytes.Buffer
	if err := dispatch(ctx, []string{"letters", "--company", "DEMO", "--customer", "CLI0009", "--zip", "x.zip"}, &buf); err == nil {
		t.Error("--customer with --zip accepted")
	}
}

func pageCount(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := api.PageCount(f, pdfConfig())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
