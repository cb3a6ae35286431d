package web

import (
	"regexp"

	catalog "github.com/relance/relance/domain/messages"
)

// problemIn returns a problem found by another package (a settings check,
// a refusal with its code) in lang, from the message catalogs.
func problemIn(lang string, problem catalog.Problem) string {
	return problem.In(lang)
}

// refusalsFR are the French versions of the ladder's and the status
// table's refusals, found anywhere in the message; the wrapping ("set
// ladder of DEMO: ") is dropped.
var refusalsFR = []struct {
	en *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`^(set ladder of|save status \S+ of) \S+: `), ``},
	{regexp.MustCompile(`ladder has no level`), `l'échelle n'a aucun niveau`},
	{regexp.MustCompile(`ladder level (\d+): code (".*") is not allowed`), `niveau $1 : le code $2 n'est pas permis`},
	{regexp.MustCompile(`ladder level (\d+): code (".*") appears twice`), `niveau $1 : le code $2 apparaît deux fois`},
	{regexp.MustCompile(`ladder level (\S+): delay (-?\d+) days: it must be at least 1 day`), `niveau $1 : délai de $2 jours : au moins 1 jour`},
	{regexp.MustCompile(`ladder level (\S+): unknown channel (".*")`), `niveau $1 : canal $2 inconnu`},
	{regexp.MustCompile(`ladder ends with (\S+): the last level must be the formal notice (\S+)`), `l'échelle finit par $1 : le dernier niveau doit être la mise en demeure $2`},
	{regexp.MustCompile("no letter template for (.*): write it first \\(`starter templates set`\\)"), `aucun modèle de lettre pour $1 : écrivez-le d'abord (Modèles de lettre)`},
	{regexp.MustCompile(`status code (".*"): 1 to 10 capital letters, digits, '-' or '_'`), `code de statut $1 : 1 à 10 capitales, chiffres, « - » ou « _ »`},
	{regexp.MustCompile(`status (\S+): the label is required`), `statut $1 : la désignation est obligatoire`},
	{regexp.MustCompile(`status (\S+) cannot escalate to itself`), `le statut $1 ne peut pas s'escalader vers lui-même`},
	{regexp.MustCompile(`status (\S+) escalates to (\S+), which is not in the table`), `le statut $1 s'escalade vers $2, absent de la table`},
	{regexp.MustCompile(`status (\S+) is held by (\d+) customer\(s\): give them another status first`), `le statut $1 est porté par $2 client(s) : donnez-leur d'abord un autre statut`},
	{regexp.MustCompile(`status (\S+) is the escalation of (.*)$`), `le statut $1 est l'escalade de $2`},
	{regexp.MustCompile(`ECB rate from (".*"): the rate of a half-year is the one in force on 1 January or 1 July`), `taux BCE du $1 : le taux d'un semestre est celui en vigueur au 1er janvier ou au 1er juillet`},
	{regexp.MustCompile(`ECB rate (\S+) %: outside (\S+)\.\.(\S+) %`), `taux BCE $1 % : hors de $2 à $3 %`},
	{regexp.MustCompile(`ECB rate (\S+) %: at most three decimals`), `taux BCE $1 % : trois décimales au plus`},
}

// refusalIn returns a ladder or status refusal in lang.
func refusalIn(lang, msg string) string {
	if lang != langFR {
		return msg
	}
	for _, t := range refusalsFR {
		msg = t.en.ReplaceAllString(msg, t.fr)
	}
	return msg
}

// templateFR are the French versions of the parts of a template refusal
// (letter.ValidateTemplate), which keeps its block, line and field.
var templateFR = []struct {
	en *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`template (\S+): `), `modèle $1 : `},
	{regexp.MustCompile(`(\S+) line (\d+): unknown field (\S+) \((.*) has no field or method (\S+)\)`), `bloc $1 ligne $2 : champ inconnu $3 ($4 n'a ni champ ni méthode $5)`},
	{regexp.MustCompile(`"subject" is empty`), `l'objet (bloc « subject ») est vide`},
	{regexp.MustCompile(`missing (.*) \(every template defines (.*)\)`), `il manque $1 (chaque modèle définit $2)`},
	{regexp.MustCompile(`: empty source$`), ` : texte vide`},
}

// templateRefusalIn returns a template refusal in lang.
func templateRefusalIn(lang, msg string) string {
	if lang != langFR {
		return msg
	}
	for _, t := range templateFR {
		msg = t.en.ReplaceAllString(msg, t.fr)
	}
	return msg
}

// importFR are the French versions of the import problems (package
// csvimport), found anywhere in the message.
var importFR = []struct {
	en *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`^code and name are required$`), `le code et le nom sont obligatoires`},
	{regexp.MustCompile(`^number and customer are required$`), `le numéro et le client sont obligatoires`},
	{regexp.MustCompile(`^customer (\S+) already on line (\d+) of this file$`), `client $1 déjà présent ligne $2 de ce fichier`},
	{regexp.MustCompile(`^invoice (\S+) already on line (\d+) of this file$`), `facture $1 déjà présente ligne $2 de ce fichier`},
	{regexp.MustCompile(`^e-mail address (".*") is not valid$`), `adresse e-mail $1 invalide`},
	{regexp.MustCompile(`^kind (".*"): want business or individual$`), `type $1 : business (professionnel) ou individual (particulier) attendu`},
	{regexp.MustCompile(`^kind (".*"): want invoice or credit_note$`), `nature $1 : invoice (facture) ou credit_note (avoir) attendu`},
	{regexp.MustCompile(`^channel (".*"): want email or print$`), `canal $1 : email ou print attendu`},
	{regexp.MustCompile(`^(issue|due) date (".*"): want DD/MM/YYYY or YYYY-MM-DD \(the year must have four digits\)$`), `date $1 $2 : JJ/MM/AAAA ou AAAA-MM-JJ attendu (l'année a quatre chiffres)`},
	{regexp.MustCompile(`^(issue|due) date (".*"): want DD/MM/YYYY or YYYY-MM-DD$`), `date $1 $2 : JJ/MM/AAAA ou AAAA-MM-JJ attendu`},
	{regexp.MustCompile(`^date issue `), `date d'émission `},
	{regexp.MustCompile(`^date due `), `date d'échéance `},
	{regexp.MustCompile(`^negative amount (\S+) on an invoice \(import it as a credit_note\)$`), `montant négatif $1 sur une facture (importez-la comme avoir, credit_note)`},
	{regexp.MustCompile(`^balance due (\S+) and amount (\S+) have opposite signs$`), `solde $1 et montant $2 de signes opposés`},
	{regexp.MustCompile(`^unknown currency (".*")$`), `devise $1 inconnue`},
	{regexp.MustCompile(`^the file is empty: it needs a header row \((.*)\)$`), `fichier vide : il faut une ligne d'en-tête ($1)`},
	{regexp.MustCompile(`^header: column (".*") is missing \(have (.*)\)$`), `en-tête : colonne $1 absente (présentes : $2)`},
}

// importProblemIn returns an import problem in lang.
func importProblemIn(lang, msg string) string {
	if lang != langFR {
		return msg
	}
	for _, t := range importFR {
		msg = t.en.ReplaceAllString(msg, t.fr)
	}
	return msg
}
