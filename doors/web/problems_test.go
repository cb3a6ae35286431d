package web

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	catalog "github.com/relance/relance/domain/messages"
	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/csvimport"
	"github.com/relance/relance/ledger/facturx"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
)

// TestSettingsProblemsInFrench checks that every problem package settings
// finds is shown in French on the pages.
func TestSettingsProblemsInFrench(t *testing.T) {
	t.Parallel()
	bad := []settings.Company{
		{Code: "bad code", AddressLines: []string{"1", "2", "3", "4", "5"}, SIRET: "123", VATNumber: "X", IBAN: "XX", BIC: "B",
			SenderName: "a\"b", ReplyTo: "nobody", TimeZone: "Mars/Olympus", Language: "de", SendHour: 25},
		{Code: "A", LegalName: "A", SIRET: "73282932000075", VATNumber: "FR12732829320", IBAN: "FR7630006000011234567890188", SenderEmail: "x@y"},
		{Code: "A", LegalName: "A", SIRET: "73282932000074", VATNumber: "FR40303265045", IBAN: "FR76300060000112345678901", BIC: "AGRIFRPP8821", SenderEmail: "a@example.fr"},
		{Code: "A", LegalName: "A", SIRET: "73282932000074", VATNumber: "FR40303265046", SenderEmail: "a@example.fr"},
	}
	seen := 0
	for _, c := range bad {
		var errs settings.Errors
		if !errors.As(settings.Check(c), &errs) {
			t.Fatalf("%+v: no errors", c)
		}
		for _, f := range errs {
			seen++
			if fr := problemIn(langFR, f.Problem); fr == f.Problem.Error() {
				t.Errorf("%s: %q has no French version", f.Field, f.Problem)
			}
			if en := problemIn(langEN, f.Problem); en != f.Problem.Error() {
				t.Errorf("English changed %q", f.Problem)
			}
		}
	}
	if seen < 15 {
		t.Errorf("only %d problems checked", seen)
	}
}

// TestRefusalsInLanguage checks that a refusal with a code is said from
// the catalogs in the page's language, the store's wrapping dropped, and
// that one without a code shows its text.
func TestRefusalsInLanguage(t *testing.T) {
	t.Parallel()
	invalid := func(context string, p error) error { return fmt.Errorf("%s: %w: %w", context, store.ErrInvalid, p) }
	for _, c := range []struct {
		err    error
		fr, en string
	}{
		{invalid("set ladder of DEMO", ladder.NotEndingWithNotice.With("R3", "MED")),
			"l'échelle finit par R3 : le dernier niveau doit être la mise en demeure MED",
			"ladder ends with R3: the last level must be the formal notice MED"},
		{invalid("set ladder of DEMO", ladder.DelayTooShort.With("R2", 0)),
			"niveau R2 : délai de 0 jours : au moins 1 jour", "ladder level R2: delay 0 days: it must be at least 1 day"},
		{invalid("set ladder of ACME", store.NoTemplate.With("R4 in fr")),
			"aucun modèle de lettre pour R4 in fr : écrivez-le d'abord (Modèles de lettre)",
			"no letter template for R4 in fr: write it first (`starter templates set`)"},
		{invalid("save status LIT of ADM", store.StatusEscalatesToItself.With("LIT")),
			"le statut LIT ne peut pas s'escalader vers lui-même", "status LIT cannot escalate to itself"},
		{invalid("delete status", store.StatusHeld.With("CTX", 2)),
			"le statut CTX est porté par 2 client(s) : donnez-leur d'abord un autre statut",
			"status CTX is held by 2 customer(s): give them another status first"},
		{invalid("ECB", store.ECBRateDecimals.With("2.1234")), "taux BCE 2.1234 % : trois décimales au plus", "ECB rate 2.1234 %: at most three decimals"},
		{fmt.Errorf("add user: %w", store.Invalidf("a user needs a name")), "a user needs a name", "a user needs a name"},
	} {
		if got := refusalIn(langFR, c.err); got != c.fr {
			t.Errorf("refusalIn(fr, %q) = %q, want %q", c.err, got, c.fr)
		}
		if got := refusalIn(langEN, c.err); got != c.en {
			t.Errorf("refusalIn(en, %q) = %q, want %q", c.err, got, c.en)
		}
	}
}

