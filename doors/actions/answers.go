package actions

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// CustomerActor is the actor of what a customer does from its page, as
// the workflow history and the audit log show it: "client C001".
func CustomerActor(code string) string { return "client " + code }

// AnswerRequest is a customer's answer from its page, already checked by
// the page (dates, lengths, reason from the company's list).
type AnswerRequest struct {
	Customer store.PortalCustomer
	Kind     string  // store.AnswerPaid, AnswerDispute, AnswerPromise, AnswerMessage
	Invoices []int64 // the invoices it is about (the customer's own)
	Today    calendar.Date
	// AnswerPaid: when, how much, which reference.
	PaidOn    calendar.Date
	Amount    *decimal.Decimal
	Reference string
	// AnswerDispute: the reason picked from the company's list.
	Reason string
	// Message: the customer's own words (every kind may carry some).
	Message string
	// AnswerPromise: the date the customer promises to pay by.
	Until calendar.Date
}

// ErrNotYours wraps an answer naming an invoice the customer does not
// have open.
var ErrNotYours = errors.New("not one of the customer's open invoices")

// Answer applies a customer's answer and records it (customer_answers,
// the audit log) so that the controllers see it in "Réponses clients".
// Through the operator paths (Act), every invoice it names gets it in its
// workflow history:
//
//   - already paid: paused for the company's paid_pause_days (a bank match
//     ends the dunning for good, the pause ends by itself otherwise);
//   - dispute: paused without end date, reason "Contestation client";
//   - promise: paused until the promised date (it resumes by itself when
//     the promise is broken);
//   - message: a comment.
//
// An invoice already paused keeps its pause and gets the answer as a
// comment. The answer's Outcome says what was done to each invoice.
func (o *Ops) Answer(ctx context.Context, req AnswerRequest) (store.Answer, error) {
	cu := req.Customer
	numbers := make([]string, 0, len(req.Invoices))
	for _, id := range req.Invoices {
		inv, err := o.Store.PortalInvoiceOf(ctx, cu.ID, id)
		if err != nil {
			return store.Answer{}, fmt.Errorf("answer of %s: invoice %d: %w", cu.Code, id, ErrNotYours)
		}
		numbers = append(numbers, inv.Number)
	}
	a := store.Answer{
		CompanyID: cu.CompanyID, CustomerID: cu.ID, Kind: req.Kind, InvoiceIDs: req.Invoices, PaidOn: req.PaidOn,
		Amount: req.Amount, Reference: req.Reference, Reason: req.Reason, Message: req.Message,
	}
	var pause dunning.PauseRequest
	actor := CustomerActor(cu.Code)
	switch req.Kind {
	case store.AnswerPaid:
		a.Until = req.Today.AddDays(cu.PaidPauseDays)
		detail := "date " + req.PaidOn.French()
		if req.Amount != nil {
			detail += ", " + money.Format(*req.Amount, "EUR")
		}
		if req.Reference != "" {
			detail += ", ref. " + req.Reference
		}
		pause = dunning.PauseRequest{Actor: actor, Reason: "Client : déjà payé (" + detail + ")", Until: a.Until}
	case store.AnswerDispute:
		pause = dunning.PauseRequest{Actor: actor, Reason: "Contestation client : " + req.Reason}
	case store.AnswerPromise:
		a.Until = req.Until
		pause = dunning.PauseRequest{Actor: actor, Reason: "Promesse de paiement du client au " + req.Until.French(), Until: req.Until}
	case store.AnswerMessage:
	default:
		return store.Answer{}, fmt.Errorf("answer of %s: %w", cu.Code, store.Invalidf("kind %q", req.Kind))
	}
	id, err := o.Store.AddAnswer(ctx, a)
	if err != nil {
		return store.Answer{}, err
	}
	a.ID = id
	comment := answerComment(req)
	var done []string
	for _, n := range numbers {
		done = append(done, n+": "+o.applyAnswer(ctx, cu.CompanyCode, n, pause, actor, comment))
	}
	a.Outcome = strings.Join(done, "; ")
	if err := o.Store.SetAnswerOutcome(ctx, id, a.Outcome); err != nil {
		return a, err
	}
	a.Invoices = numbers
	err = RecordAudit(ctx, o.Store, Audit{Door: DoorPortal, Actor: actor, Role: "customer", Action: "answer-" + req.Kind,
		Target: cu.CompanyCode + "/" + cu.Code, Detail: fmt.Sprintf("answer %d: %s", id, a.Outcome), Outcome: store.AuditOK})
	return a, err
}

