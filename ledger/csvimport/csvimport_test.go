package csvimport

import (
	"strings"
	"testing"
)

func TestInvoicesReportsBadRowsAndKeepsTheRest(t *testing.T) {
	in := "\ufeffnumber;customer;kind;issue_date;due_date;amount;currency;balance_due\n" +
		"FA1;CLI1;;01/10/2026;31/10/2026;1 234,56;EUR;1234,56\n" +
		"FA2;CLI1;;2026-10-02;;100;;\n" + // no due date: accepted, the scan reports it
		"FA3;CLI1;;01/10/2026;31/10/2026;douze;EUR;\n" +
		"FA4;CLI1;;01/10/2026;31/10/2026;-50;EUR;\n" +
		"FA5;CLI1;;01/10/2026;31/13/2026;50;EUR;\n" +
		"FA6;CLI1;;01/10/2026;31/10/2026;50;XYZ;\n" +
		"AV1;CLI1;credit_note;01/10/2026;31/10/2026;-20;EUR;-20\n" +
		"FA7;CLI1;;01/10/2026;31/10/2026;50;EUR;80\n"
	got, bad, err := Invoices(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var ok []string
	for _, i := range got {
		ok = append(ok, i.Number)
	}
	if strings.Join(ok, ",") != "FA1,FA2,AV1,FA7" {
		t.Errorf("imported %v, want FA1,FA2,AV1,FA7", ok)
	}
	// A balance above the amount (deposits, seed 004) is the truth, noted.
	f, err := ReadInvoices(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	notes := f.Preview().Notes
	if got[3].Balance.String() != "80" || len(notes) != 1 ||
		notes[0].Error() != "line 9 (FA7): balance due 80 is larger than the amount 50 (deposits?): the balance is taken as the truth" {
		t.Errorf("FA7 balance %s, notes %v", got[3].Balance, notes)
	}
	want := map[string]string{
		"FA3": `line 4 (FA3): amount: amount "douze" is not a number`,
		"FA4": "line 5 (FA4): negative amount -50 on an invoice (import it as a credit_note)",
		"FA5": `line 6 (FA5): due date "31/13/2026": want DD/MM/YYYY or YYYY-MM-DD`,
		"FA6": `line 7 (FA6): unknown currency "XYZ"`,
	}
	if len(bad) != len(want) {
		t.Errorf("%d bad rows, want %d: %v", len(bad), len(want), bad)
	}
	for _, b := range bad {
		if b.Error() != want[b.Record] {
			t.Errorf("%s: %q, want %q", b.Record, b.Error(), want[b.Record])
		}
	}
	if got[0].Amount.String() != "1234.56" || got[0].DueDate.String() != "2026-10-31" {
		t.Errorf("FA1 = %+v", got[0])
	}
}

func TestCustomers(t *testing.T) {
	in := "code;name;emails;address;kind;credit_limit\n" +
		"CLI1;Dupont SA;a@x.fr, b@x.fr;1 rue A|75001 Paris;business;5 000,00\n" +
		"CLI2;;;;;\n" +
		"CLI3;Martin;not-an-address;;;\n" +
		"CLI4;Durand;;;person;\n"
	got, bad, err := Customers(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Emails) != 2 || len(got[0].AddressLines) != 2 || got[0].CreditLimit.String() != "5000" {
		t.Errorf("customers = %+v", got)
	}
	if len(bad) != 3 {
		t.Errorf("bad rows = %v", bad)
	}
	if _, _, err := Customers(strings.NewReader("nom;adresse\nx;y\n")); err == nil || !strings.Contains(err.Error(), `column "code" is missing`) {
		t.Errorf("wrong header: %v", err)
	}
}

func TestInvoicesWithInstalments(t *testing.T) {
	in := "number;customer;issue_date;due_date;amount;balance_due;instalment;instalment_due_date;instalment_amount;instalment_balance\n" +
		"FA1;CLI1;01/10/2026;30/11/2026;1000;1000;1;31/10/2026;500;500\n" +
		"FA1;CLI1;01/10/2026;30/11/2026;1000;1000;2;30/11/2026;500;\n" +
		"FA1;CLI1;01/10/2026;30/11/2026;1000;1000;2;30/12/2026;500;\n" + // twice
		"FA2;CLI1;01/10/2026;30/11/2026;100;100;x;;;\n"
	got, bad, err := Invoices(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Instalments) != 2 {
		t.Fatalf("invoices %+v, want FA1 with two instalments", got)
	}
	n := got[0].Instalments[1]
	if n.Seq != 2 || n.DueDate.String() != "2026-11-30" || n.Balance.String() != "500" {
		t.Errorf("instalment 2 = %+v", n)
	}
	if len(bad) != 2 || !strings.Contains(bad[0].Error(), "instalment 2 appears twice") || !strings.Contains(bad[1].Error(), `instalment "x"`) {
		t.Errorf("bad rows %v", bad)
	}
}
