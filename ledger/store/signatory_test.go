package store_test

import (
	"context"
	"testing"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// TestCompanySignatory: the signatory set with the company is loaded with
// it, and updated when the company is created again.
func TestCompanySignatory(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	c := store.Company{Code: "ACME", LegalName: "Acme SAS", SignatoryName: "Claire Martin", SignatoryTitle: "Responsable du recouvrement"}
	if _, err := st.CreateCompany(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := st.CompanyByCode(ctx, "ACME")
	if err != nil {
		t.Fatal(err)
	}
	if got.SignatoryName != c.SignatoryName || got.SignatoryTitle != c.SignatoryTitle {
		t.Errorf("signatory %q, %q", got.SignatoryName, got.SignatoryTitle)
	}
	c.SignatoryName, c.SignatoryTitle = "", ""
	if _, err := st.CreateCompany(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, err = st.CompanyByCode(ctx, "ACME"); err != nil || got.SignatoryName != "" {
		t.Errorf("signatory after update %q (%v)", got.SignatoryName, err)
	}
}
