package activities

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/platform/metrics"
	"github.com/relance/relance/platform/redact"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/temporal"
)

// Mailer sends e-mails (package mail's SES sender, or a fake in tests).
type Mailer = mail.Sender

// Letters are sent exactly once. A letter is recorded (pending, with its
// PDF) before anything is sent, claimed (sending) just before the e-mail
// goes out, and marked sent after. A retry finds the record: a sent letter
// is not sent again; a letter SES refused is tried again; a letter left
// "sending" by a crash, or whose SES answer was lost, is marked uncertain
// and never sent again, because sending twice is worse than asking an
// operator to check (docs/exactly-once.md).

// sendProtocol is how deliver records a letter's progress: on one invoice
// letter row, or on a customer letter and the rows it covers. at is when
// SES answered (a sent letter's time).
type sendProtocol struct {
	claim func(ctx context.Context) (bool, error)
	mark  func(ctx context.Context, status, messageID, errText string, at time.Time) error
}

// deliver sends msg exactly once given the letter's recorded status, and
// returns its final status (the rules above).
//
// It heartbeats while it works, so a crash is noticed in seconds. The
// outcome of a send is written on a context that survives the activity's
// cancellation (a worker stopping, a timeout), and written again until the
// database answers, up to the activity's own deadline (writeOutcome): an
// e-mail SES accepted is recorded sent, and one that provably never left
// is recorded failed and retried, never left "sending" to be called
// uncertain later because the database was away for a minute.
func (a *Activities) deliver(ctx context.Context, name, status, channel string, msg mail.Message, p sendProtocol) (string, error) {
	defer heartbeat(ctx)()
	log := a.logFor(ctx)
	switch status {
	case store.LetterSent, store.LetterPrint, store.LetterUncertain:
		return status, nil
	case store.LetterSending:
		// Claimed by an attempt that never finished: it may have gone out.
		if err := p.mark(ctx, store.LetterUncertain, "", "interrupted while sending", time.Time{}); err != nil {
			return "", err
		}
		metrics.Letter(metrics.LetterUncertain)
		log.Warn("letter interrupted while sending, not resent: SES is asked about it", "letter", name, "reference", msg.Headers["X-Relance-Letter"])
		return store.LetterUncertain, nil
	}
	if channel == "print" {
		if err := p.mark(ctx, store.LetterPrint, "", "", time.Now()); err != nil {
			return "", err
		}
		metrics.Letter(metrics.LetterPrint)
		return store.LetterPrint, nil
	}
	claimed, err := p.claim(ctx)
	if err != nil {
		// The claim may have been written though its answer was lost (the
		// database went away meanwhile): nothing was sent, so the letter is
		// recorded failed (sent by the retry), not left "sending" to be
		// called uncertain.
		if markErr := a.writeOutcome(ctx, name, func(octx context.Context) error {
			return p.mark(octx, store.LetterFailed, "", "claim interrupted: nothing sent", time.Time{})
		}); markErr != nil {
			return "", errors.Join(err, markErr)
		}
		return "", err
	}
	if !claimed {
		return "", fmt.Errorf("letter %s is being sent by another attempt", name)
	}
	messageID, err := a.Mailer.Send(ctx, msg)
	answered := time.Now()
	if err == nil {
		if err := a.writeOutcome(ctx, name, func(octx context.Context) error {
			return p.mark(octx, store.LetterSent, messageID, "", answered)
		}); err != nil {
			return "", err
		}
		metrics.Letter(metrics.LetterSent)
		log.Info("letter sent", "letter", name, "reference", msg.Headers["X-Relance-Letter"])
		return store.LetterSent, nil
	}
	errText := redact.Emails(err.Error())
	if mail.SafeToRetry(err) || mail.IsPermanent(err) {
		if markErr := a.writeOutcome(ctx, name, func(octx context.Context) error {
			return p.mark(octx, store.LetterFailed, "", errText, time.Time{})
		}); markErr != nil {
			return "", markErr
		}
		metrics.Letter(metrics.LetterFailed)
		if mail.IsPermanent(err) {
			return "", badLetter(fmt.Errorf("send %s: %s", name, errText))
		}
		log.Warn("letter not sent, will be retried", "letter", name, "reference", msg.Headers["X-Relance-Letter"], "err", errText)
		return "", fmt.Errorf("send %s: %s", name, errText)
	}
	if markErr := a.writeOutcome(ctx, name, func(octx context.Context) error {
		return p.mark(octx, store.LetterUncertain, "", errText, time.Time{})
	}); markErr != nil {
		return "", markErr
	}
	metrics.Letter(metrics.LetterUncertain)
	log.Warn("letter send ended without an answer, not resent: SES is asked about it", "letter", name,
		"reference", msg.Headers["X-Relance-Letter"], "err", errText)
	return store.LetterUncertain, nil
}

// Retries of the write of a send's outcome.
const (
	outcomeFirstWait = 200 * time.Millisecond
	outcomeMaxWait   = 5 * time.Second
	outcomeTryFor    = 15 * time.Second // one try
)

