package letter

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/fees"
	"github.com/shopspring/decimal"
)

// MergeField is one value a letter template can print: its name as written
// in a template ({{.Recipient.Name}}; inside {{range .Lines}} the fields of
// one line are written {{.Number}}), what it means, and its value in the
// sample letter.
type MergeField struct {
	Name    string
	Meaning string
	Example string
}

// fieldMeanings says what each field of Data means, in French first (the
// template editor's users) then English. Every field reachable from Data
// must have an entry: TestEveryMergeFieldIsDescribed keeps the list whole.
var fieldMeanings = map[string]string{
	".Company":                "le créancier (votre société) / the creditor",
	".Company.Code":           "code de la société / company code",
	".Company.LegalName":      "raison sociale / legal name",
	".Company.AddressLines":   "lignes d'adresse, puis code postal et ville / address lines",
	".Company.City":           "ville avant la date (« Paris, le ... ») / city before the date",
	".Company.Email":          "adresse e-mail de la société / company e-mail",
	".Company.Phone":          "téléphone / phone",
	".Company.SIRET":          "SIRET",
	".Company.VATNumber":      "n° de TVA intracommunautaire / VAT number",
	".Company.RCS":            "immatriculation RCS / trade register",
	".Company.IBAN":           "IBAN pour le règlement / IBAN for payment",
	".Company.BIC":            "BIC",
	".Recipient":              "le client relancé / the customer",
	".Recipient.Code":         "code client / customer code",
	".Recipient.Name":         "nom du client / customer name",
	".Recipient.Contact":      "à l'attention de (peut être vide) / contact, may be empty",
	".Recipient.AddressLines": "adresse postale du client / customer's postal address",
	".Recipient.Email":        "adresse e-mail du client (vide : courrier papier) / e-mail, empty for print",
	".Recipient.Business":     "vrai pour un professionnel (B2B), faux pour un particulier / true for a business",
	".Language":               "langue de la lettre (fr, en) / letter language",
	".Date":                   "date de la lettre (utiliser {{date .Date}}) / letter date",
	".LevelCode":              "code du niveau (R1, R2, R3, MED) / level code",
	".LevelLabel":             "libellé du niveau / level label",
	".Currency":               "devise (EUR) / currency",
	".Lines":                  "les factures listées ({{range .Lines}}...{{end}}) / the invoices listed",
	".Lines.Number":           "n° de pièce / invoice number",
	".Lines.IssueDate":        "date de facture / issue date",
	".Lines.DueDate":          "date d'échéance / due date",
	".Lines.Amount":           "montant TTC / amount incl. tax",
	".Lines.Balance":          "solde dû / balance due",
	".Lines.DaysOverdue":      "jours de retard / days overdue",
	".Lines.Level":            "niveau de cette facture dans la lettre / this invoice's level",
	".Deadline":               "date limite de paiement indiquée / pay-by date",
	".Reference":              "référence unique de la lettre / letter reference",
	".Pay":                    "règlement par virement, vide sans IBAN ({{with .Pay}}{{.Name}} {{.IBAN}} {{.BIC}} {{.Amount}} {{.GroupedReference}}{{end}}) / payment by transfer, empty without IBAN",
	".PortalURL":              "lien privé vers le relevé du client et ses réponses / private link to the customer's page",
	".BrokenPromise":          "promesse de paiement non tenue, vide sinon ; sa phrase est ajoutée d'office après la formule d'appel / broken promise to pay, empty when none; its sentence is added after the salutation",
	".BrokenPromise.Date":     "date promise par le client / date the customer promised",
	".BrokenPromise.Invoices": "factures promises encore dues / promised invoices still owed",
	".Fees":                   "frais réclamés, vide sinon ({{with .Fees}}...{{end}}) / fees claimed, empty when none",
	".Fees.On":                "date de calcul des frais / date fees are computed on",
	".Fees.Indemnity":         "indemnité forfaitaire de recouvrement (40 € par facture) / fixed recovery indemnity",
	".Fees.Interest":          "pénalités de retard / late-payment penalties",
	".Fees.Total":             "total des frais / total fees",
	".Fees.TotalDue":          "soldes + frais : ce que le client doit payer / balances plus fees",
	".Fees.Lines":             "frais par facture ({{range .Fees.Lines}}) / fees per invoice",
	".Fees.Lines.Number":      "n° de pièce / invoice number",
	".Fees.Lines.DaysLate":    "jours de retard / days late",
	".Fees.Lines.Indemnity":   "indemnité sur cette facture / indemnity on this invoice",
	".Fees.Lines.Interest":    "pénalités sur cette facture / penalties on this invoice",
	".Fees.RateNote":          "taux des pénalités en français / penalty rate, French",
	".Fees.RateNoteEN":        "taux des pénalités en anglais / penalty rate, English",
	".Total":                  "total des soldes listés (méthode) / sum of the balances listed",
	".Overdue":                "nombre de factures et échéances échues listées, hors avoirs (méthode) / overdue invoices and instalments listed",
	".CreditNotes":            "n° des avoirs déduits (méthode) / credit notes deducted",
	".Counted":                "lignes comptées dans le total : échues, avoirs, paiements non affectés (méthode) / rows in the total",
	".Upcoming":               "lignes à échoir, listées pour information hors total (méthode) / rows not yet due, not in the total",
	".Unapplied":              "paiements non affectés déduits (méthode) / payments on account deducted",
	".Fees.Invoices":          "nombre de factures sur lesquelles l'indemnité est réclamée / invoices the indemnity is claimed on",
	".Fees.MissingRates":      "semestres dont le taux BCE manque : pénalités non chiffrées / half-years without ECB rate",
	".Fees.MissingFrom":       "premier jour de chacun de ces semestres / first day of each of those half-years",
	".Company.SignatoryName":  "nom du signataire / signatory's name",
	".Company.SignatoryTitle": "fonction du signataire / signatory's title",
	".Company.LegalForm":      "forme juridique et capital / legal form and share capital",
	".Company.Header":         "ligne sous l'en-tête / line under the letterhead",
	".Company.Logo":           "logo (image) / logo (image)",
	".Company.Footer":         "ligne au-dessus du pied de page légal / line above the legal footer",
	".Company.RCSLabel":       "mention RCS telle qu'imprimée (méthode) / trade register as printed",
	".Lines.Kind":             "nature de la ligne : facture (vide), avoir, paiement non affecté / row kind",
	".Lines.Instalment":       "n° d'échéance (0 : facture entière) / instalment number",
	".Lines.NotDue":           "vrai pour une pièce pas encore échue, listée pour information / not yet due",
	".Lines.ClaimsFees":       "vrai quand le niveau de la ligne réclame des frais / the row's level claims fees",
	".RegisteredMail":         "envoi en recommandé demandé / registered mail asked",
	".Registered":             "vrai si la lettre part en recommandé AR (toujours pour la mise en demeure) (méthode) / sent registered",
}

