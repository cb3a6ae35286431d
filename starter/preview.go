package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/ladder"
	"github.com/relance/relance/letter"
	"github.com/relance/relance/money"
)

// runPreview is `starter preview`: the letter an invoice would receive,
// built from the database as SendLetter builds it (templates, fees), but
// neither sent nor recorded.
func runPreview(ctx context.Context, e *env, args []string) error {
	fs := flags("preview")
	company := fs.String("company", "", "company code (required)")
	invoice := fs.String("invoice", "", "invoice number (required)")
	level := fs.String("level", "", "level code (default: the invoice's next level, else the ladder's first)")
	date := fs.String("date", "", "date of the letter, YYYY-MM-DD (default: today in the company's time zone)")
	out := fs.String("out", "", "PDF file to write (default ./preview-<invoice>-<level>.pdf)")
	textOnly := fs.Bool("text", false, "print the subject and the e-mail text only, write no PDF")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *company == "" || *invoice == "" {
		return usageError{"preview: --company and --invoice are required"}
	}
	st, co, err := e.company(ctx, *company)
	if err != nil {
		return err
	}
	inv, err := st.LoadInvoice(ctx, *company, *invoice)
	if err != nil {
		return err
	}
	on, err := dateOrToday(*date, co.TimeZone)
	if err != nil {
		return err
	}
	lv, err := previewLevel(inv.Ladder, *level, func() (string, error) {
		row, err := st.InvoiceSummary(ctx, *company, *invoice, time.Now())
		return row.NextLevel, err
	})
	if err != nil {
		return err
	}
	// The sequence the letter would get: one more than the letters of this
	// level already recorded (a revert sends a level again).
	sent, err := st.Letters(ctx, inv.ID)
	if err != nil {
		return err
	}
	seq := 1
	for _, l := range sent {
		if l.Level == lv.Code && l.Sequence >= seq {
			seq = l.Sequence + 1
		}
	}
	d, c, err := activities.BuildLetter(ctx, st, inv.ID, lv, on, seq)
	if err != nil {
		return err
	}
	e.printf("%s letter #%d for invoice %s (%s), dated %s – not sent, not recorded\n", lv.Code, seq, inv.Number, d.Recipient.Name, on.French())
	if d.Fees != nil {
		e.printf("fees claimed: indemnity %s, penalties %s (%s), total to pay %s\n",
			money.Format(d.Fees.Indemnity, "EUR"), money.Format(d.Fees.Interest, d.Currency), d.Fees.RateNote, money.Format(d.Fees.TotalDue, d.Currency))
	}
	if !*textOnly {
		pdf, err := letter.Render(d, c)
		if err != nil {
			return err
		}
		path := *out
		if path == "" {
			path = fmt.Sprintf("preview-%s-%s.pdf", fileSafe(inv.Number), fileSafe(lv.Code))
		}
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			return err
		}
		e.printf("PDF: %s (%d bytes)\n", path, len(pdf))
	}
	e.printf("\nSubject: %s\n\n%s", c.Subject, c.Text)
	return nil
}

// previewLevel returns the level of l named code, or when code is empty
// the invoice's next level (from next, the database mirror of its
// workflow), or the first level when it has none yet.
func previewLevel(l ladder.Ladder, code string, next func() (string, error)) (ladder.Level, error) {
	if len(l) == 0 {
		return ladder.Level{}, fmt.Errorf("the company has no ladder levels")
	}
	codes := make([]string, len(l))
	for i, lv := range l {
		codes[i] = lv.Code
	}
	if code == "" {
		n, err := next()
		if err != nil {
			return ladder.Level{}, err
		}
		switch n {
		case "":
			return l[0], nil
		case ladder.Unresolved:
			return ladder.Level{}, usageError{fmt.Sprintf("preview: the invoice is past its last level (%s): choose one with --level (%s)", n, strings.Join(codes, ", "))}
		}
		code = n
	}
	for _, lv := range l {
		if strings.EqualFold(lv.Code, code) {
			return lv, nil
		}
	}
	return ladder.Level{}, usageError{fmt.Sprintf("preview: level %q is not in the company's ladder (%s)", code, strings.Join(codes, ", "))}
}

// fileSafe keeps letters, digits, "-" and "_" of s, for file names built
// from invoice numbers and customer codes.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}
