package web

import "strings"

// bankMessages are the texts of the Rapprochement screen, added to
// messages at start-up: key -> {French, English}.
var bankMessages = map[string][2]string{
	"nav.bank":                    {"Rapprochement", "Bank reconciliation"},
	"bank.title":                  {"Rapprochement bancaire", "Bank reconciliation"},
	"bank.upload":                 {"Relevé du jour (CAMT.053 ou CFONB 120)", "Today's statement (CAMT.053 or CFONB 120)"},
	"bank.upload.submit":          {"Importer le relevé", "Import the statement"},
	"bank.upload.none":            {"Choisissez le fichier du relevé.", "Choose the statement file."},
	"bank.upload.bad":             {"Relevé refusé : %s", "Statement refused: %s"},
	"bank.upload.done":            {"%s : %d écritures nouvelles, %d déjà connues, %d rejetées ; %d rapprochées automatiquement, %d à rapprocher, %d retours appliqués.", "%s: %d new entries, %d already known, %d rejected; %d matched automatically, %d to match, %d returns applied."},
	"bank.upload.rejected":        {"rejeté : %s", "rejected: %s"},
	"bank.tab.exception":          {"À rapprocher", "To match"},
	"bank.tab.matched":            {"Rapprochés", "Matched"},
	"bank.tab.reversal":           {"Retours", "Returns"},
	"bank.tab.ignored":            {"Hors clients", "Not customers"},
	"bank.tab.debit":              {"Débits", "Debits"},
	"bank.tab.":                   {"Tous", "All"},
	"bank.col.date":               {"Date", "Date"},
	"bank.col.amount":             {"Montant", "Amount"},
	"bank.col.payer":              {"Donneur d'ordre", "Payer"},
	"bank.col.text":               {"Libellé / référence", "Remittance"},
	"bank.col.why":                {"Motif", "Reason"},
	"bank.col.customer":           {"Client", "Customer"},
	"bank.col.status":             {"État", "Status"},
	"bank.col.paid":               {"Affectation", "Allocation"},
	"bank.suggestions":            {"Suggestions", "Suggestions"},
	"bank.none":                   {"Rien à rapprocher.", "Nothing to match."},
	"bank.nosuggestion":           {"Aucune suggestion : choisissez le client.", "No suggestion: choose the customer."},
	"bank.accept":                 {"Accepter", "Accept"},
	"bank.split":                  {"Répartir sur les factures", "Split across invoices"},
	"bank.split.customer":         {"Client", "Customer"},
	"bank.split.load":             {"Afficher ses factures", "Show its invoices"},
	"bank.split.submit":           {"Enregistrer la répartition", "Save the split"},
	"bank.split.rest":             {"Le reste va sur le compte du client.", "What is left goes on the customer's account."},
	"bank.onaccount":              {"Mettre sur le compte du client", "Put on the customer's account"},
	"bank.ignore":                 {"Pas un paiement client", "Not a customer payment"},
	"bank.reverse":                {"Ce retour annule le crédit", "This return cancels the credit"},
	"bank.reverse.submit":         {"Appliquer le retour", "Apply the return"},
	"bank.onaccount.line":         {"sur compte", "on account"},
	"bank.score":                  {"indice %d", "score %d"},
	"bank.unknown":                {"Écriture bancaire %d inconnue.", "Unknown bank transaction %d."},
	"bank.nocustomer":             {"client %s inconnu", "unknown customer %s"},
	"bank.refused":                {"Refusé : %s", "Refused: %s"},
	"bank.done.accept":            {"Crédit de %s rapproché (client %s) : les relances des factures payées s'arrêtent.", "Credit of %s matched (customer %s): the dunning of the invoices paid stops."},
	"bank.done.split":             {"Crédit de %s réparti (client %s).", "Credit of %s split (customer %s)."},
	"bank.done.account":           {"Crédit de %s mis sur le compte du client %s.", "Credit of %s put on customer %s's account."},
	"bank.done.ignore":            {"Écriture de %s marquée « pas un paiement client ».", "Entry of %s marked \"not a customer payment\"."},
	"bank.done.reverse":           {"Retour de %s appliqué : ce qu'il avait payé est rouvert.", "Return of %s applied: what it paid is open again."},
	"bank.st.new":                 {"nouveau", "new"},
	"bank.st.matched":             {"rapproché", "matched"},
	"bank.st.exception":           {"à rapprocher", "to match"},
	"bank.st.ignored":             {"hors clients", "not a customer"},
	"bank.st.debit":               {"débit", "debit"},
	"bank.st.reversal":            {"retour", "return"},
	"bank.st.reversed":            {"annulé par un retour", "cancelled by a return"},
	"bank.why.rf_reference":       {"référence RF", "RF reference"},
	"bank.why.customer_ref":       {"référence de la lettre", "letter reference"},
	"bank.why.invoice_numbers":    {"n° de facture", "invoice number"},
	"bank.why.amount_invoice":     {"montant d'une facture", "amount of one invoice"},
	"bank.why.amount_total":       {"total dû par le client", "customer's total due"},
	"bank.why.payer_iban":         {"IBAN connu", "known IBAN"},
	"bank.why.payer_name":         {"nom du payeur", "payer's name"},
	"bank.why.partial":            {"partiel", "partial"},
	"bank.why.excess":             {"excédent sur compte", "excess on account"},
	"bank.why.oldest_first":       {"plus anciennes d'abord", "oldest first"},
	"bank.why.manual":             {"à la main", "by hand"},
	"bank.why.on_account":         {"sur compte", "on account"},
	"bank.why.not_customer":       {"pas un paiement client", "not a customer payment"},
	"bank.why.reversal_of":        {"retour d'un crédit", "return of a credit"},
	"bank.why.debit":              {"débit", "debit"},
	"bank.why.no_reference":       {"aucune référence", "no reference"},
	"bank.why.several_customers":  {"plusieurs clients possibles", "several possible customers"},
	"bank.why.amount_differs":     {"montant incertain", "amount not certain"},
	"bank.why.iban_conflict":      {"IBAN d'un autre client", "another customer's IBAN"},
	"bank.why.unknown_numbers":    {"n° de facture inconnu", "unknown invoice number"},
	"bank.why.currency":           {"autre devise", "other currency"},
	"bank.why.reversal_unknown":   {"crédit retourné introuvable", "returned credit not found"},
	"bank.why.possible_duplicate": {"déjà importé dans un autre format ?", "already imported in another format?"},
	"cust.bank":                   {"Virements reçus", "Bank transfers received"},
}

func init() {
	for k, v := range bankMessages {
		if _, dup := messages[k]; !dup {
			messages[k] = v
		}
	}
}

// Why names a matching reason code.
func (p *page) Why(code string) string { return p.known("bank.why."+code, code) }

// BankStatus names a bank transaction's status.
func (p *page) BankStatus(s string) string { return p.known("bank.st."+s, s) }

// Whys names a comma-separated list of matching reason codes.
func (p *page) Whys(codes string) string {
	var out []string
	for _, c := range strings.Split(codes, ",") {
		if c != "" {
			out = append(out, p.Why(c))
		}
	}
	return strings.Join(out, ", ")
}
