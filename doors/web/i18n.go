package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/shopspring/decimal"
)

// Languages of the pages: French first, English available.
const (
	langFR = "fr"
	langEN = "en"
)

// messages holds every text of the pages: key -> {French, English}.
var messages = map[string][2]string{
	"app.title":           {"relance – relances clients", "relance – customer reminders"},
	"nav.relances":        {"Relances", "Reminders"},
	"nav.proposal":        {"Proposition du jour", "Today's proposal"},
	"nav.letters":         {"Lettres du jour", "Today's letters"},
	"nav.signout":         {"Déconnexion", "Sign out"},
	"role.viewer":         {"lecture", "viewer"},
	"role.operator":       {"opérateur", "operator"},
	"role.admin":          {"administrateur", "admin"},
	"login.title":         {"Connexion", "Sign in"},
	"login.name":          {"Identifiant", "User name"},
	"login.password":      {"Mot de passe", "Password"},
	"login.submit":        {"Se connecter", "Sign in"},
	"login.bad":           {"Identifiant ou mot de passe incorrect.", "Unknown user or wrong password."},
	"login.expired":       {"Votre session a expiré : reconnectez-vous.", "Your session has expired: please sign in again."},
	"login.out":           {"Vous êtes déconnecté.", "You are signed out."},
	"login.nocompany":     {"Aucune société ne vous est attribuée : demandez à un administrateur.", "No company is granted to you: ask an administrator."},
	"tab.all":             {"Tous", "All"},
	"tab.unresolved":      {"Non soldé", "Unresolved"},
	"tab.paused":          {"En pause", "Paused"},
	"tab.held":            {"Contentieux", "Litigation"},
	"tab.held.title":      {"Bloquées : contentieux, ne pas relancer, lettre en échec", "Held: litigation, do-not-remind, failed letter"},
	"col.level":           {"Niveau", "Level"},
	"col.number":          {"N° de pièce", "Document no."},
	"col.customer":        {"Client", "Customer"},
	"col.name":            {"Nom client", "Customer name"},
	"col.due":             {"Date d'échéance", "Due date"},
	"col.balance":         {"Solde dû", "Balance due"},
	"col.nextLevel":       {"Prochain niveau", "Next level"},
	"col.nextAction":      {"Date prochaine action", "Next action"},
	"col.comment":         {"Commentaire", "Comment"},
	"col.actions":         {"Actions", "Actions"},
	"col.date":            {"Date", "Date"},
	"col.step":            {"Libellé", "Step"},
	"col.settled":         {"Soldée", "Settled"},
	"col.by":              {"Par", "By"},
	"col.amount":          {"Montant", "Amount"},
	"col.status":          {"État", "Status"},
	"col.channel":         {"Canal", "Channel"},
	"col.subject":         {"Objet", "Subject"},
	"col.invoices":        {"Factures", "Invoices"},
	"col.reminded":        {"Encours relancé", "Amount reminded"},
	"col.fees":            {"Agios réclamés", "Fees claimed"},
	"col.toRemind":        {"À relancer", "To remind"},
	"col.address":         {"Adresse du tiers", "Address"},
	"col.preview":         {"Aperçu", "Preview"},
	"col.days":            {"Jours de retard", "Days late"},
	"f.customer":          {"Client", "Customer"},
	"f.family":            {"Famille client", "Customer family"},
	"f.salesRep":          {"Représentant", "Sales rep"},
	"f.method":            {"Mode de règlement", "Payment method"},
	"f.overdue":           {"Échue depuis plus de (jours)", "Overdue by more than (days)"},
	"f.overCredit":        {"Encours autorisé dépassé", "Over credit limit"},
	"f.availBelow":        {"Encours disponible inférieur à", "Available credit below"},
	"f.apply":             {"Appliquer", "Apply"},
	"f.reset":             {"Réinitialiser", "Reset"},
	"a.execute":           {"Exécuter", "Execute"},
	"a.execute.title":     {"Envoyer maintenant la lettre du prochain niveau", "Send the next level's letter now"},
	"a.skip":              {"Ignorer", "Skip"},
	"a.skip.title":        {"Passer au niveau suivant sans lettre", "Move to the next level without a letter"},
	"a.revert":            {"Revenir à la précédente", "Back to previous"},
	"a.revert.short":      {"Précédente", "Previous"},
	"a.pause":             {"Pause", "Pause"},
	"a.resume":            {"Reprendre", "Resume"},
	"a.comment":           {"Commenter", "Comment"},
	"a.reason":            {"Motif", "Reason"},
	"a.until":             {"Jusqu'au", "Until"},
	"a.ok":                {"Valider", "OK"},
	"a.selection":         {"Sélection", "Selection"},
	"a.selected":          {"factures cochées", "invoices ticked"},
	"a.export":            {"Exporter :", "Export:"},
	"a.save":              {"Enregistrer", "Save"},
	"a.untick":            {"Décocher", "Untick"},
	"a.show":              {"Afficher", "Show"},
	"page.prev":           {"« Précédent", "« Previous"},
	"page.next":           {"Suivant »", "Next »"},
	"page.shown":          {"lignes affichées sur", "rows shown of"},
	"page.first":          {"« Début", "« First"},
	"page.of":             {"sur", "of"},
	"list.empty":          {"Aucune facture dans cet onglet avec ces filtres.", "No invoice in this tab with these filters."},
	"done.execute":        {"%s : la lettre %s part dans quelques minutes.", "%s: the %s letter goes out within minutes."},
	"done.skip":           {"%s : niveau ignoré, prochain niveau %s.", "%s: level skipped, next level %s."},
	"done.revert":         {"%s : retour au niveau %s.", "%s: back to level %s."},
	"done.pause":          {"%s : mise en pause.", "%s: paused."},
	"done.resume":         {"%s : relances reprises.", "%s: reminders resumed."},
	"done.comment":        {"%s : commentaire enregistré.", "%s: comment saved."},
	"refused":             {"%s : action refusée – %s", "%s: action refused – %s"},
	"err.noworkflow":      {"%s : aucune relance en cours pour cette facture.", "%s: no reminder is running for this invoice."},
	"err.forbidden":       {"Votre rôle (%s) ne permet pas cette action.", "Your role (%s) does not allow this action."},
	"err.company":         {"La société %s ne vous est pas attribuée ou n'existe pas.", "Company %s is not granted to you or does not exist."},
	"err.notfound":        {"Page introuvable.", "Page not found."},
	"err.invoice":         {"La facture %s n'existe pas dans la société %s.", "Invoice %s does not exist in company %s."},
	"err.customer":        {"Le client %s n'existe pas dans la société %s.", "Customer %s does not exist in company %s."},
	"err.csrf":            {"Formulaire expiré ou envoyé d'ailleurs : rechargez la page et recommencez.", "This form expired or came from elsewhere: reload the page and try again."},
	"err.internal":        {"Une erreur interne est survenue (référence %s). Réessayez ; si elle persiste, donnez la référence à l'équipe technique.", "An internal error occurred (reference %s). Try again; if it persists, give the reference to the engineers."},
	"err.filter":          {"Filtre « %s » : la valeur « %s » n'est pas valable, ce filtre est ignoré.", "Filter “%s”: the value “%s” is not valid, this filter is ignored."},
	"f.tab":               {"onglet", "tab"},
	"f.sort":              {"tri", "sort"},
	"f.page":              {"page", "page"},
	"f.position":          {"position", "position"},
	"err.date":            {"Date incorrecte « %s » : attendu JJ/MM/AAAA.", "Bad date %q: expected DD/MM/YYYY."},
	"err.nothing":         {"Cochez au moins une facture.", "Tick at least one invoice."},
	"err.action":          {"Action inconnue : %s", "Unknown action: %s"},
	"err.reason":          {"Donnez un motif à la pause.", "Give a reason for the pause."},
	"err.text":            {"Le commentaire est vide.", "The comment is empty."},
	"err.back":            {"Retour aux relances", "Back to reminders"},
	"bulk.running":        {"Traitement en cours : %d / %d", "Working: %d / %d"},
	"bulk.done":           {"%s : %d fait(s) sur %d.", "%s: %d done of %d."},
	"bulk.refused":        {"Refusées :", "Refused:"},
	"cust.title":          {"Fiche client", "Customer record"},
	"cust.openItems":      {"Relevé : pièces ouvertes", "Statement: open items"},
	"cust.includeSettled": {"Inclure les lignes soldées", "Include settled lines"},
	"cust.history":        {"Relances", "Reminders"},
	"cust.dnr":            {"Ne pas relancer", "Do not remind"},

	// The customer's cadence (docs/customer-side.md "Cadence").
	"cust.cadence":         {"Une lettre au plus tous les (jours)", "At most one letter every (days)"},
	"cust.cadence.company": {"Vide : comme la société (%d jours).", "Empty: as the company (%d days)."},
	"cust.cadence.own":     {"Propre à ce client ; videz pour reprendre celle de la société (%d jours).", "This customer's own; empty it to use the company's (%d days)."},
	"cust.cadence.saved":   {"Client %s : une lettre au plus tous les %d jours.", "Customer %s: at most one letter every %d days."},
	"cust.cadence.cleared": {"Client %s : cadence de la société.", "Customer %s: the company's cadence."},

	"cust.status":         {"Statut de relance", "Reminder status"},
	"cust.calls":          {"Appels", "Calls"},
	"cust.letters":        {"Lettres envoyées", "Letters sent"},
	"cust.promises":       {"Promesses de paiement", "Promises to pay"},
	"cust.creditLimit":    {"Encours autorisé", "Credit limit"},
	"cust.openBalance":    {"Encours", "Open balance"},
	"cust.owed":           {"Exigible (montant des lettres)", "Owed now (as the letters claim)"},
	"cust.unapplied":      {"Paiements non affectés déduits", "Payments on account deducted"},
	"cust.notDue":         {"à échoir", "not due"},
	"cust.contact":        {"Contact", "Contact"},
	"cust.inherited":      {"hérité par les factures", "inherited by the invoices"},
	"cust.none":           {"Aucun", "None"},
	"cust.dnr.on":         {"Le client %s ne sera plus relancé (%d relance(s) en cours prévenue(s)).", "Customer %s will not be reminded any more (%d running reminder(s) told)."},
	"cust.dnr.off":        {"Le client %s est de nouveau relancé (%d relance(s) en cours prévenue(s)).", "Customer %s is reminded again (%d running reminder(s) told)."},
	"cust.status.set":     {"Statut de %s : %s (%d relance(s) en cours prévenue(s)).", "Status of %s: %s (%d running reminder(s) told)."},
	"cust.call.add":       {"Noter un appel", "Log a call"},
	"cust.call.outcome":   {"Résultat", "Outcome"},
	"cust.call.note":      {"Note", "Note"},
	"cust.call.promise":   {"Promesse le", "Promised on"},
	"cust.call.amount":    {"Montant promis", "Amount promised"},
	"cust.call.saved":     {"Appel noté.", "Call logged."},
	"inv.title":           {"Facture", "Invoice"},
	"inv.state":           {"État", "State"},
	"inv.timeline":        {"Historique", "Timeline"},
	"inv.payments":        {"Paiements", "Payments"},
	"inv.letters":         {"Lettres", "Letters"},
	"inv.temporal":        {"Voir le workflow dans l'interface Temporal (équipe technique)", "Open the workflow in the Temporal UI (engineers)"},
	"inv.amount":          {"Montant TTC", "Amount incl. tax"},
	"inv.none":            {"Aucun", "None"},
	"inv.pausedUntil":     {"En pause jusqu'au %s : %s", "Paused until %s: %s"},
	"inv.paused":          {"En pause : %s", "Paused: %s"},
	"inv.held":            {"Bloquée : %s", "Held: %s"},
	"prop.title":          {"Proposition de relance du %s", "Reminder proposal of %s"},
	"prop.help":           {"Lettres qui partiront ce jour-là, une par client. Décochez un client pour qu'il ne soit pas relancé ce jour-là.", "Letters that will go out that day, one per customer. Untick a customer to leave them out that day."},
	"prop.empty":          {"Aucune lettre prévue ce jour-là.", "No letter planned that day."},
	"prop.unticked":       {"%s retiré de la proposition : %d facture(s) mise(s) en pause jusqu'au lendemain.", "%s left out of the proposal: %d invoice(s) paused until the next day."},
	"prop.email":          {"e-mail", "e-mail"},
	"prop.print":          {"courrier", "post"},
	"why.no-due-date":     {"Non relancée : pas de date d'échéance (à saisir dans la comptabilité)", "Not chased: no due date (set one in the accounting system)"},
	"why.credit-note":     {"Avoir : rien à réclamer, déduit des lettres du client", "Credit note: nothing to claim, deducted in the customer's letters"},
	"why.negative-amount": {"Non relancée : montant négatif sur une facture", "Not chased: negative amount on an invoice"},
	"why.currency":        {"Non relancée : devise %s non gérée (EUR, USD, GBP, CHF)", "Not chased: currency %s not handled (EUR, USD, GBP, CHF)"},
	"why.customer-dnr":    {"Non relancée : client « ne pas relancer »", "Not chased: customer marked do-not-remind"},
	"why.invoice-dnr":     {"Non relancée : facture « ne pas relancer »", "Not chased: invoice marked do-not-remind"},
	"why.blocking-status": {"Bloquée par le statut %s", "Held by status %s"},
	"why.not-due":         {"Pas encore échue : relancée après le %s", "Not yet due: chased after %s"},
	"why.pending":         {"Échue : la prochaine analyse démarre sa relance", "Due: the next scan starts its dunning"},
	"inv.late":            {"%d j de retard", "%d days late"},
	"inv.dueIn":           {"à échoir dans %d j", "due in %d days"},
	"err.tooLong":         {"Texte trop long : %d caractères, %d au plus. Rien n'a été enregistré.", "Text too long: %d characters, at most %d. Nothing was saved."},
	"a.exportHistory":     {"Historique :", "History:"},
	"err.period":          {"Période incorrecte : la fin est avant le début.", "Bad period: it ends before it starts."},
	"a.retick":            {"Recocher", "Tick again"},
	"prop.untickedRow":    {"Décoché : pas de lettre ce jour-là", "Unticked: no letter that day"},
	"prop.waitingRow":     {"attend la cadence — prochaine lettre le %s", "waits for the cadence — next letter on %s"},
	"prop.reticked":       {"%s remis dans la proposition : %d facture(s) reprise(s).", "%s back in the proposal: %d invoice(s) resumed."},
	"a.edit":              {"Modifier", "Edit"},
	"a.delete":            {"Supprimer", "Delete"},
	"cust.call.invalid":   {"Appel incomplet : un contact, un résultat ou une note est nécessaire.", "Incomplete call: a contact, an outcome or a note is needed."},
	"cust.call.edited":    {"Appel modifié.", "Call updated."},
	"cust.call.deleted":   {"Appel supprimé.", "Call deleted."},
	"a.checkAll":          {"Tout cocher", "Select all"},
	"a.check":             {"Cocher", "Select"},
	"prop.registered":     {"(recommandé avec AR)", "(registered post)"},
	"prop.nothingOwed":    {"rien dû : aucune lettre", "nothing owed: no letter"},
	"prop.feesDetail":     {"Indemnité forfaitaire %s (%d facture(s) × 40 €) + pénalités de retard %s", "Recovery indemnity %s (%d invoice(s) × 40 €) + late-payment penalties %s"},
	"prop.feesNoRate":     {"(pénalités non réclamées : taux BCE manquant)", "(penalties not claimed: ECB rate missing)"},
	"prop.noRate":         {"taux BCE manquant", "ECB rate missing"},
	"prop.missingRate":    {"Taux BCE manquant pour le semestre commençant le %s : les lettres de %s réclameront l'indemnité de 40 € mais pas les pénalités de ce semestre. Ajoutez le taux (Paramètres › Taux BCE) avant l'envoi.", "ECB rate missing for the half-year starting %s: the letters of %s will claim the 40 € indemnity but no penalties for that half-year. Add the rate (Settings › ECB rates) before the run."},
	"let.title":           {"Lettres du %s", "Letters of %s"},
	"let.pdf":             {"PDF fusionné à imprimer", "Merged PDF to print"},
	"let.zip":             {"Zip (un PDF par lettre)", "Zip (one PDF per letter)"},
	"let.empty":           {"Aucune lettre ce jour-là.", "No letters that day."},
	"let.printOnly":       {"Courrier seulement", "Post only"},
	"let.noPrint":         {"Aucune lettre à imprimer ce jour-là.", "No letter to print that day."},
	"err.noletters":       {"Aucune lettre avec PDF le %s.", "No letter with a PDF on %s."},
	"status.active":       {"En cours", "Active"},
	"status.paused":       {"En pause", "Paused"},
	"status.held":         {"Bloquée", "Held"},
	"status.unresolved":   {"Non soldé", "Unresolved"},
	"status.paid":         {"Soldée", "Paid"},
	"status.closed":       {"Close", "Closed"},
	"status.":             {"Non démarrée", "Not started"},
	"yes":                 {"oui", "yes"},
	"no":                  {"non", "no"},
	// Relances list: seed columns and the status change of a selection (seeds 000, 001, 003, 004).
	"col.issued":               {"Éditée", "Issued"},
	"col.issued.yes":           {"Lettre de ce niveau éditée", "Letter of this level issued"},
	"col.issue":                {"Date facture", "Invoice date"},
	"col.customerBalance":      {"Solde comptable", "Account balance"},
	"col.invoiceStatus":        {"Statut facture", "Invoice status"},
	"col.customerStatus":       {"Statut client", "Customer status"},
	"col.previous":             {"préc.", "prev."},
	"col.previous.title":       {"Statut précédent du client", "Customer's previous status"},
	"tag.creditNote":           {"avoir", "credit note"},
	"a.revert.bulkTitle":       {"Supprimer les relances sélectionnées pour permettre de les relancer : chaque facture revient au niveau précédent, sa dernière lettre repartira à sa date", "Remove the selected reminders so they can be sent again: each invoice goes back one level, its last letter goes again when due"},
	"st.change":                {"Modifier le statut de relance", "Change the reminder status"},
	"st.change.title":          {"Donner ce statut aux factures cochées : un niveau (R1…) amène la relance à ce niveau, sans lettre ; un statut bloquant (contentieux) l'arrête", "Give the ticked invoices this status: a level (R1…) brings the dunning to that level, without a letter; a blocking status (litigation) stops it"},
	"st.escalate":              {"Statut suivant (Charger nouveaux statuts)", "Next status (load new statuses)"},
	"st.none":                  {"Aucun statut", "No status"},
	"st.run":                   {"Lancer", "Run"},
	"st.choose":                {"Choisissez un statut.", "Choose a status."},
	"st.failed":                {"Traitement interrompu.", "Stopped."},
	"st.same":                  {"déjà au statut %s", "already at status %s"},
	"st.skipped":               {"(%d niveau(x) ignoré(s), sans lettre)", "(%d level(s) skipped, no letter)"},
	"st.reverted":              {"(retour de %d niveau(x) : la lettre repartira à sa date)", "(back %d level(s): the letter goes again when due)"},
	"st.told":                  {"(relance avertie)", "(dunning told)"},
	"st.noEscalation":          {"le statut %s n'a pas de statut suivant (code escalade)", "status %s has no next status (escalation code)"},
	"st.creditNote":            {"un avoir n'a pas de statut de relance", "a credit note has no reminder status"},
	"st.notTold":               {"(enregistré ; la relance le verra à sa prochaine vérification)", "(saved; the dunning sees it at its next check)"},
	"st.unknown":               {"facture inconnue", "unknown invoice"},
	"st.invalid":               {"statut absent de la table des statuts", "status not in the status table"},
	"st.internal":              {"erreur interne", "internal error"},
	"bulk.changed":             {"Statuts modifiés :", "Statuses changed:"},
	"col.customerStatus.short": {"client", "customer"},
}

