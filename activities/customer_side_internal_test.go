package activities

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/temporal"
)

// TestPaymentRefDuringAnOutageIsRetried: when the database is away while a
// statement records its payment reference, the send fails for a retry, not
// as a bad letter (non-retryable): the statement recorded "pending" just
// before would never be sent and its invoices would be held "letter
// failed" (seen in the fault test's 60 s PostgreSQL outage).
func TestPaymentRefDuringAnOutageIsRetried(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	st.Pool.Close() // the database is away
	a := &Activities{Store: st, Log: slog.New(slog.DiscardHandler)}
	data := letter.Data{
		Company:   letter.Company{Code: "FLT", LegalName: "Fautes & Pannes SAS", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPPXXX"},
		Date:      calendar.New(2026, 12, 7),
		Currency:  "EUR",
		Reference: "C1-20261207-MED-ABCDEF",
		Lines:     []letter.Line{{Number: "F1", Amount: decimal.NewFromInt(100), Balance: decimal.NewFromInt(100), Level: "MED"}},
	}
	if data.Pay() == nil {
		t.Fatal("the letter asks for no payment: the test does not reach the payment reference")
	}
	var msg mail.Message
	err := a.asCompany(context.Background(), &msg, store.Company{ID: 1, Code: "FLT"}, 1, 1, true, data)
	if err == nil {
		t.Fatal("recorded a payment reference with the database away")
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.NonRetryable() {
		t.Errorf("a database outage made a bad letter (non-retryable): %v", err)
	}
}
