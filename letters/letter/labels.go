package letter

import "strings"

// labels are the fixed words printed around the template's text in the PDF.
type labels struct {
	french      bool   // French typography: no-break space before ":" and the like
	placeDate   string // fmt pattern: city, date
	dateOnly    string // fmt pattern: date, when the company has no city
	subject     string // before the subject line
	reference   string // before the letter reference
	customer    string // before the customer code
	attention   string // before the contact in the address block
	phone       string
	vat         string
	columns     columnLabels
	total       string
	notDue      string // heading of the rows not yet due, listed after the total
	fees        feeLabels
	pagePattern string // maroto pattern with {current} and {total}
	pageRef     string // before the reference, next to the page number
	registered  string // mention of a letter sent by registered mail (Data.Registered)
	pay         payLabels
}

// payLabels head the lines of the payment box printed under the invoice
// table (see addPaymentBox).
type payLabels struct {
	colon                                       string // " : " in French, ": " in English
	title, scan, beneficiary, amount, reference string
	otherwise                                   string // fmt pattern taking the company's name: no IBAN
	portal                                      string // before the link to the customer's page
}

// columnLabels are the headers of the invoice table.
type columnLabels struct {
	number, issued, due, amount, balance, overdue, level string
}

// feeLabels are the rows of the fees table printed under the invoice
// table: fmt patterns taking the indemnity per invoice and the invoice
// count ("2 factures"), and the date and rate note (penalties).
type feeLabels struct {
	indemnity, interest, totalDue string
	// interestMissing, interestPartial, notItemised and totalDueMissing
	// are used when an ECB rate is missing (FeeBlock.MissingRates).
	interestMissing, interestPartial, notItemised, totalDueMissing string
	invoice, invoices                                              string // "facture", "factures"
	english                                                        bool   // use FeeBlock.RateNoteEN
}

// nbsp is the no-break space French puts before ":" and inside "N° 12".
const nbsp = "\u00a0"

var labelsByLanguage = map[string]labels{
	"fr": {
		french:    true,
		placeDate: "%s, le %s",
		dateOnly:  "Le %s",
		subject:   "Objet" + nbsp + ": ",
		reference: "Notre référence" + nbsp + ": ",
		customer:  "Code client" + nbsp + ": ",
		attention: "À l'attention de ",
		phone:     "Tél.",
		vat:       "TVA intracommunautaire",
		columns: columnLabels{
			number: "N°" + nbsp + "facture", issued: "Date", due: "Échéance",
			amount: "Montant TTC", balance: "Solde dû", overdue: "Retard (jours)", level: "Niveau",
		},
		total:  "Total",
		notDue: "Pour information, à échoir (non compris dans le total)",
		fees: feeLabels{
			indemnity:       "Indemnité forfaitaire pour frais de recouvrement, %s × %s (art. D. 441-5 C.\u00a0com.)",
			interest:        "Pénalités de retard arrêtées au %s, au taux de %s (art. L. 441-10 II C.\u00a0com.)",
			totalDue:        "Total à payer",
			interestMissing: "Pénalités de retard au taux BCE + 10 points (art. L. 441-10 II C.\u00a0com.)" + nbsp + ": non chiffrées, taux BCE applicable non encore publié",
			interestPartial: "Pénalités de retard arrêtées au %s (art. L. 441-10 II C.\u00a0com.), hors périodes dont le taux BCE n'est pas encore publié (non chiffrées)",
			notItemised:     "non chiffrées",
			totalDueMissing: "Total à payer, hors pénalités non chiffrées",
			invoice:         "facture", invoices: "factures",
		},
		pagePattern: "Page {current}/{total}",
		pageRef:     "Réf. ",
		registered:  "Lettre recommandée avec accusé de réception",
		pay: payLabels{
			colon: nbsp + ": ", title: "Régler cette lettre",
			scan:        "scannez le code avec votre application bancaire",
			beneficiary: "Bénéficiaire" + nbsp + ": ", amount: "Montant" + nbsp + ": ",
			reference: "Référence de paiement" + nbsp + ": ",
			otherwise: "Par chèque à l'ordre de %s, envoyé à l'adresse ci-dessus, ou par le moyen convenu avec nous (demandez-nous nos coordonnées bancaires), en rappelant la référence :",
			portal:    "Déjà payé, contestation, date de paiement ? Répondez en ligne" + nbsp + ":",
		},
	},
	"en": {
		placeDate: "%s, %s",
		dateOnly:  "%s",
		subject:   "Subject: ",
		reference: "Our reference: ",
		customer:  "Customer code: ",
		attention: "For the attention of ",
		phone:     "Tel.",
		vat:       "VAT No.",
		columns: columnLabels{
			number: "Invoice", issued: "Date", due: "Due date",
			amount: "Amount incl. VAT", balance: "Balance due", overdue: "Days overdue", level: "Level",
		},
		total:  "Total",
		notDue: "For information, not yet due (not in the total)",
		fees: feeLabels{
			indemnity:       "Fixed indemnity for recovery costs, %s × %s (art. D. 441-5 C.\u00a0com.)",
			interest:        "Late-payment penalties as at %s, at %s (art. L. 441-10 II C.\u00a0com.)",
			totalDue:        "Total to pay",
			interestMissing: "Late-payment penalties at the ECB rate + 10 points (art. L. 441-10 II C.\u00a0com.): not itemised, the applicable ECB rate is not published yet",
			interestPartial: "Late-payment penalties as at %s (art. L. 441-10 II C.\u00a0com.), excluding periods whose ECB rate is not published yet (not itemised)",
			notItemised:     "not itemised",
			totalDueMissing: "Total to pay, excluding penalties not itemised",
			invoice:         "invoice", invoices: "invoices",
			english: true,
		},
		pagePattern: "Page {current}/{total}",
		pageRef:     "Ref. ",
		registered:  "Registered letter with acknowledgement of receipt",
		pay: payLabels{
			colon: ": ", title: "Paying this letter",
			scan:        "scan the code with your banking app",
			beneficiary: "Beneficiary: ", amount: "Amount: ", reference: "Payment reference: ",
			otherwise: "By cheque payable to %s, sent to the address above, or by the means agreed with us (ask us for our bank details), quoting the reference:",
			portal:    "Already paid, a dispute, a payment date? Answer online:",
		},
	},
}

// labelsFor returns the labels of language, French when it has none.
func labelsFor(language string) labels {
	if l, ok := labelsByLanguage[normalizeLanguage(language)]; ok {
		return l
	}
	return labelsByLanguage[DefaultLanguage]
}

// frenchSpacing puts a no-break space before the French high punctuation
// (: ; ! ?) and inside guillemets, so that a line of the PDF never starts
// with a lone colon.
var frenchSpacing = strings.NewReplacer(
	" :", nbsp+":", " ;", nbsp+";", " !", nbsp+"!", " ?", nbsp+"?",
	"« ", "«"+nbsp, " »", nbsp+"»",
)

// typeset applies the typography of the labels' language to s.
func (l labels) typeset(s string) string {
	if l.french {
		return frenchSpacing.Replace(s)
	}
	return s
}
