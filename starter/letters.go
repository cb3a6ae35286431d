package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/relance/relance/store"
)

// runLetters is `starter letters`: with --date, the letters of a day as a
// zip (one PDF per letter, to file) and as one merged PDF (to print); with
// --customer, a customer's letters, written again to a folder on demand.
func runLetters(ctx context.Context, e *env, args []string) error {
	fs := flags("letters")
	company := fs.String("company", "", "company code (required)")
	date := fs.String("date", "", "day the letters were made, YYYY-MM-DD (default: today in the company's time zone)")
	printOnly := fs.Bool("print-only", false, "only the letters to post (channel print or both)")
	zipPath := fs.String("zip", "", "write the day's letters to this zip, one PDF each")
	pdfPath := fs.String("pdf", "", "write the day's letters to this PDF, one after the other, ready to print")
	duplex := fs.Bool("duplex", false, "with --pdf: add a blank page after letters with an odd page count, so that each starts on its own sheet when printed on both sides")
	customer := fs.String("customer", "", "list this customer's letters instead (all days)")
	outDir := fs.String("out", "", "with --customer: write the customer's letters to this folder")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *company == "" {
		return usageError{"letters: --company is required"}
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if *customer != "" {
		if *date != "" || *zipPath != "" || *pdfPath != "" || *printOnly || *duplex {
			return usageError{"letters: --customer lists a customer's letters: use --out, not --date, --zip, --pdf, --print-only or --duplex"}
		}
		return customerLetters(ctx, e, st, *company, *customer, *outDir)
	}
	if *outDir != "" {
		return usageError{"letters: --out goes with --customer; for a day's letters use --zip and --pdf"}
	}
	if *duplex && *pdfPath == "" {
		return usageError{"letters: --duplex goes with --pdf"}
	}
	co, err := st.CompanyByCode(ctx, *company)
	if err != nil {
		return err
	}
	day, err := dateOrToday(*date, co.TimeZone)
	if err != nil {
		return err
	}
	channel := store.BatchAll
	if *printOnly {
		channel = store.BatchPrint
	}
	letters, err := st.LettersOn(ctx, *company, day, channel)
	if err != nil {
		return err
	}
	what := "letters"
	if *printOnly {
		what = "letters to print"
	}
	if len(letters) == 0 {
		e.printf("no %s for %s on %s: nothing written\n", what, co.Code, day)
		return nil
	}
	printLetterList(e, letters)
	var withPDF []store.BatchLetter
	for _, l := range letters {
		if len(l.PDF) == 0 {
			e.printf("warning: %s has no PDF recorded: left out\n", letterFileName(l))
			continue
		}
		withPDF = append(withPDF, l)
	}
	e.printf("%d %s on %s (%d with a PDF)\n", len(letters), what, day, len(withPDF))
	if len(withPDF) == 0 {
		return nil
	}
	if *zipPath != "" {
		if err := writeAtomically(*zipPath, func(w io.Writer) error { return zipLetters(w, withPDF) }); err != nil {
			return fmt.Errorf("zip %s: %w", *zipPath, err)
		}
		e.printf("zip: %s (%d PDF)\n", *zipPath, len(withPDF))
	}
	if *pdfPath != "" {
		pages := 0
		if err := writeAtomically(*pdfPath, func(w io.Writer) error {
			var err error
			pages, err = mergeLetters(w, withPDF, *duplex)
			return err
		}); err != nil {
			return fmt.Errorf("merged PDF %s: %w", *pdfPath, err)
		}
		e.printf("PDF to print: %s (%d letters, %d pages)\n", *pdfPath, len(withPDF), pages)
	}
	return nil
}

func customerLetters(ctx context.Context, e *env, st *store.Store, company, customer, outDir string) error {
	letters, err := st.CustomerLetters(ctx, company, customer)
	if err != nil {
		return err
	}
	if len(letters) == 0 {
		e.printf("no letters for customer %s of %s\n", customer, company)
		return nil
	}
	printLetterList(e, letters)
	if outDir == "" {
		return nil
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	n := 0
	for _, l := range letters {
		if len(l.PDF) == 0 {
			e.printf("warning: %s has no PDF recorded: not written\n", letterFileName(l))
			continue
		}
		if err := os.WriteFile(filepath.Join(outDir, letterFileName(l)), l.PDF, 0o644); err != nil {
			return err
		}
		n++
	}
	e.printf("%d PDF written to %s\n", n, outDir)
	return nil
}

func printLetterList(e *env, letters []store.BatchLetter) {
	e.printf("%-16s %-10s %-24s %-14s %-5s %3s %-9s %-12s %s\n", "DATE", "CUSTOMER", "NAME", "INVOICE", "LEVEL", "#", "CHANNEL", "STATUS", "SUBJECT")
	for _, l := range letters {
		e.printf("%-16s %-10s %-24s %-14s %-5s %3d %-9s %-12s %s\n", l.CreatedAt.In(time.Local).Format("2006-01-02 15:04"),
			l.CustomerCode, clip(l.CustomerName, 24), l.Invoice, l.Level, l.Sequence, l.Channel, l.Status, l.Subject)
	}
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// letterFileName names a letter's PDF: <customer>-<invoice>-<level>-<seq>.pdf.
func letterFileName(l store.BatchLetter) string {
	return fmt.Sprintf("%s-%s-%s-%d.pdf", fileSafe(l.CustomerCode), fileSafe(l.Invoice), fileSafe(l.Level), l.Sequence)
}

// zipLetters writes one PDF per letter into a zip.
func zipLetters(w io.Writer, letters []store.BatchLetter) error {
	z := zip.NewWriter(w)
	for _, l := range letters {
		f, err := z.CreateHeader(&zip.FileHeader{Name: letterFileName(l), Method: zip.Deflate, Modified: l.CreatedAt})
		if err != nil {
			return err
		}
		if _, err := f.Write(l.PDF); err != nil {
			return err
		}
	}
	return z.Close()
}

// pdfConfig is pdfcpu's default configuration without its config file
// (pdfcpu would otherwise create one in the user's config directory, and
// exit the process if it cannot).
func pdfConfig() *model.Configuration {
	model.ConfigPath = "disable"
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// mergeLetters writes the letters one after the other as one PDF and
// returns its page count. With duplex, a letter with an odd page count is
// followed by a blank page.
func mergeLetters(w io.Writer, letters []store.BatchLetter, duplex bool) (int, error) {
	readers := make([]io.ReadSeeker, 0, len(letters))
	for _, l := range letters {
		pdf := l.PDF
		if duplex {
			n, err := api.PageCount(bytes.NewReader(pdf), pdfConfig())
			if err != nil {
				return 0, fmt.Errorf("%s: %w", letterFileName(l), err)
			}
			if n%2 == 1 {
				var padded bytes.Buffer
				if err := api.InsertPages(bytes.NewReader(pdf), &padded, []string{fmt.Sprint(n)}, false, pdfConfig()); err != nil {
					return 0, fmt.Errorf("%s: blank page: %w", letterFileName(l), err)
				}
				pdf = padded.Bytes()
			}
		}
		readers = append(readers, bytes.NewReader(pdf))
	}
	var merged bytes.Buffer
	if err := api.MergeRaw(readers, &merged, false, pdfConfig()); err != nil {
		return 0, fmt.Errorf("merge: %w", err)
	}
	pages, err := api.PageCount(bytes.NewReader(merged.Bytes()), pdfConfig())
	if err != nil {
		return 0, err
	}
	_, err = w.Write(merged.Bytes())
	return pages, err
}

// writeAtomically writes a file through a temporary file renamed into
// place, so that a failure never leaves half a zip or PDF behind.
func writeAtomically(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
