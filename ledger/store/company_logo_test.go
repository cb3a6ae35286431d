package store_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"

	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// TestCompanyLogo: a logo is saved, loaded for the letters, refused when
// it is not an image, and removed.
func TestCompanyLogo(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	if _, err := st.AddCompany(ctx, settings.Company{Code: "ACME", LegalName: "Acme SAS", SenderEmail: "r@acme.example", SendHour: 9}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 100, 40))); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCompanyLogo(ctx, "ACME", buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	if c, err := st.CompanyByCode(ctx, "ACME"); err != nil || !bytes.Equal(c.Logo, buf.Bytes()) {
		t.Errorf("logo loaded: %d bytes (%v)", len(c.Logo), err)
	}
	if c, err := st.CompanySettings(ctx, "ACME"); err != nil || c.LogoBytes != buf.Len() {
		t.Errorf("logo size %d (%v)", c.LogoBytes, err)
	}
	if err := st.SetCompanyLogo(ctx, "ACME", []byte("not an image")); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("not an image: %v", err)
	}
	if err := st.SetCompanyLogo(ctx, "ACME", nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := st.CompanyByCode(ctx, "ACME"); c.Logo != nil {
		t.Error("logo not removed")
	}
}
