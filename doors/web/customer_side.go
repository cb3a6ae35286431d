package web

import (
	"context"

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
}

// customerSideOf reads the customer record's answers and undeliverable
// addresses.
func (s *Server) customerSideOf(ctx context.Context, company string, c store.Customer) (customerSide, error) {
	var side customerSide
	var err error
	if side.Answers, err = s.o.Store.Answers(ctx, store.AnswerFilter{Company: company, Customer: c.Code, Limit: 50}); err != nil {
		return side, err
	}
	side.Undeliverable, err = s.o.Store.UndeliverableOf(ctx, c.ID)
	return side, err
}
