package web

import (
	"context"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/store"
)

// customerSideMessages are the texts about paying from the letter, the
// customer's page and e-mail delivery, added to messages at start-up:
// key -> {French, English}.
var customerSideMessages = map[string][2]string{
	"adm.company.noiban": {"Pas d'IBAN : les lettres n'auront ni QR code de paiement ni référence RF, et demanderont un chèque ou le moyen convenu.",
		"No IBAN: letters will carry no payment QR code nor RF reference, and ask for a cheque or the means agreed."},
	"nav.replies":                  {"Réponses clients", "Customer answers"},
	"rep.title":                    {"Réponses clients", "Customer answers"},
	"rep.all":                      {"tous les jours", "every day"},
	"rep.kind":                     {"Réponse", "Answer"},
	"rep.kind.any":                 {"toutes", "all"},
	"rep.open":                     {"à traiter seulement", "to follow up only"},
	"rep.at":                       {"Reçue le", "Received"},
	"rep.details":                  {"Détails", "Details"},
	"rep.outcome":                  {"Effet", "Effect"},
	"rep.followup":                 {"Suite", "Follow-up"},
	"rep.empty":                    {"Aucune réponse.", "No answer."},
	"rep.k.paid":                   {"Déjà payé", "Already paid"},
	"rep.k.dispute":                {"Contestation", "Dispute"},
	"rep.k.promise":                {"Promesse de paiement", "Promise to pay"},
	"rep.k.message":                {"Message", "Message"},
	"rep.paidon":                   {"payé le", "paid on"},
	"rep.ref":                      {"réf.", "ref."},
	"rep.until":                    {"jusqu'au", "until"},
	"rep.a.resume":                 {"Reprendre", "Resume"},
	"rep.a.extend":                 {"Prolonger", "Extend"},
	"rep.a.dispute":                {"Ouvrir le litige", "Open the dispute"},
	"rep.a.seen":                   {"Vu", "Seen"},
	"rep.handled.resume":           {"Relances reprises", "Resumed"},
	"rep.handled.extend":           {"Pause prolongée", "Pause extended"},
	"rep.handled.dispute":          {"Litige ouvert", "Dispute opened"},
	"rep.handled.seen":             {"Vu", "Seen"},
	"rep.done.resume":              {"Réponse %d : relances reprises.", "Answer %d: reminders resumed."},
	"rep.done.extend":              {"Réponse %d : pause prolongée d'une semaine.", "Answer %d: pause extended by a week."},
	"rep.done.dispute":             {"Réponse %d : litige ouvert, plus de relance jusqu'à reprise.", "Answer %d: dispute opened, no reminder until resumed."},
	"rep.done.seen":                {"Réponse %d : marquée vue.", "Answer %d: marked seen."},
	"side.answers":                 {"Réponses du client", "Customer's answers"},
	"side.tofollow":                {"à traiter", "to follow up"},
	"side.undeliverable.bounce":    {"L'adresse %s est rejetée (SES) : les lettres partent par courrier.", "Address %s bounces (SES): letters go by post."},
	"side.bounced.print":           {"adresse en échec — envoyée par courrier", "address failing — sent by post"},
	"side.bounced.email":           {"adresse en échec — les prochaines lettres partent par courrier", "address failing — next letters go by post"},
	"side.courtesy":                {"Courriers de courtoisie", "Courtesy mails"},
	"side.courtesy.before":         {"Rappel courtois", "Courtesy reminder"},
	"side.courtesy.thanks":         {"Remerciement", "Thank-you"},
	"side.courtesy.sent":           {"envoyé", "sent"},
	"side.courtesy.skipped":        {"non envoyé", "not sent"},
	"side.courtesy.pending":        {"en attente", "pending"},
	"side.courtesy.sending":        {"en cours d'envoi", "being sent"},
	"side.courtesy.failed":         {"échec, sera réessayé", "failed, will be retried"},
	"side.courtesy.uncertain":      {"incertain (à vérifier)", "uncertain (to check)"},
	"side.undeliverable.complaint": {"%s a signalé nos e-mails comme indésirables (SES) : les lettres partent par courrier.", "%s marked our e-mails as spam (SES): letters go by post."},
}

func init() {
	for k, v := range customerSideMessages {
		if _, dup := messages[k]; !dup {
			messages[k] = v
		}
	}
}

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
