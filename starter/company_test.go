package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/testkit/dbtest"
)

// TestCompanyFromTheCommandLine creates a company from an empty database
// with `starter company add`, is refused with each bad field named, changes
// one setting, lists and archives it, all without SQL.
func TestCompanyFromTheCommandLine(t *testing.T) {
	st, url := dbtest.New(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1") // none of these commands needs Temporal
	ctx := context.Background()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := dispatch(ctx, args, &out)
		return out.String(), err
	}

	_, err := run("company", "add", "--code", "ACME", "--legal-name", "ACME SAS",
		"--siret", "73282932000075", "--iban", "FR76 3000 6000 0112 3456 7890 188", "--sender-email", "relances",
		"--time-zone", "Paris", "--send-hour", "24")
	for _, want := range []string{"nothing saved", "--siret", "--iban", "checksum", "--sender-email", "--time-zone", "--send-hour"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad company: err = %v, want it to mention %q", err, want)
		}
	}
	if codes, _ := st.CompanyCodes(ctx); len(codes) != 0 {
		t.Fatalf("a refused company was saved: %v", codes)
	}

	out, err := run("company", "add", "--code", "ACME", "--legal-name", "ACME SAS",
		"--address", "12 rue de la Paix|75002 Paris", "--city", "Paris",
		"--siret", "732 829 320 00074", "--vat", "FR44732829320", "--rcs", "Paris B 732 829 320",
		"--iban", "FR76 3000 6000 0112 3456 7890 189", "--bic", "BNPAFRPP",
		"--sender-email", "relances@acme.example.com", "--sender-name", "Service relances ACME")
	if err != nil {
		t.Fatalf("company add: %v", err)
	}
	if !strings.Contains(out, "default ladder") {
		t.Errorf("company add said %q", out)
	}
	if _, err := run("company", "add", "--code", "ACME", "--legal-name", "Other", "--sender-email", "a@b.fr"); err == nil ||
		!strings.Contains(err.Error(), "already exists") {
		t.Errorf("second add: %v", err)
	}
	co, err := st.CompanyByCode(ctx, "ACME")
	if err != nil {
		t.Fatal(err)
	}
	if co.TimeZone != "Europe/Paris" || co.SendHour != 9 || co.Language != "fr" || len(co.AddressLines) != 2 {
		t.Errorf("defaults: %+v", co)
	}
	if l, err := st.Ladder(ctx, co.ID); err != nil || len(l) != 4 {
		t.Errorf("ladder of a new company: %v %v", l, err)
	}

	if _, err := run("company", "set", "--code", "ACME", "--send-hour", "8", "--reply-to", "compta@acme.example.com", "--holidays", "FR-AM",
		"--signatory-name", "Claire Martin", "--signatory-title", "Responsable recouvrement",
		"--legal-form", "SAS au capital de 10 000 €", "--letter-header", "Service clients 9 h – 17 h", "--letter-footer", "Chèques acceptés"); err != nil {
		t.Fatalf("company set: %v", err)
	}
	if _, err := run("company", "set", "--code", "ACME", "--paid-pause-days", "5", "--dispute-reasons", "Non reçu|Prix erroné"); err != nil {
		t.Fatalf("company set answer rules: %v", err)
	}
	if r, err := st.PortalRules(ctx, "ACME"); err != nil || r.PaidPauseDays != 5 || r.PromiseMaxDays != 30 || len(r.DisputeReasons) != 2 {
		t.Errorf("answer rules %+v %v", r, err)
	}
	if _, err := run("company", "set", "--code", "ACME", "--promise-max-days", "900"); err == nil {
		t.Error("a promise limit of 900 days was accepted")
	}
	if out, err := run("company", "set", "--code", "ACME", "--iban", ""); err != nil || !strings.Contains(out, "warning: no IBAN") {
		t.Errorf("set without IBAN: %q %v", out, err)
	}
	if _, err := run("company", "set", "--code", "ACME", "--iban", "FR76 3000 6000 0112 3456 7890 189"); err != nil {
		t.Fatal(err)
	}
	if _, err := run("company", "set", "--code", "ACME", "--holidays", "DE"); err == nil || !strings.Contains(err.Error(), "--holidays") {
		t.Errorf("set with an unknown calendar: %v", err)
	}
	if _, err := run("company", "set", "--code", "ACME", "--iban", "FR00"); err == nil || !strings.Contains(err.Error(), "--iban") {
		t.Errorf("set with a bad IBAN: %v", err)
	}
	out, err = run("company", "show", "--code", "ACME")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"send-hour        8", "holidays         FR-AM", "signatory-name   Claire Martin", "signatory-title  Responsable recouvrement", "legal-form       SAS au capital de 10 000 €", "letter-header    Service clients", "letter-footer    Chèques acceptés", "compta@acme.example.com", "FR76 3000 6000 0112 3456 7890 189", "Service relances ACME"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}

	if co, err = st.CompanyByCode(ctx, "ACME"); err != nil || co.SignatoryName != "Claire Martin" || co.SignatoryTitle != "Responsable recouvrement" ||
		co.LegalForm != "SAS au capital de 10 000 €" || co.LetterHeader != "Service clients 9 h – 17 h" || co.LetterFooter != "Chèques acceptés" {
		t.Errorf("signatory printed on letters: %q, %q (%v)", co.SignatoryName, co.SignatoryTitle, err)
	}

	logo := filepath.Join(t.TempDir(), "logo.png")
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 100, 40))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(logo, img.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := run("company", "set", "--code", "ACME", "--logo", logo); err != nil {
		t.Fatalf("set --logo: %v", err)
	}
	if co, err = st.CompanyByCode(ctx, "ACME"); err != nil || !bytes.Equal(co.Logo, img.Bytes()) {
		t.Errorf("logo not saved: %d bytes (%v)", len(co.Logo), err)
	}
	if _, err := run("company", "set", "--code", "ACME", "--send-hour", "10", "--logo", "company_test.go"); err == nil || !strings.Contains(err.Error(), "--logo") {
		t.Errorf("a text file as logo: %v", err)
	}
	if co, err = st.CompanyByCode(ctx, "ACME"); err != nil || co.SendHour != 8 || !bytes.Equal(co.Logo, img.Bytes()) {
		t.Errorf("a refused logo changed the company: send hour %d, logo %d bytes (%v)", co.SendHour, len(co.Logo), err)
	}
	if out, _ = run("company", "show", "--code", "ACME"); !strings.Contains(out, fmt.Sprintf("%d bytes", img.Len())) {
		t.Errorf("show lacks the logo:\n%s", out)
	}

	if _, err := run("company", "archive", "--code", "ACME"); err != nil {
		t.Fatal(err)
	}
	if codes, _ := st.CompanyCodes(ctx); len(codes) != 0 {
		t.Errorf("an archived company is still scanned: %v", codes)
	}
	out, _ = run("company", "list")
	if !strings.Contains(out, "archived") {
		t.Errorf("list does not say archived:\n%s", out)
	}
	if _, err := run("company", "restore", "--code", "ACME"); err != nil {
		t.Fatal(err)
	}
	if codes, _ := st.CompanyCodes(ctx); len(codes) != 1 {
		t.Errorf("restored company not scanned: %v", codes)
	}
}

