package web

import (
	"context"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/store"
)

// settingsWarnings are the flashes of what the saved settings c weaken
// (settings.Warnings), in lang.
func settingsWarnings(c settings.Company, lang string) []flash {
	var out []flash
	for _, w := range settings.Warnings(c) {
		if w.Problem.Code == settings.WarnNoIBAN {
			out = append(out, flash{Error: true, Text: tr(lang, "adm.company.noiban")})
		}
	}
	return out
}

// customerSide is what the customer record shows of the customer's side.
type customerSide struct {
	Answers       []store.Answer
	Undeliverable []store.UndeliverableAddress
	Courtesy      []store.CourtesyMail // courtesy reminders and thank-yous, sent or skipped
}

// customerSideOf reads the customer record's answers, undeliverable
// addresses and courtesy mails (reasons in lang).
func (s *Server) customerSideOf(ctx context.Context, company string, c store.Customer, lang string) (customerSide, error) {
	var side customerSide
	var err error
	if side.Answers, err = s.o.Store.Answers(ctx, store.AnswerFilter{Company: company, Customer: c.Code, Limit: 50}); err != nil {
		return side, err
	}
	if side.Undeliverable, err = s.o.Store.UndeliverableOf(ctx, c.ID); err != nil {
		return side, err
	}
	if side.Courtesy, err = s.o.Store.CourtesyMailsOf(ctx, c.ID); err != nil {
		return side, err
	}
	for i := range side.Courtesy {
		side.Courtesy[i].Reason = courtesyReason(lang, side.Courtesy[i])
	}
	return side, nil
}

// bouncedOf returns the undeliverable addresses of the customers of the
// letters ls (customer code → addresses).
func (s *Server) bouncedOf(ctx context.Context, company string, ls []store.BatchLetter) (map[string][]string, error) {
	var codes []string
	seen := map[string]bool{}
	for _, l := range ls {
		if !seen[l.CustomerCode] {
			seen[l.CustomerCode] = true
			codes = append(codes, l.CustomerCode)
		}
	}
	return s.o.Store.UndeliverableByCustomer(ctx, company, codes)
}

// courtesyReason is why a courtesy mail was skipped, in lang: its code
// from the message catalogs, the day said as the page says days (the
// English reason for a mail recorded without a code).
func courtesyReason(lang string, m store.CourtesyMail) string {
	p := m.Skip
	if p.Code == "" {
		return m.Reason
	}
	if p.Code == store.CourtesyCadence && len(p.Args) > 0 {
		if d, err := calendar.Parse(p.Args[0]); err == nil {
			p.Args = append([]string{formatDate(lang, d)}, p.Args[1:]...)
		}
	}
	return p.In(lang)
}