// writeOutcome runs write until it succeeds, on a context that survives
// the activity's cancellation and ends at the activity's own deadline
// (outcomeTimeout outside an activity, or when it has none): the outcome
// of a send that happened must reach the ledger through a database outage
// of minutes. It returns the last error when the deadline passes.
func (a *Activities) writeOutcome(ctx context.Context, name string, write func(context.Context) error) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(outcomeTimeout)
	}
	octx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	wait := outcomeFirstWait
	for try := 1; ; try++ {
		tctx, tcancel := context.WithTimeout(octx, outcomeTryFor)
		err := write(tctx)
		tcancel()
		if err == nil {
			if try > 1 {
				a.logFor(ctx).Info("outcome of the send recorded after retries", "letter", name, "tries", try)
			}
			return nil
		}
		if try == 1 {
			a.logFor(ctx).Warn("outcome of the send not recorded yet, trying again until the database answers", "letter", name, "err", err)
		}
		select {
		case <-octx.Done():
			return fmt.Errorf("record the outcome of %s (tried %d times until the activity's deadline): %w", name, try, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, outcomeMaxWait)
	}
}

func resultOf(status string, req wire.LetterRequest, subj store.LetterSubject) wire.LetterResult {
	var detail string
	switch status {
	case store.LetterSent:
		detail = fmt.Sprintf("%s letter e-mailed to %d address(es) of %s", req.Level.Code, len(subj.Customer.Emails), subj.Customer.Code)
		if req.Level.Channel == ladder.ChannelBoth {
			detail += " and queued for print"
		}
	case store.LetterPrint:
		detail = fmt.Sprintf("%s letter queued for print: %s has no e-mail address or prefers post", req.Level.Code, subj.Customer.Code)
	case store.LetterUncertain:
		detail = fmt.Sprintf("%s letter may or may not have been e-mailed (interrupted): not resent, check the SES log", req.Level.Code)
	}
	if req.Sequence > 1 {
		detail += fmt.Sprintf(" (sent again, #%d)", req.Sequence)
	}
	return wire.LetterResult{Status: status, Detail: detail}
}

func channelFor(level ladder.Channel, c store.Customer) string {
	if level == ladder.ChannelPrint || c.Channel == "print" || len(c.Emails) == 0 {
		return "print"
	}
	return string(level)
}

// invoiceAttachment returns the invoice's own PDF when one is stored.
func (a *Activities) invoiceAttachment(inv store.InvoiceLine) []mail.Attachment {
	data := inv.PDF
	if len(data) == 0 && inv.PDFPath != "" {
		b, err := os.ReadFile(inv.PDFPath)
		if err != nil {
			a.Log.Warn("invoice PDF not attached", "invoice_id", inv.ID, "err", err)
			return nil
		}
		data = b
	}
	if len(data) == 0 {
		return nil
	}
	name := "facture-" + inv.Number + ".pdf"
	if inv.PDFPath != "" {
		name = filepath.Base(inv.PDFPath)
	}
	return []mail.Attachment{{Filename: name, ContentType: "application/pdf", Data: data}}
}

func letterData(s store.LetterSubject, req wire.LetterRequest) letter.Data {
	c, cu, inv := s.Company, s.Customer, s.Invoice
	email := ""
	if len(cu.Emails) > 0 {
		email = cu.Emails[0]
	}
	return letter.Data{
		Company: letter.Company{
			Code: c.Code, LegalName: c.LegalName, AddressLines: c.AddressLines, City: c.City, Email: replyAddress(c),
			Phone: c.Phone, SIRET: c.SIRET, VATNumber: c.VATNumber, RCS: c.RCS, IBAN: c.IBAN, BIC: c.BIC,
			SignatoryName: c.SignatoryName, SignatoryTitle: c.SignatoryTitle,
			LegalForm: c.LegalForm, Header: c.LetterHeader, Footer: c.LetterFooter, Logo: c.Logo,
		},
		Recipient: letter.Recipient{
			Code: cu.Code, Name: cu.Name, Contact: cu.Contact, AddressLines: cu.AddressLines, Email: email,
			Business: cu.Kind != "individual",
		},
		Language:   cu.Language,
		Date:       req.Date,
		LevelCode:  req.Level.Code,
		LevelLabel: req.Level.Label,
		Currency:   inv.Currency,
		Lines: []letter.Line{{
			Number: inv.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Amount: inv.Amount,
			Balance: inv.Balance, DaysOverdue: req.Date.DaysSince(inv.DueDate), Level: req.Level.Code,
		}},
		Deadline:  deadline(req),
		Reference: fmt.Sprintf("%s-%s-%d", inv.Number, req.Level.Code, req.Sequence),
	}
}

// deadline is the pay-by date a letter states: 8 days after the letter.
func deadline(req wire.LetterRequest) calendar.Date { return req.Date.AddDays(8) }

func badLetter(err error) error {
	return temporal.NewNonRetryableApplicationError(err.Error(), wire.ErrTypeBadLetter, err)
}

func nonRetryableIfNotFound(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return temporal.NewNonRetryableApplicationError(err.Error(), "NotFoundOrInvalid", err)
	}
	return err
}