// TestStatusesAndLadderChecks edits the status table of seed 004 and shows
// that a ladder that could never send is refused with the reason.
func TestStatusesAndLadderChecks(t *testing.T) {
	st, url := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
	t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := dispatch(ctx, args, &out)
		return out.String(), err
	}
	if _, err := run("statuses", "set", "--company", "DEMO", "--code", "LIT", "--label", "Litige", "--escalation", "CTX"); err != nil {
		t.Fatalf("add status: %v", err)
	}
	if _, err := run("statuses", "set", "--company", "DEMO", "--code", "X1", "--label", "X", "--escalation", "NOPE"); err == nil ||
		!strings.Contains(err.Error(), "NOPE, which is not in the table") {
		t.Errorf("unknown escalation: %v", err)
	}
	out, err := run("statuses", "list", "--company", "DEMO")
	if err != nil || !strings.Contains(out, "LIT") || !strings.Contains(out, "Litige") {
		t.Errorf("list: %v\n%s", err, out)
	}
	if _, err := run("statuses", "delete", "--company", "DEMO", "--code", "CTX"); err == nil ||
		!strings.Contains(err.Error(), "escalation of [LIT]") {
		t.Errorf("delete of a status another escalates to: %v", err)
	}
	if _, err := run("statuses", "delete", "--company", "DEMO", "--code", "LIT"); err != nil {
		t.Errorf("delete: %v", err)
	}

	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct{ body, want string }{
		{"code;label;delay_days;channel;claim_fees\nR1;Relance;1;email;false\nR4;Relance 4;15;email;false\nMED;Mise en demeure;15;both;true\n",
			"no letter template for R4 in en, R4 in fr"},
		{"code;label;delay_days;channel;claim_fees\nR1;Relance;0;email;false\nMED;Mise en demeure;15;both;true\n",
			"at least 1 day"},
		{"code;label;delay_days;channel;claim_fees\nR1;Relance;1;email;false\nR2;Relance 2;15;email;false\n",
			"last level must be the formal notice"},
	}
	for i, tt := range tests {
		_, err := run("ladder", "set", "--company", "DEMO", "--file", write("l.csv", tt.body))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ladder %d: err = %v, want %q", i, err, tt.want)
		}
	}
	out, err = run("ladder", "set", "--company", "DEMO", "--file",
		write("ok.csv", "code;label;delay_days;channel;claim_fees\nR1;Relance;2;email;false\nMED;Mise en demeure;10;both;true\n"))
	if err != nil || !strings.Contains(out, "keep the ladder they started with") {
		t.Errorf("good ladder: %v %q", err, out)
	}
}
