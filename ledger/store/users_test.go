package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
)

func TestUsersAndSessions(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "marie", "correct horse battery", store.RoleOperator, []string{demo.Company})
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != store.RoleOperator || len(u.Companies) != 1 || u.Companies[0] != demo.Company {
		t.Errorf("user = %+v", u)
	}
	bad := []struct {
		name, password string
		role           store.Role
		companies      []string
	}{
		{"", "correct horse battery", store.RoleViewer, nil},
		{"paul", "short", store.RoleViewer, nil},
		{"paul", "correct horse battery", "boss", nil},
		{"paul", "correct horse battery", store.RoleViewer, []string{"NOPE"}},
		{"marie", "correct horse battery", store.RoleViewer, nil}, // exists
	}
	for _, b := range bad {
		if _, err := st.CreateUser(ctx, b.name, b.password, b.role, b.companies); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateUser(%q, %q, %q, %v) = %v, want ErrInvalid", b.name, b.password, b.role, b.companies, err)
		}
	}
	if _, err := st.Authenticate(ctx, "marie", "wrong password!"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := st.Authenticate(ctx, "nobody", "correct horse battery"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := st.Authenticate(ctx, "marie", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	token, err := st.CreateSession(ctx, u.ID, "en", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ses, err := st.SessionByToken(ctx, token)
	if err != nil || ses.User.Name != "marie" || ses.Language != "en" || !ses.ValidCSRF(ses.CSRF) || ses.ValidCSRF("x") || ses.ValidCSRF("") {
		t.Fatalf("session = %+v, %v", ses, err)
	}
	if err := st.DisableUser(ctx, "marie"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByToken(ctx, token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of a disabled user: %v", err)
	}
	if _, err := st.Authenticate(ctx, "marie", "correct horse battery"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("disabled user signed in: %v", err)
	}
}

func TestCountTabsAndSort(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c, err := st.CountTabs(ctx, store.InvoiceFilter{Company: demo.Company, Now: now})
	if err != nil || c.All != 21 {
		t.Fatalf("counts = %+v, %v", c, err)
	}
	rows, err := st.ListInvoices(ctx, store.InvoiceFilter{Company: demo.Company, Now: now, Sort: "balance", Desc: true, Limit: 2, Offset: 1})
	if err != nil || len(rows) != 2 || rows[0].Balance.LessThan(rows[1].Balance) {
		t.Fatalf("sorted page = %+v, %v", rows, err)
	}
	if _, err := st.ListInvoices(ctx, store.InvoiceFilter{Company: demo.Company, Sort: "nope"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown sort: %v", err)
	}
}

func TestKeysetPaging(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	all, err := st.ListInvoices(ctx, store.InvoiceFilter{Company: demo.Company, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if last := all[len(all)-1]; !last.DueDate.IsZero() {
		t.Errorf("the invoice without a due date is not last: %s", last.Number)
	}
	// Forward by four, then back from the end.
	var walked []string
	var after *store.Cursor
	for {
		page, err := st.ListInvoices(ctx, store.InvoiceFilter{Company: demo.Company, Now: now, Limit: 4, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			walked = append(walked, r.Number)
		}
		if len(page) < 4 {
			break
		}
		c := store.CursorOf(page[len(page)-1])
		if c2, err := store.ParseCursor(c.String()); err != nil || c2 != c {
			t.Fatalf("cursor %s reads back as %v %v", c, c2, err)
		}
		after = &c
	}
	var want []string
	for _, r := range all {
		want = append(want, r.Number)
	}
	if !listEqual(walked, want) {
		t.Errorf("forward pages = %v, want %v", walked, want)
	}
	before := store.CursorOf(all[len(all)-1])
	page, err := st.ListInvoices(ctx, store.InvoiceFilter{Company: demo.Company, Now: now, Limit: 3, Before: &before})
	if err != nil || len(page) != 3 || page[2].Number != all[len(all)-2].Number || page[0].Number != all[len(all)-4].Number {
		t.Errorf("page before the last = %v %v", page, err)
	}
	if _, err := st.ListInvoices(ctx, store.InvoiceFilter{Company: demo.Company, Sort: "name", After: &before}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("a position with another order: %v", err)
	}
	if _, err := store.ParseCursor("2026-13-01~X"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("bad cursor: %v", err)
	}
}
