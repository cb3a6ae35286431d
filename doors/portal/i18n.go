package portal

import "fmt"

// messages are the page's texts: key -> {French, English}.
var messages = map[string][2]string{
	"title":          {"Votre relevé de compte", "Your account statement"},
	"hello":          {"Relevé de %s chez %s", "Statement of %s with %s"},
	"intro":          {"Voici vos factures ouvertes au %s. Vous pouvez régler, nous dire que c'est déjà fait, contester une facture, proposer une date ou nous écrire.", "Here are your open invoices as at %s. You can pay, tell us you already have, dispute an invoice, offer a date or write to us."},
	"col.number":     {"N° facture", "Invoice"},
	"col.issued":     {"Date", "Date"},
	"col.due":        {"Échéance", "Due date"},
	"col.amount":     {"Montant TTC", "Amount"},
	"col.balance":    {"Solde dû", "Balance due"},
	"col.level":      {"Relance", "Reminder"},
	"col.late":       {"Retard", "Days late"},
	"col.pdf":        {"Facture", "Invoice"},
	"days":           {"j", "d"},
	"notdue":         {"à échoir", "not due"},
	"held":           {"en pause", "on hold"},
	"deducted":       {"Déduits", "Deducted"},
	"overpayment":    {"Trop-perçu", "Overpayment"},
	"owed":           {"Total restant dû", "Total owed"},
	"nothing":        {"Vous ne nous devez rien à ce jour. Merci !", "You owe us nothing today. Thank you!"},
	"pay":            {"Régler par virement", "Pay by bank transfer"},
	"pay.scan":       {"Scannez le code avec votre application bancaire, ou saisissez :", "Scan the code with your banking app, or enter:"},
	"pay.name":       {"Bénéficiaire", "Beneficiary"},
	"pay.amount":     {"Montant", "Amount"},
	"pay.ref":        {"Référence de paiement", "Payment reference"},
	"pay.noiban":     {"Pour régler, adressez un chèque à l'ordre de %s ou contactez-nous.", "To pay, send a cheque payable to %s or contact us."},
	"letters":        {"Lettres envoyées", "Letters sent"},
	"letters.none":   {"Aucune lettre envoyée.", "No letter sent."},
	"answer":         {"Répondre", "Answer"},
	"a.paid":         {"J'ai déjà payé", "I have already paid"},
	"a.paid.help":    {"Cochez les factures réglées : nous suspendons les relances %d jours, le temps de voir votre paiement.", "Tick the invoices paid: reminders stop for %d days while we look for your payment."},
	"a.paid.on":      {"Date du paiement", "Payment date"},
	"a.amount":       {"Montant payé (€)", "Amount paid (€)"},
	"a.reference":    {"Référence du virement ou n° de chèque", "Transfer reference or cheque number"},
	"a.dispute":      {"Je conteste une facture", "I dispute an invoice"},
	"a.dispute.inv":  {"Facture contestée", "Invoice disputed"},
	"a.reason":       {"Motif", "Reason"},
	"a.details":      {"Précisions", "Details"},
	"a.promise":      {"Je m'engage à payer le…", "I will pay on…"},
	"a.promise.help": {"Au plus tard le %s. Les relances des factures cochées (toutes si aucune) s'arrêtent jusque-là.", "At the latest %s. Reminders of the invoices ticked (all if none) stop until then."},
	"a.until":        {"Date de paiement promise", "Promised payment date"},
	"a.message":      {"Écrire au service comptable", "Write to the accounts department"},
	"a.text":         {"Votre message", "Your message"},
	"send":           {"Envoyer", "Send"},
	"done.paid":      {"Merci : les relances des factures cochées sont suspendues le temps de vérifier votre paiement.", "Thank you: reminders of the invoices ticked are suspended while we check your payment."},
	"done.dispute":   {"Votre contestation est enregistrée : la facture n'est plus relancée, le service comptable vous répondra.", "Your dispute is recorded: the invoice is no longer reminded, the accounts department will answer."},
	"done.promise":   {"Merci : pas de relance jusqu'à la date promise.", "Thank you: no reminder until the date promised."},
	"done.message":   {"Votre message est transmis au service comptable.", "Your message has been passed on to the accounts department."},
	"history":        {"Vos réponses", "Your answers"},
	"k.paid":         {"Déjà payé", "Already paid"},
	"k.dispute":      {"Contestation", "Dispute"},
	"k.promise":      {"Promesse de paiement", "Promise to pay"},
	"k.message":      {"Message", "Message"},
	"reply":          {"Pour nous écrire directement : %s", "To write to us directly: %s"},
	"err.invalid":    {"Ce lien n'est pas valide. Utilisez le lien de votre dernière lettre.", "This link is not valid. Use the link of your latest letter."},
	"err.expired":    {"Ce lien a expiré ou a été remplacé. Utilisez le lien de votre dernière lettre, ou contactez-nous.", "This link has expired or been replaced. Use the link of your latest letter, or contact us."},
	"err.notfound":   {"Document introuvable.", "Document not found."},
	"err.rate":       {"Trop de demandes : réessayez dans une minute.", "Too many requests: try again in a minute."},
	"err.toomany":    {"Vous avez envoyé beaucoup de réponses en une heure : réessayez plus tard ou écrivez-nous.", "You have sent many answers within an hour: try again later or write to us."},
	"err.form":       {"Formulaire illisible : rechargez la page.", "Unreadable form: reload the page."},
	"err.text":       {"Texte refusé : trop long ou caractères non permis.", "Text refused: too long or characters not allowed."},
	"err.items":      {"Cette facture ne fait pas partie de vos factures ouvertes.", "This invoice is not one of your open invoices."},
	"err.noitems":    {"Cochez au moins une facture.", "Tick at least one invoice."},
	"err.oneitem":    {"Choisissez une facture à contester.", "Choose one invoice to dispute."},
	"err.paiddate":   {"Date de paiement invalide (pas dans le futur, au plus un an).", "Invalid payment date (not in the future, at most a year ago)."},
	"err.amount":     {"Montant invalide.", "Invalid amount."},
	"err.reason":     {"Choisissez un motif dans la liste.", "Choose a reason from the list."},
	"err.promise":    {"Choisissez une date entre demain et la date limite indiquée.", "Choose a date between tomorrow and the latest date shown."},
	"err.empty":      {"Votre message est vide.", "Your message is empty."},
	"err.fault":      {"Une erreur est survenue : réessayez plus tard.", "Something went wrong: try again later."},
}

// tr returns the text of key in lang, formatted with args.
func tr(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if lang == "en" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
