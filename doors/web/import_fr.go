package web

import "regexp"

// importLeftFR are the French versions of the import and Factur-X problems
// that their packages do not give as codes yet (amounts read by package
// money, text checks of package dunning, the ledger's refusal of a payment
// on account, the Factur-X reader): matched anywhere in the English
// message. Each moves to the catalogs (package messages) when its package
// declares a code for it; docs/architecture.md "Messages and languages".
var importLeftFR = []struct {
	en *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`^invalid: `), ``},
	{regexp.MustCompile(`payment on account (\S+): customer (\S+) is not imported`), `paiement non affecté $1 : le client $2 n'est pas importé (importez d'abord son fichier clients)`},
	{regexp.MustCompile(`amount: amount is empty`), `montant vide`},
	{regexp.MustCompile(`amount: amount (".*") is not a number`), `montant $1 : ce n'est pas un nombre`},
	{regexp.MustCompile(`amount: amount (\S+) has more than two decimals`), `montant $1 : plus de deux décimales`},
	{regexp.MustCompile(`amount: amount (\S+) is too large \(at most (\d+) digits before the decimal point\)`), `montant $1 trop grand (au plus $2 chiffres avant la virgule)`},
	{regexp.MustCompile(`(\w+): control characters \(NUL, newline\.\.\.\) or invalid UTF-8 are not accepted`), `$1 : caractères de contrôle (NUL, retour à la ligne…) ou UTF-8 invalide refusés`},
	{regexp.MustCompile(`(\w+): longer than (\d+) bytes`), `$1 : plus de $2 octets`},
	{regexp.MustCompile(`not a Factur-X invoice: not a PDF file`), `ce n'est pas un fichier PDF`},
	{regexp.MustCompile(`not a Factur-X invoice: the PDF cannot be read`), `PDF illisible`},
	{regexp.MustCompile(`not a Factur-X invoice: no factur-x\.xml embedded \(files: \)`), `pas une facture Factur-X : aucun fichier joint au PDF (un PDF Factur-X porte le XML de la facture, factur-x.xml)`},
	{regexp.MustCompile(`not a Factur-X invoice: no factur-x\.xml embedded \(files: (.*)\)`), `pas une facture Factur-X : aucun factur-x.xml joint au PDF (fichiers joints : $1)`},
	{regexp.MustCompile(`not a Factur-X invoice: `), `pas une facture Factur-X lisible : `},
	{regexp.MustCompile(`the PDF is larger than (\d+) bytes`), `PDF de plus de $1 octets`},
	{regexp.MustCompile(`invoice (\S+): the buyer has no identifier \(ram:BuyerTradeParty/ram:ID\).*$`), `facture $1 : l'acheteur n'a pas d'identifiant (ram:BuyerTradeParty/ram:ID), le code client : importez-la par l'API ou la commande starter facturx --customer CODE`},
}

// untranslatedFR returns msg in French when lang is French, through
// importLeftFR; else msg.
func untranslatedFR(lang, msg string) string {
	if lang != langFR {
		return msg
	}
	for _, t := range importLeftFR {
		msg = t.en.ReplaceAllString(msg, t.fr)
	}
	return msg
}

// facturXProblemIn returns a Factur-X problem in lang.
func facturXProblemIn(lang, msg string) string { return untranslatedFR(lang, msg) }
