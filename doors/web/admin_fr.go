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

// refusalIn returns a refusal (of the ladder, the status table, the ECB
// rates...) in lang: from the catalogs when the refusing package gave its
// code (messages.Problem), else its text without the store's wrapping.
func refusalIn(lang string, err error) string {
	if p, ok := catalog.Of(err); ok {
		return problemIn(lang, p)
	}
	return refusalText(err)
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
