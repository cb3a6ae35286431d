package bank_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// book is a small ledger: two customers with similar invoices, a third
// whose payer account is known.
func book() *bank.Book {
	d := func(day int) calendar.Date { return calendar.New(2026, 11, day) }
	amt := decimal.RequireFromString
	b := &bank.Book{Currency: "EUR", Customers: map[int64]*bank.Customer{
		1: {ID: 1, Code: "CLI0001", Name: "Dévelogiciel SARL"},
		2: {ID: 2, Code: "CLI0002", Name: "POMMIER Arnaud"},
		3: {ID: 3, Code: "CLI0003", Name: "Garage Martin SAS"},
	}, PayerIBANs: map[string][]int64{"FR7610107001011234567890129": {3}}, CompanyID: 1, Letters: letters}
	b.Items = []bank.Item{
		{InvoiceID: 10, Number: "FA0010", CustomerID: 1, Kind: "invoice", DueDate: d(1), Balance: amt("100.00"), Currency: "EUR"},
		{InvoiceID: 11, Number: "FA0011", CustomerID: 1, Kind: "invoice", DueDate: d(5), Balance: amt("250.50"), Currency: "EUR"},
		{InvoiceID: 20, Number: "FA0020", CustomerID: 2, Kind: "invoice", DueDate: d(2), Balance: amt("300.00"), Currency: "EUR"},
		{InvoiceID: 21, Number: "FA0021", CustomerID: 2, Kind: "invoice", DueDate: d(9), Balance: amt("75.25"), Currency: "EUR", Closed: true},
		{InvoiceID: 30, Number: "FA0030", CustomerID: 3, Kind: "invoice", DueDate: d(3), Balance: amt("999.99"), Currency: "EUR"},
		{InvoiceID: 31, Number: "AV0031", CustomerID: 3, Kind: "credit_note", DueDate: d(3), Balance: amt("-50.00"), Currency: "EUR"},
	}
	b.Index()
	return b
}

