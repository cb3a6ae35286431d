package export_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/export"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var paris, _ = time.LoadLocation("Europe/Paris")

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func at(t time.Time) *time.Time { return &t }

// rows are lines of the demo company as the reminders screen lists them,
// with the awkward cases: a credit note, no due date, another currency, a
// large amount, a paused invoice, an invoice no workflow ran for yet.
func rows() []store.InvoiceRow {
	return []store.InvoiceRow{
		{Company: "DEMO", Number: "FA0167", Kind: "invoice", Customer: "CLI0001", CustomerName: "Dévelogiciel SARL",
			IssueDate: calendar.New(2026, 7, 27), DueDate: calendar.New(2026, 8, 25), DaysOverdue: 90,
			Amount: dec("6364.80"), Currency: "EUR", Balance: dec("6364.8"), Level: "R3", NextLevel: "MED", Status: "active",
			NextActionAt:    at(time.Date(2026, 12, 1, 9, 0, 0, 0, paris)),
			CustomerBalance: ptr(dec("6364.8")), CustomerOwed: ptr(dec("6364.8")), Issued: true,
			InvoiceStatus: "R3", CustomerStatus: "CTX", CustomerPrevious: "R2"},
		{Company: "DEMO", Number: "FA0168", Kind: "invoice", Customer: "CLI0009", CustomerName: "INFO DEBUTANT",
			IssueDate: calendar.New(2026, 8, 23), DueDate: calendar.New(2026, 9, 22), DaysOverdue: 62,
			Amount: dec("1234567.89"), Currency: "EUR", Balance: dec("1234567.89"), Level: "R2", NextLevel: "R3", Status: "paused"},
		{Company: "DEMO", Number: "AV0021", Kind: "credit_note", Customer: "CLI0009", CustomerName: "INFO DEBUTANT",
			IssueDate: calendar.New(2026, 10, 4), DueDate: calendar.New(2026, 11, 3), DaysOverdue: 20,
			Amount: dec("-283.20"), Currency: "EUR", Balance: dec("-283.20"), Level: "NONE", NextLevel: "R1"},
		{Company: "DEMO", Number: "FA0191", Kind: "invoice", Customer: "CLI0010", CustomerName: "Boulangerie Lefèvre",
			IssueDate: calendar.New(2026, 10, 15), DueDate: calendar.New(2026, 11, 14), DaysOverdue: 9,
			Amount: dec("88.90"), Currency: "XAF", Balance: dec("88.90"), Level: "MED", NextLevel: "UNRESOLVED", Status: "unresolved"},
		{Company: "DEMO", Number: "FA0192", Kind: "invoice", Customer: "CLI0002", CustomerName: `POMMIER "Arnaud"; fils`,
			IssueDate: calendar.New(2026, 10, 24), Amount: dec("150"), Currency: "EUR", Balance: dec("150.005")},
	}
}

func ptr(d decimal.Decimal) *decimal.Decimal { return &d }

func history() []store.HistoryExportRow {
	return []store.HistoryExportRow{
		{Invoice: "FA0168", Customer: "CLI0009", CustomerName: "INFO DEBUTANT", At: time.Date(2026, 11, 20, 9, 0, 0, 0, paris),
			Kind: "letter_sent", Level: "R1", Detail: "e-mail à paul@infodebutant.example.com"},
		{Invoice: "FA0168", Customer: "CLI0009", CustomerName: "INFO DEBUTANT", At: time.Date(2026, 11, 21, 23, 45, 0, 0, paris),
			Kind: "commented", Detail: "a appelé;\npaiera vendredi", Actor: "marie"},
		{Invoice: "FA0171", Customer: "CLI0004", CustomerName: "ZAMACHOWSKI Claudia", At: time.Date(2026, 11, 22, 9, 0, 0, 0, paris),
			Kind: "something_new", Detail: "=HYPERLINK(\"http://evil\")", Actor: "@bob"},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./export -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got: %q\nwant: %q", name, got, want)
	}
}

func TestInvoicesCSVGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := export.InvoicesCSV(&buf, rows()); err != nil {
		t.Fatal(err)
	}
	golden(t, "invoices.csv", buf.Bytes())
	s := buf.String()
	if !strings.HasPrefix(s, "\ufeffNiveau;N° de pièce;") {
		t.Errorf("no BOM or not ';'-separated: %q", s[:40])
	}
	if !strings.Contains(s, "R2;FA0168;Facture;CLI0009;INFO DEBUTANT;23/08/2026;22/09/2026;62;1234567,89;1234567,89;EUR;R3;En pause;;;;;;;;\r\n") {
		t.Errorf("FA0168 line not as French Excel reads it:\n%s", s)
	}
}

func TestHistoryCSVGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := export.HistoryCSV(&buf, history()); err != nil {
		t.Fatal(err)
	}
	golden(t, "history.csv", buf.Bytes())
	// Text that a spreadsheet would run as a formula is quoted with a '.
	if s := buf.String(); !strings.Contains(s, `;"'=HYPERLINK(""http://evil"")";'@bob`) {
		t.Errorf("formula-like text not neutralised:\n%s", s)
	}
}

func TestInvoicesXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := export.InvoicesXLSX(&buf, rows()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := export.InvoicesSheet
	if names := f.GetSheetList(); len(names) != 1 || names[0] != sh {
		t.Fatalf("sheets = %v", names)
	}
	all, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 || strings.Join(all[0], "|") != strings.Join(export.InvoiceHeader, "|") {
		t.Fatalf("rows = %q", all)
	}
	cell := func(ref string) (raw, shown string, typ excelize.CellType, st *excelize.Style) {
		t.Helper()
		raw, _ = f.GetCellValue(sh, ref, excelize.Options{RawCellValue: true})
		shown, _ = f.GetCellValue(sh, ref)
		typ, _ = f.GetCellType(sh, ref)
		id, err := f.GetCellStyle(sh, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err = f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	// Header: bold, frozen, filtered.
	if _, _, _, st := cell("A1"); st.Font == nil || !st.Font.Bold {
		t.Errorf("header not bold: %+v", st.Font)
	}
	panes, err := f.GetPanes(sh)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v %v", panes, err)
	}
	var filter string
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filter = d.RefersTo
		}
	}
	if filter != "'Relances'!$A$1:$U$6" && filter != "Relances!$A$1:$U$6" {
		t.Errorf("autofilter = %q, want the header and 5 rows", filter)
	}
	if w, _ := f.GetColWidth(sh, "E"); w != 30 {
		t.Errorf("customer name column width = %v", w)
	}

	// Amounts: numbers exact to the cent, custom euro format.
	raw, _, typ, st := cell("J3")
	if raw != "1234567.89" || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("FA0168 balance cell = %q (type %v)", raw, typ)
	}
	if st.CustomNumFmt == nil || *st.CustomNumFmt != `#,##0.00\ "€"` {
		t.Errorf("amount format = %v", st.CustomNumFmt)
	}
	if raw, _, _, _ := cell("I2"); raw != "6364.8" {
		t.Errorf("FA0167 amount = %q", raw)
	}
	if raw, _, _, _ := cell("I4"); raw != "-283.2" {
		t.Errorf("credit note amount = %q", raw)
	}
	if raw, _, _, st := cell("J5"); raw != "88.9" || st.CustomNumFmt == nil || *st.CustomNumFmt != `#,##0.00\ "XAF"` {
		t.Errorf("XAF balance = %q %v", raw, st.CustomNumFmt)
	}
	if raw, _, _, _ := cell("J6"); raw != "150.01" {
		t.Errorf("balance rounded to the cent = %q", raw)
	}
	for _, ref := range []string{"I2", "J2", "I3", "J3"} {
		raw, _, _, _ := cell(ref)
		if _, err := decimal.NewFromString(raw); err != nil {
			t.Errorf("%s = %q is not a number", ref, raw)
		}
	}

	// Dates: Excel serial numbers shown dd/mm/yyyy.
	raw, shown, _, st := cell("G2")
	if raw != "46259" || shown != "25/08/2026" || st.CustomNumFmt == nil || *st.CustomNumFmt != "dd/mm/yyyy" {
		t.Errorf("due date cell = %q shown %q format %v", raw, shown, st.CustomNumFmt)
	}
	if raw, _, _, _ := cell("G6"); raw != "" {
		t.Errorf("missing due date written as %q", raw)
	}
	if raw, _, _, _ := cell("H6"); raw != "" {
		t.Errorf("days overdue without due date = %q", raw)
	}
	raw, shown, _, st = cell("N2")
	if raw != "46357.375" || shown != "01/12/2026 09:00" || st.CustomNumFmt == nil || *st.CustomNumFmt != "dd/mm/yyyy hh:mm" {
		t.Errorf("next action = %q shown %q format %v", raw, shown, st.CustomNumFmt)
	}
	if raw, _, _, st := cell("H3"); raw != "62" || st.NumFmt != 1 {
		t.Errorf("days overdue = %q numFmt %d", raw, st.NumFmt)
	}

	// Text: French labels.
	want := map[string]string{"A2": "R3", "A4": "", "C4": "Avoir", "L5": "Non soldé", "M3": "En pause", "M4": "Non démarrée",
		"E6": `POMMIER "Arnaud"; fils`}
	for ref, w := range want {
		if got, _ := f.GetCellValue(sh, ref); got != w {
			t.Errorf("%s = %q, want %q", ref, got, w)
		}
	}
}

func TestHistoryXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := export.HistoryXLSX(&buf, history()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := f.GetRows(export.HistorySheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		export.HistoryHeader,
		{"20/11/2026 09:00", "FA0168", "CLI0009", "INFO DEBUTANT", "Lettre envoyée", "R1", "e-mail à paul@infodebutant.example.com"},
		{"21/11/2026 23:45", "FA0168", "CLI0009", "INFO DEBUTANT", "Commentaire", "", "a appelé;\npaiera vendredi", "marie"},
		{"22/11/2026 09:00", "FA0171", "CLI0004", "ZAMACHOWSKI Claudia", "something_new", "", "=HYPERLINK(\"http://evil\")", "@bob"},
	}
	if len(all) != len(want) {
		t.Fatalf("rows = %q", all)
	}
	for i := range want {
		if strings.Join(all[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i+1, all[i], want[i])
		}
	}
}

func TestEmptyExports(t *testing.T) {
	var buf bytes.Buffer
	if err := export.InvoicesXLSX(&buf, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if all, _ := f.GetRows(export.InvoicesSheet); len(all) != 1 {
		t.Errorf("an empty export has the header only: %q", all)
	}
	buf.Reset()
	if err := export.HistoryCSV(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "\ufeffDate;N° de pièce;Client;Nom client;Événement;Niveau;Détail;Acteur\r\n" {
		t.Errorf("empty history CSV = %q", got)
	}
}

type counter int

func (c *counter) Add(n int) { *c += counter(n) }

func TestProgressIsToldOfEachRow(t *testing.T) {
	var n counter
	if err := (export.Options{Progress: &n}).InvoicesXLSX(&bytes.Buffer{}, rows()); err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("progress told of %d rows, want 5", n)
	}
}

func TestAmountFormat(t *testing.T) {
	for cur, want := range map[string]string{"EUR": `#,##0.00\ "€"`, "USD": `#,##0.00\ "$"`, "": `#,##0.00\ "€"`, "XAF": `#,##0.00\ "XAF"`} {
		if got := export.AmountFormat(cur); got != want {
			t.Errorf("AmountFormat(%q) = %q, want %q", cur, got, want)
		}
	}
}
