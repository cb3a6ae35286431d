package courtesy

// Blocks shared by the default texts.
const (
	frList = `{{range .Invoices}}
- facture {{.Number}} du {{.IssueDate}}, échéance le {{.DueDate}} : {{.Balance}}{{end}}`
	frPaidList = `{{range .Invoices}}
- facture {{.Number}} du {{.IssueDate}} : {{.Amount}}{{end}}`
	frSign = `{{if .Company.Signatory}}{{.Company.Signatory}}{{else}}Le service comptabilité clients{{end}}
{{.Company.Name}}`
	frContact = `{{with .Company.Email}} par e-mail à {{.}}{{end}}{{with .Company.Phone}} ou au {{.}}{{end}}`
	frPortal  = `{{with .PortalURL}}

Votre relevé de compte est consultable à tout moment sur votre page : {{.}}{{end}}`
	frPay = `{{with .Company.IBAN}} Le règlement peut se faire par virement sur notre compte IBAN {{.}}{{with $.Company.BIC}} (BIC {{.}}){{end}}, en rappelant le numéro de facture.{{end}}`

	enList = `{{range .Invoices}}
- invoice {{.Number}} of {{.IssueDate}}, due on {{.DueDate}}: {{.Balance}}{{end}}`
	enPaidList = `{{range .Invoices}}
- invoice {{.Number}} of {{.IssueDate}}: {{.Amount}}{{end}}`
	enSign = `{{if .Company.Signatory}}{{.Company.Signatory}}{{else}}Accounts receivable{{end}}
{{.Company.Name}}`
	enContact = `{{with .Company.Email}} by e-mail at {{.}}{{end}}{{with .Company.Phone}} or on {{.}}{{end}}`
	enPortal  = `{{with .PortalURL}}

Your statement is available at any time on your page: {{.}}{{end}}`
	enPay = `{{with .Company.IBAN}} You may pay by bank transfer to our account IBAN {{.}}{{with $.Company.BIC}} (BIC {{.}}){{end}}, quoting the invoice number.{{end}}`
)

// defaults are the embedded texts, by language then "kind/customer kind".
var defaults = map[string]map[string]Template{
	"fr": {
		"before/business": {CustomerKind: KindBusiness,
			Subject: `Rappel : {{if eq (len .Invoices) 1}}facture {{(index .Invoices 0).Number}} à échéance le {{.DueDate}}{{else}}{{len .Invoices}} factures à échéance à partir du {{.DueDate}}{{end}}`,
			Body: `Madame, Monsieur,

Nous nous permettons de vous rappeler que {{if eq (len .Invoices) 1}}la facture suivante arrive{{else}}les factures suivantes arrivent{{end}} prochainement à échéance :` + frList + `

Total : {{.Total}}

Ce message est un simple rappel : aucun retard n'est constaté à ce jour.` + frPay + ` Si le règlement est déjà en route, nous vous en remercions et vous prions de ne pas tenir compte de ce message.` + frPortal + `

Notre service reste à votre disposition pour toute question` + frContact + `.

Cordialement,

` + frSign},
		"before/individual": {CustomerKind: KindIndividual,
			Subject: `Rappel : {{if eq (len .Invoices) 1}}votre facture {{(index .Invoices 0).Number}} arrive à échéance le {{.DueDate}}{{else}}vos {{len .Invoices}} factures arrivent à échéance{{end}}`,
			Body: `Bonjour,

Pour vous aider à vous organiser, nous vous rappelons que {{if eq (len .Invoices) 1}}la facture suivante arrive{{else}}les factures suivantes arrivent{{end}} prochainement à échéance :` + frList + `

Total : {{.Total}}

Il ne s'agit que d'un rappel : aucun retard n'est constaté.` + frPay + ` Si vous avez déjà réglé, merci et ne tenez pas compte de ce message.` + frPortal + `

Pour toute question, vous pouvez nous joindre` + frContact + `.

Bien cordialement,

` + frSign},
		"thanks/business": {CustomerKind: KindBusiness,
			Subject: `Merci pour votre règlement{{if eq (len .Invoices) 1}} de la facture {{(index .Invoices 0).Number}}{{end}}`,
			Body: `Madame, Monsieur,

Nous avons bien reçu le règlement {{if eq (len .Invoices) 1}}de la facture suivante{{else}}des factures suivantes{{end}} et vous en remercions :` + frPaidList + `

{{if eq (len .Invoices) 1}}Cette facture est soldée{{else}}Ces factures sont soldées{{end}} : aucune démarche n'est nécessaire de votre part.

Nous vous remercions de votre confiance.

Cordialement,

` + frSign},
		"thanks/individual": {CustomerKind: KindIndividual,
			Subject: `Merci pour votre règlement{{if eq (len .Invoices) 1}} de la facture {{(index .Invoices 0).Number}}{{end}}`,
			Body: `Bonjour,

Nous avons bien reçu votre règlement et vous en remercions :` + frPaidList + `

{{if eq (len .Invoices) 1}}Votre facture est soldée{{else}}Vos factures sont soldées{{end}}, vous n'avez rien d'autre à faire.

Bien cordialement,

` + frSign},
	},
	"en": {
		"before/business": {CustomerKind: KindBusiness,
			Subject: `Reminder: {{if eq (len .Invoices) 1}}invoice {{(index .Invoices 0).Number}} falls due on {{.DueDate}}{{else}}{{len .Invoices}} invoices fall due from {{.DueDate}}{{end}}`,
			Body: `Dear Sir or Madam,

This is a friendly reminder that the following {{if eq (len .Invoices) 1}}invoice falls{{else}}invoices fall{{end}} due shortly:` + enList + `

Total: {{.Total}}

Nothing is overdue at this date.` + enPay + ` If your payment is already on its way, thank you, and please disregard this message.` + enPortal + `

Do not hesitate to contact us` + enContact + `.

Kind regards,

` + enSign},
		"before/individual": {CustomerKind: KindIndividual,
			Subject: `Reminder: {{if eq (len .Invoices) 1}}your invoice {{(index .Invoices 0).Number}} falls due on {{.DueDate}}{{else}}your {{len .Invoices}} invoices fall due soon{{end}}`,
			Body: `Hello,

To help you plan ahead, the following {{if eq (len .Invoices) 1}}invoice falls{{else}}invoices fall{{end}} due shortly:` + enList + `

Total: {{.Total}}

This is only a reminder: nothing is overdue.` + enPay + ` If you have already paid, thank you, and please disregard this message.` + enPortal + `

You can reach us` + enContact + `.

Kind regards,

` + enSign},
		"thanks/business": {CustomerKind: KindBusiness,
			Subject: `Thank you for your payment{{if eq (len .Invoices) 1}} of invoice {{(index .Invoices 0).Number}}{{end}}`,
			Body: `Dear Sir or Madam,

We have received the payment of the following {{if eq (len .Invoices) 1}}invoice{{else}}invoices{{end}}, thank you:` + enPaidList + `

{{if eq (len .Invoices) 1}}This invoice is{{else}}These invoices are{{end}} settled: nothing more is needed from you.

Thank you for your business.

Kind regards,

` + enSign},
		"thanks/individual": {CustomerKind: KindIndividual,
			Subject: `Thank you for your payment{{if eq (len .Invoices) 1}} of invoice {{(index .Invoices 0).Number}}{{end}}`,
			Body: `Hello,

We have received your payment, thank you:` + enPaidList + `

{{if eq (len .Invoices) 1}}Your invoice is{{else}}Your invoices are{{end}} settled, there is nothing else to do.

Kind regards,

` + enSign},
	},
}
