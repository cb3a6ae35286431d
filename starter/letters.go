package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/letters/letterbatch"
)

// lettersCmd is `starter letters`: with --date, the letters of a day as a
// zip (one PDF per letter, to file) and as one merged PDF (to print); with
// --customer, a customer's letters, written again to a folder on demand.
type lettersCmd struct {
	companyFlag
	Date       string `placeholder:"YYYY-MM-DD" help:"day the letters were made (default: today in the company's time zone)"`
	PrintOnly  bool   `name:"print-only" help:"only the letters to post (channel print or both)"`
	Registered bool   `help:"with --print-only: only the letters to post by registered mail with acknowledgement of receipt (formal notices, LRAR)"`
	Zip        string `placeholder:"FILE" help:"write the day's letters to this zip, one PDF each"`
	PDF        string `name:"pdf" placeholder:"FILE" help:"write the day's letters to this PDF, one after the other, ready to print"`
	Duplex     bool   `help:"with --pdf: add a blank page after letters with an odd page count, so that each starts on its own sheet when printed on both sides"`
	Customer   string `placeholder:"CODE" help:"list this customer's letters instead (all days)"`
	Out        string `placeholder:"DIR" help:"with --customer: write the customer's letters to this folder"`
}

// Run lists and writes the letters.
func (c *lettersCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if c.Customer != "" {
		if c.Date != "" || c.Zip != "" || c.PDF != "" || c.PrintOnly || c.Registered || c.Duplex {
			return usageError{"letters: --customer lists a customer's letters: use --out, not --date, --zip, --pdf, --print-only or --duplex"}
		}
		return customerLetters(ctx, e, st, c.Company, c.Customer, c.Out)
	}
	if c.Out != "" {
		return usageError{"letters: --out goes with --customer; for a day's letters use --zip and --pdf"}
	}
	if c.Registered && !c.PrintOnly {
		return usageError{"letters: --registered goes with --print-only"}
	}
	if c.Duplex && c.PDF == "" {
		return usageError{"letters: --duplex goes with --pdf"}
	}
	co, err := st.CompanyByCode(ctx, c.Company)
	if err != nil {
		return err
	}
	day, err := dateOrToday(c.Date, co.TimeZone)
	if err != nil {
		return err
	}
	channel := store.BatchAll
	if c.PrintOnly {
		channel = store.BatchPrint
	}
	letters, err := st.LettersOn(ctx, c.Company, day, channel)
	if err != nil {
		return err
	}
	what := "letters"
	if c.PrintOnly {
		what = "letters to print"
	}
	if c.Registered {
		what = "letters to post by registered mail"
		kept := letters[:0]
		for _, l := range letters {
			if letter.IsRegisteredLevel(l.Level) {
				kept = append(kept, l)
			}
		}
		letters = kept
	}
	if len(letters) == 0 {
		e.printf("no %s for %s on %s: nothing written\n", what, co.Code, day)
		return nil
	}
	printLetterList(e, letters, companyLocation(ctx, st, co.Code))
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
	if c.Zip != "" {
		if err := writeAtomically(c.Zip, func(w io.Writer) error { return zipLetters(w, withPDF) }); err != nil {
			return fmt.Errorf("zip %s: %w", c.Zip, err)
		}
		e.printf("zip: %s (%d PDF)\n", c.Zip, len(withPDF))
	}
	if c.PDF != "" {
		pages := 0
		if err := writeAtomically(c.PDF, func(w io.Writer) error {
			var err error
			pages, err = mergeLetters(w, withPDF, c.Duplex)
			return err
		}); err != nil {
			return fmt.Errorf("merged PDF %s: %w", c.PDF, err)
		}
		e.printf("PDF to print: %s (%d letters, %d pages)\n", c.PDF, len(withPDF), pages)
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
	printLetterList(e, letters, companyLocation(ctx, st, company))
	if outDir == "" {
		return nil
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for _, l := range letters {
		if len(l.PDF) == 0 {
			e.printf("warning: %s has no PDF recorded: not written\n", letterFileName(l))
		}
	}
	n, err := writeLetterFiles(outDir, letters)
	if err != nil {
		return err
	}
	e.printf("%d PDF written to %s\n", n, outDir)
	return nil
}

// printLetterList lists letters, their dates in loc (the company's time
// zone).
func printLetterList(e *env, letters []store.BatchLetter, loc *time.Location) {
	e.printf("%-16s %-10s %-24s %-14s %-5s %3s %-9s %-12s %s\n", "DATE", "CUSTOMER", "NAME", "INVOICE", "LEVEL", "#", "CHANNEL", "STATUS", "SUBJECT")
	registered := 0
	for _, l := range letters {
		channel := l.Channel
		if letter.IsRegisteredLevel(l.Level) && channel != "email" {
			channel += "+LRAR"
			registered++
		}
		e.printf("%-16s %-10s %-24s %-14s %-5s %3d %-9s %-12s %s\n", l.CreatedAt.In(loc).Format("2006-01-02 15:04"),
			clip(l.CustomerCode, 10), clip(l.CustomerName, 24), invoiceList(l.Invoice), l.Level, l.Sequence, channel, l.Status, l.Subject)
	}
	if registered > 0 {
		e.printf("%d to post by registered mail with acknowledgement of receipt (LRAR: channel +LRAR, file names -LRAR)\n", registered)
	}
}

// invoiceList shows the invoices of a letter: one, or the first and the
// count of the others ("FA0168 +59").
func invoiceList(s string) string {
	if invoices := strings.Split(s, "+"); len(invoices) > 1 {
		return fmt.Sprintf("%s +%d", clip(invoices[0], 14), len(invoices)-1)
	}
	return clip(s, 14)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// letterFileName, letterFileNames, zipLetters, writeLetterFiles, pdfConfig
// and mergeLetters are the shared letter batch (package letterbatch), also
// used by the web app.
func letterFileName(l store.BatchLetter) string { return letterbatch.FileName(l) }

func letterFileNames(letters []store.BatchLetter) []string { return letterbatch.FileNames(letters) }

func zipLetters(w io.Writer, letters []store.BatchLetter) error { return letterbatch.Zip(w, letters) }

func writeLetterFiles(dir string, letters []store.BatchLetter) (int, error) {
	return letterbatch.WriteFiles(dir, letters)
}

func pdfConfig() *model.Configuration { return letterbatch.PDFConfig() }

func mergeLetters(w io.Writer, letters []store.BatchLetter, duplex bool) (int, error) {
	return letterbatch.Merge(w, letters, duplex)
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