// tr returns the text of key in lang, formatted with args; an unknown key
// shows itself, so a missing text is visible, never a blank.
func tr(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if lang == langEN {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// levelLabelsFR are the French names of the default ladder's levels, as
// seed 000 shows them; other codes take the ladder's label.
var levelLabelsFR = map[string]string{
	"R1": "Relance 1", "R2": "Relance 2", "R3": "Relance 3", "MED": "Mise en demeure",
}

// levelLabelsEN are the English names of the default ladder's levels; the
// French ones come from the company's ladder.
var levelLabelsEN = map[string]string{
	"R1": "Reminder 1", "R2": "Reminder 2", "R3": "Reminder 3", "MED": "Formal notice", "UNRESOLVED": "Unresolved",
}

// formatDate shows a day as French finance tools do (23/11/2026), or ISO in
// English.
func formatDate(lang string, d calendar.Date) string {
	if d.IsZero() {
		return "–"
	}
	if lang == langEN {
		return d.String()
	}
	return d.French()
}

func formatTime(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "–"
	}
	t = t.In(loc)
	if lang == langEN {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("02/01/2006 15:04")
}

// formatMoney shows an amount as French finance teams read it (1 234,56 €).
func formatMoney(lang string, d decimal.Decimal, currency string) string {
	if lang != langEN {
		return money.Format(d, currency)
	}
	n := strings.NewReplacer(money.NarrowNBSP, ",", ",", ".").Replace(money.FormatNumber(d))
	return n + "\u00a0" + money.Symbol(currency)
}

// parseDay reads a day typed in a form: 23/11/2026 or 2026-11-23 (the
// browser's date input).
func parseDay(s string) (calendar.Date, error) {
	s = strings.TrimSpace(s)
	if d, err := calendar.Parse(s); err == nil {
		return d, nil
	}
	t, err := time.Parse("02/01/2006", s)
	if err != nil {
		return calendar.Date{}, err
	}
	return calendar.Of(t), nil
}
