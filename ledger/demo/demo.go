// Package demo loads a demonstration company: a French wholesaler with a
// dozen customers and about twenty invoices at different overdue ages,
// including the awkward cases a real ledger has (a credit note, a missing
// due date, an unknown currency, a customer without e-mail address).
package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// Company is the demo company's code.
const Company = "DEMO"

// Options tune the demo data.
type Options struct {
	// Today is the working date invoices are aged from.
	Today calendar.Date
	// DaySeconds makes one ladder day last this many seconds, so letters go
	// out within minutes; 0 keeps real days.
	DaySeconds int
	// EmailDomain is the domain customers' addresses use.
	EmailDomain string
	// Code is the company code, Company by default (tests use their own).
	Code string
}

type customer struct {
	code, name, contact, email, lang, kind string
	address                                []string
}

var customers = []customer{
	{"CLI0001", "Dévelogiciel SARL", "Mme Claire Martin", "compta@develogiciel", "fr", "business", []string{"12 rue de la Paix", "75002 Paris"}},
	{"CLI0002", "POMMIER Arnaud", "", "arnaud.pommier", "fr", "individual", []string{"4 allée des Cerisiers", "69003 Lyon"}},
	{"CLI0004", "ZAMACHOWSKI Claudia", "", "c.zamachowski", "fr", "individual", []string{"8 place du Marché", "67000 Strasbourg"}},
	{"CLI0005", "SOROTEX", "Service fournisseurs", "fournisseurs@sorotex", "fr", "business", []string{"ZI des Forges", "59100 Roubaix"}},
	{"CLI0006", "La Halle Aux Petits", "M. Jean Dupuis", "factures@lahalle", "fr", "business", []string{"27 boulevard Gambetta", "33000 Bordeaux"}},
	{"CLI0008", "Hotel De Luna Park", "Accounts payable", "ap@lunapark", "en", "business", []string{"1 Marine Parade", "Brighton BN2 1TL", "United Kingdom"}},
	{"CLI0009", "INFO DEBUTANT", "M. Paul Durand", "paul@infodebutant", "fr", "business", []string{"3 impasse des Lilas", "44000 Nantes"}},
	{"CLI0010", "Boulangerie Lefèvre", "Mme Lefèvre", "", "fr", "business", []string{"15 rue Nationale", "37000 Tours"}},
}

type invoice struct {
	number, customer string
	daysOverdue      int // negative: not yet due
	amount           string
	paid             string
	kind, currency   string
	noDue            bool
}

var invoices = []invoice{
	{number: "FA0213", customer: "CLI0002", daysOverdue: 3, amount: "3770.80"},
	{number: "FA0168", customer: "CLI0009", daysOverdue: 62, amount: "6019.20"},
	{number: "FA0176", customer: "CLI0009", daysOverdue: 45, amount: "5999.14", paid: "1000"},
	{number: "FA0184", customer: "CLI0009", daysOverdue: 31, amount: "6444.00"},
	{number: "AV0021", customer: "CLI0009", daysOverdue: 20, amount: "-283.20", kind: "credit_note"},
	{number: "FA0167", customer: "CLI0001", daysOverdue: 90, amount: "6364.80"},
	{number: "FA0175", customer: "CLI0001", daysOverdue: 75, amount: "6343.58"},
	{number: "FA0183", customer: "CLI0001", daysOverdue: 16, amount: "5911.20"},
	{number: "FA0186", customer: "CLI0006", daysOverdue: 8, amount: "924.00"},
	{number: "FA0171", customer: "CLI0004", daysOverdue: 40, amount: "2328.00"},
	{number: "FA0187", customer: "CLI0004", daysOverdue: 12, amount: "1862.40"},
	{number: "FA0207", customer: "CLI0005", daysOverdue: 1, amount: "216.00"},
	{number: "FA0172", customer: "CLI0006", daysOverdue: 24, amount: "4533.60"},
	{number: "FA0188", customer: "CLI0006", daysOverdue: 5, amount: "2453.60"},
	{number: "FA0173", customer: "CLI0008", daysOverdue: 33, amount: "993.60"},
	{number: "FA0181", customer: "CLI0008", daysOverdue: 18, amount: "2181.60"},
	{number: "FA0209", customer: "CLI0001", daysOverdue: 2, amount: "2547.14"},
	{number: "FA0174", customer: "CLI0005", daysOverdue: 50, amount: "6562.80"},
	{number: "FA0190", customer: "CLI0010", daysOverdue: 21, amount: "412.30"},
	{number: "FA0191", customer: "CLI0010", daysOverdue: 9, amount: "88.90", currency: "XAF"},
	{number: "FA0192", customer: "CLI0002", daysOverdue: 0, amount: "150.00", noDue: true},
	{number: "FA0214", customer: "CLI0005", daysOverdue: -10, amount: "1200.00"},
	{number: "FA0150", customer: "CLI0006", daysOverdue: 70, amount: "640.00", paid: "640.00"},
}

// Load writes the demo company, customers and invoices; running it again
// updates them to the same values.
func Load(ctx context.Context, st *store.Store, o Options) (int, error) {
	if o.Code == "" {
		o.Code = Company
	}
	if o.EmailDomain == "" {
		o.EmailDomain = "example.com"
	}
	companyID, err := st.CreateCompany(ctx, store.Company{
		Code: o.Code, LegalName: "Négoce Durand & Fils SAS",
		AddressLines: []string{"18 quai de la Tournelle", "75005 Paris"}, City: "Paris",
		SIRET: "552 100 554 00013", VATNumber: "FR 96 552100554", RCS: "RCS Paris B 552 100 554",
		IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPPXXX",
		SenderEmail: "relances@negoce-durand.example.com", Phone: "01 44 00 00 00",
		TimeZone: "Europe/Paris", Language: "fr", SendHour: 9, DemoDaySeconds: o.DaySeconds,
	})
	if err != nil {
		return 0, err
	}
	for _, c := range customers {
		var emails []string
		switch {
		case c.email == "":
		case strings.Contains(c.email, "@"):
			emails = []string{c.email + "." + o.EmailDomain}
		default:
			emails = []string{c.email + "@" + o.EmailDomain}
		}
		if _, err := st.UpsertCustomer(ctx, companyID, store.Customer{
			Code: c.code, Name: c.name, Contact: c.contact, Emails: emails, AddressLines: c.address,
			Language: c.lang, Kind: c.kind,
		}); err != nil {
			return 0, err
		}
	}
	for _, in := range invoices {
		due := o.Today.AddDays(-in.daysOverdue)
		amount := decimal.RequireFromString(in.amount)
		balance := amount
		if in.paid != "" {
			balance = amount.Sub(decimal.RequireFromString(in.paid))
		}
		ni := store.NewInvoice{
			Number: in.number, Customer: in.customer, Kind: in.kind, IssueDate: due.AddDays(-30), DueDate: due,
			Amount: amount, Currency: in.currency, Balance: balance,
		}
		if in.noDue {
			ni.DueDate = calendar.Date{}
		}
		if _, err := st.UpsertInvoice(ctx, companyID, ni); err != nil {
			return 0, fmt.Errorf("demo invoice %s: %w", in.number, err)
		}
	}
	return len(invoices), nil
}
