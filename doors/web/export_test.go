package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestExportsFromTheScreens: the reminder history exports from the screen
// as CSV and XLSX, with French headers, French dates (in the detail too)
// and levels named as the screens name them; the list export carries the
// Commentaire column and the levels' labels, not their codes.
func TestExportsFromTheScreens(t *testing.T) {
	t.Parallel()
	st, day, a := previewWorld(t)
	ctx := context.Background()
	at := time.Date(day.Year, day.Month, day.Day, 10, 30, 0, 0, adminParis)
	until := day.AddDays(13)
	if _, err := st.Pool.Exec(ctx, `INSERT INTO history (invoice_id, workflow_id, seq, at, kind, level_code, detail, actor)
		SELECT i.id, 'dunning/PRV/FA0001', s.seq, $1::timestamptz + s.seq * interval '1 minute', s.kind, s.level, s.detail, s.actor
		FROM invoices i, (VALUES (1, 'letter_sent', 'MED', 'MED letter 1 sent', ''),
		                         (2, 'paused', 'MED', 'paused: promesse de virement, until ' || $2, 'marie'),
		                         (3, 'commented', 'MED', 'rappeler vendredi', 'marie')) AS s(seq, kind, level, detail, actor)
		WHERE i.number = 'FA0001'`, at, until.String()); err != nil {
		t.Fatal(err)
	}
	status, csv := a.get("/c/PRV/export/history.csv")
	if status != http.StatusOK {
		t.Fatalf("history.csv: %d %.300s", status, csv)
	}
	lines := strings.Split(strings.TrimPrefix(csv, "\ufeff"), "\r\n")
	if lines[0] != "Date;N° de pièce;Client;Nom client;Événement;Niveau;Détail;Acteur" {
		t.Errorf("history header %q", lines[0])
	}
	want := []string{
		day.French() + " 10:31;FA0001;CLI1;Client Un SARL;Lettre envoyée;Mise en demeure;;",
		day.French() + " 10:32;FA0001;CLI1;Client Un SARL;Mise en pause;Mise en demeure;promesse de virement, jusqu'au " + until.French() + ";marie",
		day.French() + " 10:33;FA0001;CLI1;Client Un SARL;Commentaire;Mise en demeure;rappeler vendredi;marie",
	}
	for _, w := range want {
		if !strings.Contains(csv, w+"\r\n") {
			t.Errorf("history.csv lacks %q:\n%s", w, csv)
		}
	}
	resp, err := a.c.Get(a.base + "/c/PRV/export/history.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("history.xlsx: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if status, body := a.get("/c/PRV/export/history.csv?from=abc"); status != http.StatusBadRequest || !strings.Contains(body, "Date incorrecte") {
		t.Errorf("bad from: %d", status)
	}

	_, list := a.get("/c/PRV/export/invoices.csv")
	head := strings.Split(strings.TrimPrefix(list, "\ufeff"), "\r\n")[0]
	if !strings.Contains(head, ";Commentaire;") {
		t.Errorf("list header %q lacks Commentaire", head)
	}
	if !strings.Contains(list, "Relance 3;FA0001;") || !strings.Contains(list, ";Mise en demeure;") || !strings.Contains(list, ";rappeler vendredi;") {
		t.Errorf("list export shows codes or lacks the comment:\n%s", list)
	}
	if _, page := a.get("/c/PRV/relances"); !strings.Contains(page, `id="history-xlsx"`) {
		t.Errorf("no history export on the Relances screen")
	}
}