// applyAnswer pauses invoice number with pause (when it has a reason)
// and adds comment to its history; it says what it did, in English.
func (o *Ops) applyAnswer(ctx context.Context, company, number string, pause dunning.PauseRequest, actor, comment string) string {
	var did []string
	if pause.Reason != "" {
		_, err := o.Act(ctx, company, number, dunning.UpdatePause, pause)
		switch code, _, _ := dunning.RefusalOf(err); {
		case err == nil && pause.Until.IsZero():
			did = append(did, "paused")
		case err == nil:
			did = append(did, "paused until "+pause.Until.String())
		case errors.Is(err, ErrNoWorkflow):
			return "no dunning running"
		case code == dunning.RefusedAlreadyPaused:
			did = append(did, "already paused")
		case code == dunning.RefusedEnded:
			return "dunning ended"
		default:
			did = append(did, "not paused ("+errorCode(err)+")")
		}
	}
	if comment != "" {
		_, err := o.Act(ctx, company, number, dunning.UpdateComment, dunning.CommentRequest{Actor: actor, Text: comment})
		switch {
		case err == nil:
			did = append(did, "commented")
		case errors.Is(err, ErrNoWorkflow):
			return "no dunning running"
		default:
			did = append(did, "no comment ("+errorCode(err)+")")
		}
	}
	return strings.Join(did, ", ")
}

// errorCode is a refusal's code, or "error".
func errorCode(err error) string {
	if code, _, ok := dunning.RefusalOf(err); ok {
		return code
	}
	return "error"
}

// answerComment is what the history keeps of an answer besides its pause.
func answerComment(req AnswerRequest) string {
	msg := strings.TrimSpace(req.Message)
	switch req.Kind {
	case store.AnswerMessage:
		return "Message du client : " + msg
	case store.AnswerDispute:
		if msg != "" {
			return "Contestation (" + req.Reason + ") : " + msg
		}
	default:
		if msg != "" {
			return "Précision du client : " + msg
		}
	}
	return ""
}

// Follow-ups a controller gives to an answer from "Réponses clients".
const (
	FollowResume  = "resume"  // letters start again now
	FollowExtend  = "extend"  // the pause lasts a week more
	FollowDispute = "dispute" // an open-ended dispute: paused until a controller resumes
	FollowSeen    = "seen"    // nothing to do
)

// FollowUp applies a controller's follow-up to every invoice of answer
// id of company, through the operator paths, and marks the answer
// handled. It returns what it did to each invoice.
func (o *Ops) FollowUp(ctx context.Context, company string, id int64, action, actor string, today calendar.Date) (string, error) {
	a, err := o.Store.AnswerByID(ctx, company, id)
	if err != nil {
		return "", err
	}
	var done []string
	for _, n := range a.Invoices {
		var did string
		switch action {
		case FollowResume:
			did = o.followAct(ctx, company, n, dunning.UpdateResume, dunning.ResumeRequest{Actor: actor})
		case FollowExtend, FollowDispute:
			pause := dunning.PauseRequest{Actor: actor, Reason: "Litige ouvert suite à la contestation du client"}
			if action == FollowExtend {
				until := a.Until
				if until.IsZero() || until.Before(today) {
					until = today
				}
				pause = dunning.PauseRequest{Actor: actor, Reason: "Pause prolongée après la réponse du client", Until: until.AddDays(7)}
			}
			did = o.followAct(ctx, company, n, dunning.UpdateResume, dunning.ResumeRequest{Actor: actor})
			did += ", " + o.followAct(ctx, company, n, dunning.UpdatePause, pause)
		case FollowSeen:
			did = "seen"
		default:
			return "", fmt.Errorf("follow-up %q: %w", action, store.ErrInvalid)
		}
		done = append(done, n+": "+did)
	}
	outcome := strings.Join(done, "; ")
	if action == FollowSeen || len(done) == 0 {
		outcome = "seen"
	}
	if err := o.Store.HandleAnswer(ctx, company, id, actor, action); err != nil {
		return outcome, err
	}
	return outcome, nil
}

func (o *Ops) followAct(ctx context.Context, company, number, update string, arg any) string {
	if _, err := o.Act(ctx, company, number, update, arg); err != nil {
		return update + " refused (" + errorCode(err) + ")"
	}
	return update + " done"
}