func TestTemplateRefusalInLanguage(t *testing.T) {
	t.Parallel()
	err := letter.ValidateTemplate(letter.Template{Level: "R1", Language: "fr",
		Source: `{{define "subject"}}{{.Nmae}}{{end}}{{define "text"}}x{{end}}{{define "html"}}x{{end}}` +
			`{{define "letter"}}x{{end}}{{define "closing"}}x{{end}}`})
	if err == nil {
		t.Fatal("a template with an unknown field was accepted")
	}
	for _, c := range []struct{ lang, want string }{
		{langFR, `modèle R1/fr : bloc "subject" ligne 1 : champ inconnu .Nmae (letter.Data n'a ni champ ni méthode Nmae)`},
		{langEN, `template R1/fr: "subject" line 1: unknown field .Nmae (letter.Data has no field or method Nmae)`},
	} {
		if got := refusalIn(c.lang, fmt.Errorf("save template: %w", store.Invalid(err))); got != c.want {
			t.Errorf("%s: got %q, want %q", c.lang, got, c.want)
		}
	}
}

func TestImportProblemsInLanguage(t *testing.T) {
	t.Parallel()
	_, err := csvimport.ReadInvoices(strings.NewReader("numero;client\nF1;C1\n"))
	if err == nil {
		t.Fatal("a file without the number column was read")
	}
	for _, c := range []struct {
		err    error
		fr, en string
	}{
		{csvimport.DueDateYear.With(`"15/09/26"`), `date d'échéance "15/09/26" : JJ/MM/AAAA ou AAAA-MM-JJ attendu (l'année a quatre chiffres)`,
			`due date "15/09/26": want DD/MM/YYYY or YYYY-MM-DD (the year must have four digits)`},
		{csvimport.InvoiceTwice.With("F1", 3), `facture F1 déjà présente ligne 3 de ce fichier`, `invoice F1 already on line 3 of this file`},
		{err, `en-tête : colonne "number" absente (présentes : numero;client)`, `header: column "number" is missing (have numero;client)`},
		{csvimport.AmountDecimals.With("amount", `"12,345"`), `montant "12,345" : plus de deux décimales (colonne amount)`,
			`amount: amount "12,345" has more than two decimals`},
		{fmt.Errorf("%w: %w", facturx.ErrNotFacturX, facturx.NoAttachment.With()),
			`pas une facture Factur-X : aucun fichier joint au PDF (un PDF Factur-X porte le XML de la facture, factur-x.xml)`,
			`no factur-x.xml embedded (the PDF embeds no file)`},
		{fmt.Errorf("import FA9: %w", store.Invalid(store.InvoiceNoCustomer.With("FA9", "NOBODY"))),
			`facture FA9 : le client NOBODY n'est pas importé (importez d'abord son fichier clients)`,
			`invoice FA9: customer NOBODY is not imported`},
	} {
		f := importFile{Report: csvimport.Report{Problems: []csvimport.RowError{{Line: 2, Err: c.err}}}}
		f.inLanguage(langFR)
		if got := f.Report.Problems[0].Err.Error(); got != c.fr {
			t.Errorf("French: got %q, want %q", got, c.fr)
		}
		if got := catalog.Say(langEN, c.err); got != c.en {
			t.Errorf("English: got %q, want %q", got, c.en)
		}
	}
}

// TestMissingRatesSayTheHalfYearsDay checks that the proposal names the
// half-year of a missing ECB rate by its first day, in the reader's form.
func TestMissingRatesSayTheHalfYearsDay(t *testing.T) {
	t.Parallel()
	props := []actions.CustomerProposal{
		{Customer: "CLI1", MissingRates: []string{"no ECB rate for the second half of 2026: add the rate in force on 2026-07-01"},
			MissingFrom: []calendar.Date{calendar.New(2026, time.July, 1)}},
		{Customer: "CLI2", MissingRates: []string{"no ECB rate for the second half of 2026: add the rate in force on 2026-07-01"},
			MissingFrom: []calendar.Date{calendar.New(2026, time.July, 1)}},
	}
	got := missingRates(langFR, props)
	if len(got) != 1 || !strings.Contains(got[0], "commençant le 01/07/2026 : les lettres de CLI1, CLI2") {
		t.Errorf("missingRates = %q", got)
	}
}

// TestCourtesyReasonInLanguage checks that a skipped courtesy mail says
// why from its code, the day in the reader's form.
func TestCourtesyReasonInLanguage(t *testing.T) {
	t.Parallel()
	m := store.CourtesyMail{Reason: "a letter went to the customer on 2026-12-06, within the 7-day cadence",
		Skip: store.CourtesyCadence.With("2026-12-06", 7)}
	if got := courtesyReason(langFR, m); got != "une lettre est partie le 06/12/2026, dans la période de cadence de 7 jours" {
		t.Errorf("French: %q", got)
	}
	if got := courtesyReason(langEN, m); got != m.Reason {
		t.Errorf("English: %q", got)
	}
	if got := courtesyReason(langFR, store.CourtesyMail{Reason: "older text"}); got != "older text" {
		t.Errorf("without code: %q", got)
	}
}
