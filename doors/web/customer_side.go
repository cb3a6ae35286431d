package web

import (
	"context"
	"regexp"
	"strings"

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
	"side.courtesy.r.cadence":      {"une lettre est partie le %s, dans la période de cadence de %s jours", "a letter went out on %s, within the %s-day cadence"},
	"side.courtesy.r.named":        {"chaque facture figure déjà dans un autre courrier de ce type", "every invoice already named by another mail of this kind"},
	"side.courtesy.r.gone":         {"plus aucune facture à citer (payée, échue, suspendue ou rouverte entre-temps)", "no invoice left to name (paid, due, held or reopened meanwhile)"},
	"side.courtesy.r.noemail":      {"pas d'adresse e-mail valide (ces courriers ne partent pas par la poste)", "no deliverable e-mail address (courtesy mails are not printed)"},
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
		side.Courtesy[i].Reason = courtesyReason(lang, side.Courtesy[i].Reason)
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

// courtesyCadence reads the reason a courtesy mail was skipped for the
// cadence ("a letter went to the customer on 2026-12-06, within the 7-day
// cadence").
var courtesyCadence = regexp.MustCompile(`^a letter went to the customer on (\d{4}-\d{2}-\d{2}), within the (\d+)-day cadence$`)

// courtesyReason is the reason a courtesy mail was skipped, as the ledger
// records it (English), in lang.
func courtesyReason(lang, reason string) string {
	if m := courtesyCadence.FindStringSubmatch(reason); m != nil {
		day := m[1]
		if d, err := calendar.Parse(m[1]); err == nil {
			day = formatDate(lang, d)
		}
		return tr(lang, "side.courtesy.r.cadence", day, m[2])
	}
	switch {
	case strings.HasPrefix(reason, "every invoice already named"):
		return tr(lang, "side.courtesy.r.named")
	case strings.HasPrefix(reason, "no invoice left"):
		return tr(lang, "side.courtesy.r.gone")
	case strings.HasPrefix(reason, "no deliverable e-mail"):
		return tr(lang, "side.courtesy.r.noemail")
	}
	return reason
}
