package web

import "regexp"

// settingsFR are the French versions of package settings' problems (the
// settings package and the command line speak English; the pages speak
// French first). A problem without a translation is shown as it is.
var settingsFR = []struct {
	en *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`^(".*") is not a company code: .*$`), `$1 n'est pas un code de société : 1 à 20 capitales, chiffres, « - » ou « _ »`},
	{regexp.MustCompile(`^is required \(it heads every letter\)$`), `obligatoire (en tête de chaque lettre)`},
	{regexp.MustCompile(`^has (\d+) lines: at most 4 fit the letterhead$`), `$1 lignes : 4 au plus tiennent dans l'en-tête`},
	{regexp.MustCompile(`^is required \(letters are e-mailed from it\)$`), `obligatoire (les lettres partent de cette adresse)`},
	{regexp.MustCompile(`^must not contain line breaks, quotes or angle brackets$`), `ne doit contenir ni retour à la ligne, ni guillemets, ni chevrons`},
	{regexp.MustCompile(`^(".*") is not an IANA time zone such as Europe/Paris$`), `$1 n'est pas un fuseau horaire IANA comme Europe/Paris`},
	{regexp.MustCompile(`^(".*") is not one of (.*)$`), `$1 n'est pas l'une de : $2`},
	{regexp.MustCompile(`^(-?\d+|".*") is not an hour between 0 and 23$`), `$1 n'est pas une heure entre 0 et 23`},
	{regexp.MustCompile(`^is not an IBAN: .*$`), `n'est pas un IBAN : deux lettres, deux chiffres de clé, puis 11 à 30 lettres ou chiffres`},
	{regexp.MustCompile(`^has (\d+) characters: an IBAN of (\w+) has (\d+)$`), `$1 caractères : un IBAN $2 en a $3`},
	{regexp.MustCompile(`^has a wrong checksum .*$`), `clé incorrecte (les chiffres de contrôle ne correspondent pas : une faute de frappe ?)`},
	{regexp.MustCompile(`^is not a BIC: .*$`), `n'est pas un BIC : 4 lettres (banque), 2 lettres (pays), 2 caractères (lieu), 3 en option (agence)`},
	{regexp.MustCompile(`^is not a SIRET: 14 digits$`), `n'est pas un SIRET : 14 chiffres`},
	{regexp.MustCompile(`^has a wrong check digit \(Luhn\).*$`), `chiffre de contrôle incorrect (Luhn) : une faute de frappe ?`},
	{regexp.MustCompile(`^has a wrong check digit$`), `chiffre de contrôle incorrect`},
	{regexp.MustCompile(`^is not a VAT number: .*$`), `n'est pas un numéro de TVA : code pays puis 2 à 13 lettres ou chiffres`},
	{regexp.MustCompile(`^is not a French VAT number: .*$`), `n'est pas un numéro de TVA français : FR, une clé de 2 caractères, puis le SIREN à 9 chiffres`},
	{regexp.MustCompile(`^has a wrong key: for SIREN (\d+) it is (\d+)$`), `clé incorrecte : pour le SIREN $1 c'est $2`},
	{regexp.MustCompile(`^is for SIREN (\d+) but the SIRET is of SIREN (\d+)$`), `est celui du SIREN $1 mais le SIRET est du SIREN $2`},
	{regexp.MustCompile(`^(".*") is not an e-mail address such as .*$`), `$1 n'est pas une adresse e-mail comme relances@exemple.fr`},
	{regexp.MustCompile(`^(".*"): want a number of seconds from 0 \(real days\) to 86400$`), `$1 : un nombre de secondes de 0 (vrais jours) à 86400 est attendu`},
	{regexp.MustCompile(`^(".*"): want a number of days from 0 \(every working day\) to (\d+)$`), `$1 : un nombre de jours de 0 (chaque jour ouvré) à $2 est attendu`},
}

