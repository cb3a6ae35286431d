package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
)

func TestUserRolesGrantsSourcesAndDemoDay(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	if _, err := st.AddCompany(ctx, settings.Company{Code: "ACME", LegalName: "Acme SAS", SenderEmail: "r@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "anne", "correct horse battery", store.RoleAdmin, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.GrantCompany(ctx, "anne", "ACME"); err != nil {
		t.Fatal(err)
	}
	if err := st.GrantCompany(ctx, "anne", "ACME"); err != nil { // twice is fine
		t.Fatal(err)
	}
	if err := st.GrantCompany(ctx, "anne", "NOPE"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("grant of an unknown company: %v", err)
	}
	if err := st.SetUserCompanies(ctx, "anne", []string{demo.Company, "ACME"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetUserCompanies(ctx, "anne", []string{"NOPE"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown company granted: %v", err)
	}
	if err := st.SetUserRole(ctx, "anne", store.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if err := st.SetUserRole(ctx, "anne", "boss"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("bad role: %v", err)
	}
	u, err := st.UserByName(ctx, "anne")
	if err != nil || u.Role != store.RoleViewer || !slices.Equal(u.Companies, []string{"ACME", demo.Company}) {
		t.Errorf("anne = %+v %v", u, err)
	}
	if err := st.DisableUser(ctx, "anne"); err != nil {
		t.Fatal(err)
	}
	if err := st.EnableUser(ctx, "anne"); err != nil {
		t.Fatal(err)
	}
	if err := st.EnableUser(ctx, "anne"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("enable an enabled user: %v", err)
	}

	if err := st.SetWebhookSource(ctx, "bank", "a-secret-of-sixteen+"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSourceScope(ctx, "bank", store.ParseScope("acme, "+demo.Company)); err != nil {
		t.Fatal(err)
	}
	ws, err := st.WebhookSources(ctx)
	if err != nil || len(ws) != 1 || ws[0].Name != "bank" || !slices.Equal(ws[0].Companies, store.Scope{"ACME", demo.Company}) {
		t.Errorf("sources = %+v %v", ws, err)
	}
	if store.ParseScope(" ") != nil || store.ParseScope("*") != nil {
		t.Error("an empty scope is not every company")
	}

	if err := st.SetDemoDaySeconds(ctx, "ACME", 10); err != nil {
		t.Fatal(err)
	}
	co, err := st.CompanyByCode(ctx, "ACME")
	if err != nil || co.DemoDaySeconds != 10 {
		t.Errorf("demo day = %d %v", co.DemoDaySeconds, err)
	}
	if err := st.SetDemoDaySeconds(ctx, "ACME", 0); err != nil {
		t.Fatal(err)
	}
	if co, _ = st.CompanyByCode(ctx, "ACME"); co.DemoDaySeconds != 0 {
		t.Errorf("demo day not cleared: %d", co.DemoDaySeconds)
	}
	if err := st.SetDemoDaySeconds(ctx, "ACME", -1); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("negative demo day: %v", err)
	}
	if err := st.SetDemoDaySeconds(ctx, "NOPE", 5); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown company: %v", err)
	}
}
