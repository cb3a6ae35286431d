package export_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/export"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// TestDemoInvoicesToXLSXFile goes from the database to a file on disk and
// back: the demo company's open invoices, listed like the reminders
// screen, written as XLSX, reopened with excelize. Each row matches the
// database, amounts are numbers in the euro format, due dates are Excel
// dates, and the balances add up to the database's own sum.
func TestDemoInvoicesToXLSXFile(t *testing.T) {
	ctx := context.Background()
	st, _ := dbtest.New(t)
	const company = "EXPXL"
	today := calendar.New(2026, 11, 23)
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: company}); err != nil {
		t.Fatal(err)
	}
	// Two invoices have been dunned for a while.
	for invoice, snap := range map[string]dunning.Snapshot{
		"FA0168": {Status: dunning.StatusActive, Level: "R2", NextLevel: "R3", NextActionAt: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)},
		"FA0167": {Status: dunning.StatusPaused, Level: "R1", NextLevel: "R2"},
	} {
		id, err := st.InvoiceID(ctx, company, invoice)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RecordEvents(ctx, id, dunning.WorkflowID(company, invoice), nil, snap); err != nil {
			t.Fatal(err)
		}
	}

	now := today.At(12, time.UTC)
	list, err := st.ListInvoices(ctx, store.InvoiceFilter{Company: company, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 15 {
		t.Fatalf("only %d open invoices listed", len(list))
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	export.InLocation(list, paris)

	path := filepath.Join(t.TempDir(), "relances.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.InvoicesXLSX(out, list); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := export.InvoicesSheet
	raw, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	shown, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != len(list)+1 {
		t.Fatalf("%d rows in the sheet, want the header and %d invoices", len(raw), len(list))
	}
	col := map[string]int{}
	for i, h := range raw[0] {
		col[h] = i
	}
	get := func(r []string, header string) string {
		if i, ok := col[header]; ok && i < len(r) {
			return r[i]
		}
		return ""
	}
	sumSheet := decimal.Zero
	for i, x := range list {
		r, s := raw[i+1], shown[i+1]
		if get(r, "N° de pièce") != x.Number || get(r, "Client") != x.Customer || get(r, "Nom client") != x.CustomerName {
			t.Errorf("row %d = %q, want invoice %s of %s", i+2, r, x.Number, x.Customer)
		}
		bal, err := decimal.NewFromString(get(r, "Solde dû"))
		if err != nil || !bal.Equal(x.Balance) {
			t.Errorf("%s balance cell %q, database %s", x.Number, get(r, "Solde dû"), x.Balance)
		}
		sumSheet = sumSheet.Add(bal)
		if get(s, "Date d'échéance") != x.DueDate.French() {
			t.Errorf("%s due date shown %q, want %q", x.Number, get(s, "Date d'échéance"), x.DueDate.French())
		}
		ref, _ := excelize.CoordinatesToCellName(col["Solde dû"]+1, i+2)
		id, _ := f.GetCellStyle(sh, ref)
		style, err := f.GetStyle(id)
		if err != nil || style.CustomNumFmt == nil || *style.CustomNumFmt != export.AmountFormat(x.Currency) {
			t.Errorf("%s balance format = %v %v", x.Number, style, err)
		}
		if !x.DueDate.IsZero() {
			ref, _ := excelize.CoordinatesToCellName(col["Date d'échéance"]+1, i+2)
			id, _ := f.GetCellStyle(sh, ref)
			style, _ := f.GetStyle(id)
			if style.CustomNumFmt == nil || *style.CustomNumFmt != export.DateFormat {
				t.Errorf("%s due date format = %v", x.Number, style.CustomNumFmt)
			}
			if typ, _ := f.GetCellType(sh, ref); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("%s due date stored as text", x.Number)
			}
		}
		switch x.Number {
		case "FA0168":
			if get(s, "Niveau") != "R2" || get(s, "Prochain niveau") != "R3" || get(s, "Statut") != "En cours" ||
				get(s, "Prochaine action") != "01/12/2026 09:00" {
				t.Errorf("FA0168 shown as %q", s)
			}
		case "FA0167":
			if get(s, "Statut") != "En pause" {
				t.Errorf("FA0167 shown as %q", s)
			}
		}
	}

	var sumDB decimal.Decimal
	if err := st.Pool.QueryRow(ctx, `
		SELECT sum(i.balance_due) FROM invoices i JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND i.balance_due > 0 AND NOT i.closed`, company).Scan(&sumDB); err != nil {
		t.Fatal(err)
	}
	if !sumSheet.Equal(sumDB) {
		t.Errorf("sheet balances add up to %s, database to %s", sumSheet, sumDB)
	}
	t.Logf("%d invoices, balance %s, file %s", len(list), sumDB.StringFixed(2), path)
}