// problemIn returns a settings problem in lang.
func problemIn(lang, problem string) string {
	if lang != langFR {
		return problem
	}
	for _, t := range settingsFR {
		if t.en.MatchString(problem) {
			return t.en.ReplaceAllString(problem, t.fr)
		}
	}
	return problem
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
	// Payments on account, amounts and texts (any file).
	{regexp.MustCompile(`^reference and customer are required$`), `la référence et le client sont obligatoires`},
	{regexp.MustCompile(`^payment on account (\S+) already on line (\d+) of this file$`), `paiement non affecté $1 déjà présent ligne $2 de ce fichier`},
	{regexp.MustCompile(`^amount (\S+): a payment on account is not negative$`), `montant $1 : un paiement non affecté n'est pas négatif (0 quand il est épuisé)`},
	{regexp.MustCompile(`^paid_on (".*"): want DD/MM/YYYY or YYYY-MM-DD \(the year must have four digits\)$`), `date de paiement (paid_on) $1 : JJ/MM/AAAA ou AAAA-MM-JJ attendu (l'année a quatre chiffres)`},
	{regexp.MustCompile(`^paid_on (".*"): want DD/MM/YYYY or YYYY-MM-DD$`), `date de paiement (paid_on) $1 : JJ/MM/AAAA ou AAAA-MM-JJ attendu`},
	{regexp.MustCompile(`^closed (".*"): want yes or no$`), `soldé (closed) $1 : oui ou non attendu`},
	{regexp.MustCompile(`invalid: payment on account (\S+): customer (\S+) is not imported`), `paiement non affecté $1 : le client $2 n'est pas importé (importez d'abord son fichier clients)`},
	{regexp.MustCompile(`amount: amount is empty`), `montant vide`},
	{regexp.MustCompile(`amount: amount (".*") is not a number`), `montant $1 : ce n'est pas un nombre`},
	{regexp.MustCompile(`amount: amount (\S+) has more than two decimals`), `montant $1 : plus de deux décimales`},
	{regexp.MustCompile(`amount: amount (\S+) is too large \(at most (\d+) digits before the decimal point\)`), `montant $1 trop grand (au plus $2 chiffres avant la virgule)`},
	{regexp.MustCompile(`(\w+): control characters \(NUL, newline\.\.\.\) or invalid UTF-8 are not accepted`), `$1 : caractères de contrôle (NUL, retour à la ligne…) ou UTF-8 invalide refusés`},
	{regexp.MustCompile(`(\w+): longer than (\d+) bytes`), `$1 : plus de $2 octets`},
}

// facturXFR are the French versions of the problems of a Factur-X PDF
// (packages facturx and feed), found anywhere in the message.
var facturXFR = []struct {
	en *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`^invalid: `), ``},
	{regexp.MustCompile(`not a Factur-X invoice: not a PDF file`), `ce n'est pas un fichier PDF`},
	{regexp.MustCompile(`not a Factur-X invoice: the PDF cannot be read`), `PDF illisible`},
	{regexp.MustCompile(`not a Factur-X invoice: no factur-x\.xml embedded \(files: \)`), `pas une facture Factur-X : aucun fichier joint au PDF (un PDF Factur-X porte le XML de la facture, factur-x.xml)`},
	{regexp.MustCompile(`not a Factur-X invoice: no factur-x\.xml embedded \(files: (.*)\)`), `pas une facture Factur-X : aucun factur-x.xml joint au PDF (fichiers joints : $1)`},
	{regexp.MustCompile(`not a Factur-X invoice: `), `pas une facture Factur-X lisible : `},
	{regexp.MustCompile(`the PDF is larger than (\d+) bytes`), `PDF de plus de $1 octets`},
	{regexp.MustCompile(`invoice (\S+): the buyer has no identifier \(ram:BuyerTradeParty/ram:ID\).*$`), `facture $1 : l'acheteur n'a pas d'identifiant (ram:BuyerTradeParty/ram:ID), le code client : importez-la par l'API ou la commande starter facturx --customer CODE`},
}

// facturXProblemIn returns a Factur-X problem in lang.
func facturXProblemIn(lang, msg string) string {
	if lang != langFR {
		return msg
	}
	for _, t := range facturXFR {
		msg = t.en.ReplaceAllString(msg, t.fr)
	}
	return msg
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
