package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/letters/letterbatch"
)

// previewCmd is `starter preview`: the letter the invoice's customer would
// receive if the invoice's letter went out that day, that is the
// customer's statement (every open item, credit notes deducted, fees per
// row), built from the database as SendStatement builds it, but neither
// sent nor recorded.
type previewCmd struct {
	Company string `required:"" placeholder:"CODE" help:"company code"`
	Invoice string `required:"" placeholder:"NUMBER" help:"invoice number"`
	Level   string `help:"level code (default: the invoice's next level, else the ladder's first)"`
	Date    string `placeholder:"YYYY-MM-DD" help:"date of the letter (default: today in the company's time zone)"`
	Out     string `placeholder:"FILE" help:"PDF file to write (default ./preview-<invoice>-<level>.pdf)"`
	Text    bool   `help:"print the subject and the e-mail text only, write no PDF"`
}

// Run renders the letter.
func (p *previewCmd) Run(ctx context.Context, e *env) error {
	st, co, err := e.company(ctx, p.Company)
	if err != nil {
		return err
	}
	inv, err := st.LoadInvoice(ctx, p.Company, p.Invoice)
	if err != nil {
		return err
	}
	on, err := dateOrToday(p.Date, co.TimeZone)
	if err != nil {
		return err
	}
	lv, err := previewLevel(inv.Ladder, p.Level, func() (string, error) {
		row, err := st.InvoiceSummary(ctx, p.Company, p.Invoice, time.Now())
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
	d, c, err := activities.BuildStatement(ctx, st, inv.ID, lv, on, seq)
	if err != nil {
		return err
	}
	e.printf("statement of %s (%s) at level %s, with the %s letter #%d of invoice %s, dated %s – not sent, not recorded\n",
		d.Recipient.Code, d.Recipient.Name, d.LevelCode, lv.Code, seq, inv.Number, on.French())
	if d.Fees != nil {
		e.printf("fees claimed: indemnity %s, penalties %s (%s), total to pay %s\n",
			money.Format(d.Fees.Indemnity, "EUR"), money.Format(d.Fees.Interest, d.Currency), d.Fees.RateNote, money.Format(d.Fees.TotalDue, d.Currency))
	}
	if !p.Text {
		pdf, warnings, err := letter.RenderChecked(d, c)
		if err != nil {
			return err
		}
		for _, w := range warnings {
			e.printf("printed with a change: %s\n", w)
		}
		path := p.Out
		if path == "" {
			path = fmt.Sprintf("preview-%s-%s.pdf", letterbatch.Part(inv.Number), letterbatch.Part(lv.Code))
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
