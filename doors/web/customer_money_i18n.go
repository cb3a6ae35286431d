package web

// customerMoneyMessages are the texts of the customer record's money
// sections (payments on account, bank transfers matched), added to
// messages at start-up: key -> {French, English}.
var customerMoneyMessages = map[string][2]string{
	"cust.onaccount":          {"Paiements non affectés", "Payments on account"},
	"cust.onaccount.intro":    {"Sommes reçues du client et affectées à aucune facture : chaque lettre les déduit de ce qu'elle réclame.", "Money the customer paid that no invoice took: every letter deducts it from what it claims."},
	"cust.onaccount.none":     {"Aucun paiement non affecté.", "No payment on account."},
	"cust.onaccount.total":    {"Total déduit des lettres", "Total deducted from the letters"},
	"cust.onaccount.source":   {"Origine", "Source"},
	"cust.onaccount.ref":      {"Référence", "Reference"},
	"cust.onaccount.method":   {"Mode / donneur d'ordre", "Method / payer"},
	"cust.src.overpaid":       {"Excédent de règlement", "Overpayment"},
	"cust.src.bank":           {"Relevé bancaire", "Bank statement"},
	"cust.src.feed":           {"Flux comptable (API)", "Accounting feed (API)"},
	"cust.src.csv":            {"Import CSV", "CSV import"},
	"cust.src.web":            {"Saisi à la main", "Recorded by hand"},
	"cust.src.accounting":     {"Comptabilité", "Accounting"},
	"cust.src.onInvoice":      {"sur %s", "on %s"},
	"cust.bank.none":          {"Aucun virement rapproché de ce client.", "No bank transfer matched to this customer."},
	"cust.bank.ref":           {"Réf. banque", "Bank ref."},
	"cust.bank.how":           {"Rapproché par", "Matched by"},
	"cust.bank.byHand":        {"À la main (%s)", "By hand (%s)"},
	"cust.bank.automatically": {"Automatiquement", "Automatically"},
}

func init() {
	for k, v := range customerMoneyMessages {
		if _, dup := messages[k]; !dup {
			messages[k] = v
		}
	}
}

// UnappliedSource names where a payment on account came from.
func (p *page) UnappliedSource(source string) string { return p.known("cust.src."+source, source) }
