package activities

import (
	"context"
	"fmt"
	"slices"

	"github.com/relance/relance/dunning"
	"github.com/relance/relance/letter"
	"github.com/relance/relance/mail"
	"github.com/relance/relance/store"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// QueueLetter hands an invoice's letter to the workflow that groups its
// customer's letters of the day, starting that workflow if needed
// (signal-with-start). The customer workflow answers the invoice workflow
// with a letter-result signal.
func (a *Activities) QueueLetter(ctx context.Context, req QueueRequest) error {
	id := dunning.CustomerLetterID(req.Company, req.Customer, req.Date)
	_, err := a.Temporal.SignalWithStartWorkflow(ctx, id, dunning.SignalAddLetter, req.Item, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                dunning.TaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		StaticSummary:            fmt.Sprintf("Letters of %s on %s", req.Customer, req.Date.French()),
	}, dunning.CustomerLetterWorkflowType, BatchInput{Company: req.Company, Customer: req.Customer, Date: req.Date, Window: req.Window})
	if err != nil {
		return fmt.Errorf("queue letter %s in %s: %w", req.Item.Key(), id, err)
	}
	return nil
}

// SendCustomerLetter sends one letter (one e-mail, one PDF) covering every
// invoice in req, each with its own level, exactly once: the same
// protocol as SendLetter, on a customer letter keyed by req.Key. An invoice
// letter that an earlier customer letter already covered is left out and
// reported with that letter's status.
func (a *Activities) SendCustomerLetter(ctx context.Context, req CustomerLetterRequest) ([]ItemResult, error) {
	if len(req.Items) == 0 {
		return nil, nil
	}
	// Invoices an earlier letter already covered are reported, not resent.
	all := make([]store.LetterKey, len(req.Items))
	for i, it := range req.Items {
		all[i] = store.LetterKey{InvoiceID: it.InvoiceID, Level: it.Level.Code, Sequence: it.Sequence}
	}
	covered, err := a.Store.CoveredElsewhere(ctx, req.Key, all)
	if err != nil {
		return nil, err
	}
	// A retry keeps the invoices the first attempt chose, so the letter
	// rows, the PDF and the e-mail stay the same.
	retry, err := a.Store.CustomerLetterExists(ctx, req.Key)
	if err != nil {
		return nil, err
	}
	var results []ItemResult
	var items []LetterItem
	for i, it := range req.Items {
		if st, ok := covered[all[i]]; ok {
			results = append(results, ItemResult{Item: it, Status: st, Detail: fmt.Sprintf("%s letter already covered by an earlier letter (%s)", it.Level.Code, st)})
			continue
		}
		if retry {
			items = append(items, it)
			continue
		}
		// The collection window lasts minutes: look at the ledger again
		// so a payment or a hold that came meanwhile keeps the invoice out.
		chk, err := a.Store.CheckInvoice(ctx, it.InvoiceID)
		if err != nil {
			return nil, nonRetryableIfNotFound(err)
		}
		if why := withdrawReason(chk); why != "" {
			results = append(results, ItemResult{Item: it, Status: LetterWithdrawn, Detail: fmt.Sprintf("%s letter withdrawn before sending: %s", it.Level.Code, why)})
			continue
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return results, nil
	}
	// The letter is the highest level's; lines keep their own level.
	top := slices.MaxFunc(items, func(x, y LetterItem) int { return x.Position - y.Position })
	var subjects []store.LetterSubject
	for _, it := range items {
		s, err := a.Store.LetterSubjectOf(ctx, it.InvoiceID)
		if err != nil {
			return nil, nonRetryableIfNotFound(err)
		}
		subjects = append(subjects, s)
	}
	data := letterData(subjects[0], LetterRequest{InvoiceID: top.InvoiceID, Invoice: top.Invoice, Level: top.Level, Sequence: top.Sequence, Date: req.Date})
	data.Lines = data.Lines[:0]
	for i, s := range subjects {
		d := letterData(s, LetterRequest{InvoiceID: items[i].InvoiceID, Level: items[i].Level, Sequence: items[i].Sequence, Date: req.Date})
		data.Lines = append(data.Lines, d.Lines...)
	}
	data.Reference = fmt.Sprintf("%s-%s-%s", req.Customer, req.Date, top.Level.Code)
	if len(items) == 1 {
		data.Reference = fmt.Sprintf("%s-%s-%d", top.Invoice, top.Level.Code, top.Sequence)
	}
	data, content, warning, err := completeLetter(ctx, a.Store, subjects[0].Company.ID, top.Level, data)
	if err != nil {
		return nil, badLetter(fmt.Errorf("compose letter %s: %w", req.Key, err))
	}
	if warning != "" {
		a.Log.Warn("letter without itemised penalties", "letter", req.Key, "reason", warning)
	}
	pdf, err := letter.Render(data, content)
	if err != nil {
		return nil, badLetter(fmt.Errorf("render letter %s: %w", req.Key, err))
	}
	cust := subjects[0].Customer
	channel := channelFor(top.Level.Channel, cust)
	keys := make([]store.LetterKey, len(items))
	for i, it := range items {
		keys[i] = store.LetterKey{InvoiceID: it.InvoiceID, Level: it.Level.Code, Sequence: it.Sequence}
	}
	id, status, saved, err := a.Store.SaveCustomerLetter(ctx, store.NewCustomerLetter{
		Key: req.Key, CustomerID: cust.ID, Channel: channel, Recipients: cust.Emails, Subject: content.Subject, PDF: pdf, Items: keys,
	})
	if err != nil {
		return nil, err
	}
	msg := mail.Message{
		From: subjects[0].Company.SenderEmail, To: cust.Emails, Subject: content.Subject, Text: content.Text, HTML: content.HTML,
		Attachments: []mail.Attachment{{
			Filename: fmt.Sprintf("%s-%s-%s.pdf", top.Level.Code, req.Customer, req.Date), ContentType: "application/pdf", Data: pdf,
		}},
		Headers: map[string]string{"X-Relance-Letter": data.Reference},
	}
	for _, s := range subjects {
		msg.Attachments = append(msg.Attachments, a.invoiceAttachment(s.Invoice)...)
	}
	final, err := a.deliver(ctx, "customer letter "+req.Key, status, channel, msg, sendProtocol{
		claim: func(ctx context.Context) (bool, error) { return a.Store.ClaimCustomerLetter(ctx, id) },
		mark: func(ctx context.Context, status, messageID, errText string) error {
			return a.Store.MarkCustomerLetter(ctx, id, status, messageID, errText)
		},
	})
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		st := final
		if saved[i].Elsewhere {
			st = saved[i].Status
		}
		r := resultOf(st, LetterRequest{Level: it.Level, Sequence: it.Sequence}, subjects[i])
		if len(items) > 1 && !saved[i].Elsewhere {
			r.Detail += fmt.Sprintf(" (one letter for %d invoices of %s)", len(items), req.Customer)
		}
		results = append(results, ItemResult{Item: it, Status: st, Detail: r.Detail})
	}
	return results, nil
}

// withdrawReason says why an invoice must leave a letter about to go out.
func withdrawReason(c store.Check) string {
	switch {
	case c.Closed:
		return "invoice closed"
	case c.Balance.Sign() <= 0:
		return "balance is zero"
	case c.HoldReason != "":
		return c.HoldReason
	}
	return ""
}