// MergeFields lists every value a letter template can print, with its
// meaning and its value in SampleData, in the order of Data's fields.
// Functions (money, date, plural...) are listed by TemplateFuncs.
func MergeFields() []MergeField {
	sample := SampleData(2)
	sample.LevelCode, sample.LevelLabel = "MED", "Mise en demeure de payer"
	if claim, err := sampleClaim(sample); err == nil {
		sample.Fees = claim
	}
	var out []MergeField
	walkFields(reflect.ValueOf(sample), reflect.TypeOf(sample), "", func(name string, v reflect.Value) {
		out = append(out, MergeField{Name: name, Meaning: fieldMeanings[name], Example: exampleOf(v)})
	})
	return out
}

// sampleClaim is the fees a formal notice claims on d's lines.
func sampleClaim(d Data) (*FeeBlock, error) {
	lines := make([]fees.Line, len(d.Lines))
	for i, l := range d.Lines {
		lines[i] = fees.Line{Invoice: l.Number, DueDate: l.DueDate, Balance: l.Balance}
	}
	claim, err := fees.Compute(lines, true, d.Date, SampleRates())
	if err != nil {
		return nil, err
	}
	return FeesFrom(claim, d.Total()), nil
}

// TemplateFuncs describes the functions templates may call.
func TemplateFuncs() []MergeField {
	return []MergeField{
		{Name: "money AMOUNT CURRENCY", Meaning: "montant au format français / amount, French format", Example: formatMoney(decimal.New(123456, -2), "EUR")},
		{Name: "date DATE", Meaning: "date JJ/MM/AAAA / date", Example: calendar.New(2026, 11, 23).French()},
		{Name: "plural N ONE MANY", Meaning: "singulier ou pluriel / singular or plural", Example: plural(12, "jour", "jours")},
		{Name: "decimal \"40\"", Meaning: "un montant écrit en dur / a literal amount", Example: "40"},
		{Name: "upper TEXT", Meaning: "en capitales / in capitals", Example: "MISE EN DEMEURE"},
		{Name: "join LIST SEP", Meaning: "liste séparée par SEP / list joined", Example: "75002 Paris, France"},
	}
}

var (
	dateType    = reflect.TypeOf(calendar.Date{})
	decimalType = reflect.TypeOf(decimal.Decimal{})
)

// walkFields calls visit for every exported field and niladic method
// reachable from t, descending into structs, pointers and slices (a
// slice's element fields are named after the slice: .Lines.Number).
func walkFields(v reflect.Value, t reflect.Type, prefix string, visit func(string, reflect.Value)) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
		if v.IsValid() && !v.IsNil() {
			v = v.Elem()
		} else {
			v = reflect.Value{}
		}
	}
	if t.Kind() != reflect.Struct || t == dateType || t == decimalType {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := prefix + "." + f.Name
		var fv reflect.Value
		if v.IsValid() {
			fv = v.Field(i)
		}
		visit(name, fv)
		ft := f.Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			var ev reflect.Value
			if fv.IsValid() && fv.Len() > 0 {
				ev = fv.Index(0)
			}
			walkFields(ev, ft.Elem(), name, visit)
			continue
		}
		walkFields(fv, ft, name, visit)
	}
	if !v.IsValid() {
		return
	}
	var names []string
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		if m.Type.NumIn() == 1 && m.Type.NumOut() == 1 && m.Name != "String" && !strings.HasPrefix(m.Name, "Marshal") {
			names = append(names, m.Name)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		visit(prefix+"."+n, v.MethodByName(n).Call(nil)[0])
	}
}

// exampleOf prints a sample value as a template would show it.
func exampleOf(v reflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	switch x := v.Interface().(type) {
	case calendar.Date:
		return x.French()
	case decimal.Decimal:
		return formatMoney(x, "EUR")
	case []string:
		return strings.Join(x, " | ")
	case string, bool, int:
		return fmt.Sprint(x)
	}
	switch v.Kind() {
	case reflect.Slice:
		return fmt.Sprintf("(%d)", v.Len())
	case reflect.Pointer:
		if v.IsNil() {
			return "(vide / empty)"
		}
	}
	return ""
}