func TestMatch(t *testing.T) {
	t.Parallel()
	rf := func(body string) string { r, _ := bank.CreditorReference(body); return r }
	for _, tc := range []struct {
		name   string
		entry  bank.Entry
		status string
		paid   string // "FA0010:100.00 account:5.00"
		reason string // a reason the decision must carry
	}{
		{"number in free text, loose", bank.Entry{Amount: decimal.RequireFromString("100"), Remittance: []string{"Reglement fa-10"}}, "matched", "FA0010:100", bank.ReasonInvoiceNumber},
		{"two numbers, oldest first", bank.Entry{Amount: decimal.RequireFromString("350.50"), Remittance: []string{"FACT FA 0011 + FA0010"}}, "matched", "FA0010:100 FA0011:250.5", bank.ReasonOldestFirst},
		{"RF with spaces and case", bank.Entry{Amount: decimal.RequireFromString("300"), Remittance: []string{strings.ToLower(groupsOf(rf("CLI0002FA0020")))}}, "matched", "FA0020:300", bank.ReasonRF},
		{"RF structured, customer only, partial oldest first", bank.Entry{Amount: decimal.RequireFromString("150"), CreditorRefs: []string{rf("CLI0001")}}, "matched", "FA0010:100 FA0011:50", bank.ReasonPartial},
		{"RF with wrong check digits is text", bank.Entry{Amount: decimal.RequireFromString("300"), CreditorRefs: []string{"RF00CLI0002FA0020"}}, "matched", "FA0020:300", bank.ReasonInvoiceNumber},
		{"letter reference, customer total", bank.Entry{Amount: decimal.RequireFromString("350.50"), Remittance: []string{"V/REF CLI0001-20261204-R2-0A1B2C"}}, "matched", "FA0010:100 FA0011:250.5", bank.ReasonAmountTotal},
		{"partial with the payer's name", bank.Entry{Amount: decimal.RequireFromString("120"), PayerName: "M ARNAUD POMMIER", Remittance: []string{"ACOMPTE FA0020"}}, "matched", "FA0020:120", bank.ReasonPartial},
		{"partial from a stranger waits", bank.Entry{Amount: decimal.RequireFromString("120"), PayerName: "SCI DES LILAS", Remittance: []string{"ACOMPTE FA0020"}}, "exception", "", bank.WhyAmount},
		{"excess goes on account", bank.Entry{Amount: decimal.RequireFromString("310"), PayerName: "POMMIER ARNAUD", Remittance: []string{"FA0020"}}, "matched", "FA0020:300 account:10", bank.ReasonExcess},
		{"paid invoice quoted: on account", bank.Entry{Amount: decimal.RequireFromString("75.25"), PayerName: "POMMIER ARNAUD", Remittance: []string{"FA0021"}}, "matched", "account:75.25", bank.ReasonExcess},
		{"numbers of two customers", bank.Entry{Amount: decimal.RequireFromString("400"), Remittance: []string{"FA0010 FA0020"}}, "exception", "", bank.WhySeveral},
		{"known IBAN, one invoice's amount", bank.Entry{Amount: decimal.RequireFromString("999.99"), PayerIBAN: "FR76 1010 7001 0112 3456 7890 129"}, "matched", "FA0030:999.99", bank.ReasonPayerIBAN},
		{"known IBAN of another customer", bank.Entry{Amount: decimal.RequireFromString("100"), PayerIBAN: "FR7610107001011234567890129", Remittance: []string{"FA0010"}}, "exception", "", bank.WhyIBANConflict},
		{"no reference, name and amount", bank.Entry{Amount: decimal.RequireFromString("300"), PayerName: "ARNAUD POMMIER"}, "matched", "FA0020:300", bank.ReasonPayerName},
		{"no reference, amount only", bank.Entry{Amount: decimal.RequireFromString("300"), PayerName: "SCI DES LILAS"}, "exception", "", bank.WhyNoReference},
		{"typo to another customer's invoice, name and amount decide", bank.Entry{Amount: decimal.RequireFromString("100"), PayerName: "DEVELOGICIEL", Remittance: []string{"FA0020"}}, "matched", "FA0010:100", bank.ReasonPayerName},
		{"typo to no invoice", bank.Entry{Amount: decimal.RequireFromString("250.50"), PayerName: "DEVELOGICIEL SARL", Remittance: []string{"FA0911"}}, "matched", "FA0011:250.5", bank.ReasonAmountInvoice},
		{"typo to no invoice, stranger", bank.Entry{Amount: decimal.RequireFromString("250.50"), PayerName: "X", Remittance: []string{"FA0911"}}, "exception", "", bank.WhyUnknownNumbers},
		{"other currency", bank.Entry{Amount: decimal.RequireFromString("100"), Currency: "USD", Remittance: []string{"FA0010"}}, "exception", "", bank.WhyCurrency},
		{"letter RF in text, case and spaces, excess on account", bank.Entry{Amount: decimal.RequireFromString("300"), Remittance: []string{"paiement " + strings.ToLower(groupsOf(letterOne))}}, "matched", "FA0011:250.5 account:49.5", bank.ReasonExcess},
		{"letter RF structured, partial on the letter's item only", bank.Entry{Amount: decimal.RequireFromString("200"), CreditorRefs: []string{letterOne}}, "matched", "FA0011:200", bank.ReasonPartial},
		{"letter RF structured, the letter's items oldest first", bank.Entry{Amount: decimal.RequireFromString("350.50"), CreditorRefs: []string{letterBoth}}, "matched", "FA0010:100 FA0011:250.5", bank.ReasonRF},
		{"letter RF of another company matches nothing", bank.Entry{Amount: decimal.RequireFromString("250.50"), CreditorRefs: []string{letterOther}}, "exception", "", bank.WhyNoReference},
		{"a debit is not matched", bank.Entry{Amount: decimal.RequireFromString("-100"), Remittance: []string{"FA0010"}}, "debit", "", bank.ReasonDebit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.entry.Currency == "" {
				tc.entry.Currency = "EUR"
			}
			d, err := book().MatchLetters(context.Background(), tc.entry)
			if err != nil {
				t.Fatal(err)
			}
			var paid []string
			for _, a := range d.Allocations {
				n := a.Number
				if a.InvoiceID == 0 {
					n = "account"
				}
				paid = append(paid, n+":"+a.Amount.String())
			}
			if d.Status != tc.status || strings.Join(paid, " ") != tc.paid || !strings.Contains(","+d.Reason()+",", ","+tc.reason+",") {
				t.Errorf("status %s, paid %q, reasons %s; want %s, %q, %s", d.Status, strings.Join(paid, " "), d.Reason(), tc.status, tc.paid, tc.reason)
			}
			if d.Status == "exception" && tc.reason != bank.WhyCurrency && len(d.Suggestions) == 0 && tc.reason != bank.WhyNoReference {
				t.Errorf("exception without suggestions")
			}
		})
	}
}

func groupsOf(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), " ")
}

// Letters' RF references (bodies of 15 base-36 characters, as letters
// print them): one of customer 1 listing FA0011, one listing FA0010 and
// FA0011, one of another company's letter whose customer has the same id.
var (
	letterOne   = mustRF("K7Q2M9X4B1Z8P3T")
	letterBoth  = mustRF("A1B2C3D4E5F6G7H")
	letterOther = mustRF("ZZ9Y8X7W6V5U4T3")
	letters     = letterFinder{
		letterOne:   {ref: store.PaymentRef{CompanyID: 1, CustomerID: 1}, ids: []int64{11}},
		letterBoth:  {ref: store.PaymentRef{CompanyID: 1, CustomerID: 1}, ids: []int64{11, 10}},
		letterOther: {ref: store.PaymentRef{CompanyID: 2, CustomerID: 1}, ids: []int64{10, 11}},
	}
)

func mustRF(body string) string {
	r, err := bank.CreditorReference(body)
	if err != nil {
		panic(err)
	}
	return r
}

// letterFinder is the store's letter references, in memory.
type letterFinder map[string]struct {
	ref store.PaymentRef
	ids []int64
}

func (f letterFinder) PaymentRefItems(_ context.Context, ref string) (store.PaymentRef, []int64, error) {
	l, ok := f[ref]
	if !ok {
		return store.PaymentRef{}, nil, fmt.Errorf("payment reference %s: %w", ref, store.ErrNotFound)
	}
	return l.ref, l.ids, nil
}
