package web

import (
	"errors"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
	"go.temporal.io/sdk/temporal"
)

// stateMessages say on screen what the ledger and the workflows record in
// English or as codes: letter statuses (store.Letter*), hold reasons
// (holdReason) and the workflows' refusals (dunning.Refused*, with their
// parameters in the order dunning documents).
var stateMessages = map[string][2]string{
	"letter.pending":      {"À envoyer", "To send"},
	"letter.sending":      {"En cours d'envoi", "Sending"},
	"letter.sent":         {"Envoyée", "Sent"},
	"letter.failed":       {"Échec (sera renvoyée)", "Failed (will be retried)"},
	"letter.uncertain":    {"Incertaine (à vérifier)", "Uncertain (to check)"},
	"letter.queued_print": {"À imprimer", "To print"},

	"hold.custDNR":    {"client marqué « ne pas relancer »", "customer marked do-not-remind"},
	"hold.invDNR":     {"facture marquée « ne pas relancer »", "invoice marked do-not-remind"},
	"hold.failed":     {"la lettre n'a pas pu partir : corrigez puis reprenez", "the letter failed: fix and resume"},
	"hold.unsure":     {"lettre à vérifier : SES n'a pas confirmé son envoi", "letter to verify: SES has not confirmed it"},
	"hold.custStatus": {"statut du client « %s »", "customer status “%s”"},
	"hold.invStatus":  {"statut de la facture « %s »", "invoice status “%s”"},

	"refusal.RefusedEnded":          {"la relance de la facture %s est terminée (%s)", "the dunning of invoice %s has ended (%s)"},
	"refusal.RefusedSending":        {"une lettre « %s » de la facture %s part en ce moment : réessayez dans quelques minutes", "a “%s” letter of invoice %s is being sent right now: try again in a few minutes"},
	"refusal.RefusedPausedSkip":     {"la facture %s est en pause (%s) : reprenez-la avant de passer un niveau", "invoice %s is paused (%s): resume it before skipping a level"},
	"refusal.RefusedPausedSend":     {"la facture %s est en pause (%s) : reprenez-la avant d'envoyer une lettre", "invoice %s is paused (%s): resume it before sending a letter"},
	"refusal.RefusedUnresolvedSkip": {"la facture %s a passé le dernier niveau (non soldé) : aucun niveau à passer", "invoice %s is past the last level (unresolved): nothing to skip"},
	"refusal.RefusedUnresolvedSend": {"la facture %s a passé le dernier niveau (non soldé) : aucune lettre à envoyer", "invoice %s is past the last level (unresolved): there is no letter to send"},
	"refusal.RefusedFirstLevel":     {"la facture %s est au premier niveau (%s) : il n'y a pas de niveau précédent", "invoice %s is at the first level (%s): there is no previous level"},
	"refusal.RefusedAlreadyPaused":  {"la facture %s est déjà en pause (%s)", "invoice %s is already paused (%s)"},
	"refusal.RefusedNoReason":       {"une pause demande un motif (litige, promesse de paiement…)", "a pause needs a reason (dispute, promise to pay…)"},
	"refusal.RefusedPauseDate":      {"la fin de la pause (%s) doit être après aujourd'hui (%s)", "the end of the pause (%s) must be after today (%s)"},
	"refusal.RefusedNotPaused":      {"la facture %s n'est pas en pause", "invoice %s is not paused"},
	"refusal.RefusedEmptyComment":   {"le commentaire est vide", "the comment is empty"},
	"refusal.RefusedHeld":           {"la facture %s est bloquée (%s) : aucune lettre ne peut partir", "invoice %s is held (%s): no letter can go out"},
	"refusal.RefusedAlreadyAsked":   {"la lettre « %s » de la facture %s est déjà demandée : elle part dans quelques minutes", "the “%s” letter of invoice %s is already asked for: it goes out in a few minutes"},
}

func init() {
	for k, v := range stateMessages {
		messages[k] = v
	}
}

// holdReasons are the reasons for holding letters that store.CheckInvoice
// and the invoice workflow give (in English, joined by "; "), with the
// message that says each on screen; a prefix is followed by a status's
// label.
var holdReasons = []struct {
	en, key string
	prefix  bool
}{
	{store.HoldCustomerDNR, "hold.custDNR", false},
	{store.HoldInvoiceDNR, "hold.invDNR", false},
	{dunning.HoldLetterFailed, "hold.failed", false},
	{dunning.HoldLetterUnsure, "hold.unsure", false},
	{store.HoldCustomerStatus, "hold.custStatus", true},
	{store.HoldInvoiceStatus, "hold.invStatus", true},
}

// holdReason says a hold's reason in lang; a part it does not know shows
// as given.
func holdReason(lang, reason string) string {
	parts := strings.Split(reason, "; ")
	for i, part := range parts {
		for _, h := range holdReasons {
			if h.prefix && strings.HasPrefix(part, h.en) {
				parts[i] = tr(lang, h.key, strings.TrimPrefix(part, h.en))
				break
			}
			if !h.prefix && part == h.en {
				parts[i] = tr(lang, h.key)
				break
			}
		}
	}
	return strings.Join(parts, "; ")
}

// refusalReason is the workflow's own reason for a refusal, without the
// wrapping of the client.
func refusalReason(err error) string {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		return ae.Message()
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, actions.ErrRefused.Error()+": "); i >= 0 {
		msg = msg[i+len(actions.ErrRefused.Error())+2:]
	}
	return strings.TrimSuffix(msg, " (type: ApplicationError, retryable: true)")
}

// refusalShown is a refusal as the operator reads it: in the page's
// language when the workflow gave its code and parameters
// (dunning.Refusal), else the workflow's English reason.
func refusalShown(p *page, err error) string {
	code, params, ok := dunning.RefusalOf(err)
	key := "refusal." + code
	m, known := messages[key]
	if !ok || !known || len(params) != strings.Count(m[0], "%s") {
		return refusalReason(err)
	}
	switch code {
	case dunning.RefusedEnded:
		params[1] = p.Status(params[1])
	case dunning.RefusedSending, dunning.RefusedAlreadyAsked:
		params[0] = p.Level(params[0])
	case dunning.RefusedFirstLevel:
		params[1] = p.Level(params[1])
	case dunning.RefusedHeld:
		params[1] = holdReason(p.Lang, params[1])
	case dunning.RefusedPauseDate:
		for i, d := range params {
			if day, err := calendar.Parse(d); err == nil {
				params[i] = p.Date(day)
			}
		}
	}
	args := make([]any, len(params))
	for i, v := range params {
		args[i] = v
	}
	return p.T(key, args...)
}
