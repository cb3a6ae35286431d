package feed

import (
	"context"
	"errors"
	"fmt"

	"github.com/relance/relance/ledger/facturx"
	"github.com/relance/relance/ledger/store"
)

// FacturXResult is what the import of one Factur-X PDF did.
type FacturXResult struct {
	Number          string `json:"number"`
	Kind            string `json:"kind"` // invoice or credit_note
	Customer        string `json:"customer"`
	CustomerCreated bool   `json:"customerCreated"`
	Status          string `json:"status"` // created or updated
	IssueDate       string `json:"issueDate"`
	DueDate         string `json:"dueDate,omitempty"`
	Amount          string `json:"amount"`
	BalanceDue      string `json:"balanceDue"`
	Currency        string `json:"currency"`
	// Touched is the invoice when its balance or closed flag changed (its
	// workflows are to look again).
	Touched []store.OpenItem `json:"-"`
}

// FacturX imports a Factur-X PDF into company companyID: the invoice or
// credit note its CII XML describes (number, dates, amounts, currency),
// its customer (customer, or the buyer's identifier; created from the
// buyer's name, e-mail and address when unknown), and the PDF itself,
// attached to the invoice's letters. Sending the same PDF twice changes
// nothing.
func FacturX(ctx context.Context, st *store.Store, companyID int64, pdf []byte, customer string) (FacturXResult, error) {
	var res FacturXResult
	if len(pdf) > MaxPDF {
		return res, store.Invalid(facturx.PDFTooLarge.With(MaxPDF))
	}
	x, _, err := facturx.Read(pdf)
	if err != nil {
		return res, store.Invalid(err)
	}
	code := customer
	if code == "" {
		code = x.Buyer.ID
	}
	if code == "" {
		return res, store.Invalid(facturx.NoBuyer.With(x.Number))
	}
	in := Invoice{
		Number: x.Number, Customer: code, IssueDate: x.IssueDate.String(), DueDate: x.DueDate.String(),
		Amount: x.GrandTotal.String(), BalanceDue: x.DuePayable.String(), Currency: x.Currency,
	}
	if x.CreditNote {
		in.Kind = "credit_note"
	}
	inv, err := in.toStore()
	if err != nil {
		return res, fmt.Errorf("invoice %s: %w", x.Number, err)
	}
	known, err := st.CustomerExists(ctx, companyID, code)
	if err != nil {
		return res, err
	}
	if !known {
		c := store.Customer{Code: code, Name: x.Buyer.Name, AddressLines: x.Buyer.Address}
		if c.Name == "" {
			c.Name = code
		}
		if x.Buyer.Email != "" {
			c.Emails = []string{x.Buyer.Email}
		}
		if err := text(maxText, "buyer identifier", c.Code, "buyer name", c.Name, "buyer e-mail", x.Buyer.Email); err != nil {
			return res, err
		}
		for _, l := range c.AddressLines {
			if err := text(maxText, "buyer address", l); err != nil {
				return res, err
			}
		}
		if _, err := st.UpsertCustomer(ctx, companyID, c); err != nil {
			return res, err
		}
		res.CustomerCreated = true
	}
	cols := []string{"kind", "issue_date", "due_date", "amount", "currency", "balance_due"}
	fr, err := st.FeedInvoice(ctx, companyID, inv, cols, false)
	if err != nil {
		return res, err
	}
	if err := st.SetInvoicePDF(ctx, companyID, inv.Number, pdf); err != nil {
		return res, err
	}
	res = FacturXResult{
		Number: inv.Number, Kind: inv.Kind, Customer: code, CustomerCreated: res.CustomerCreated,
		Status: pick(fr.Created, StatusCreated, StatusUpdated), IssueDate: inv.IssueDate.String(), DueDate: inv.DueDate.String(),
		Amount: inv.Amount.StringFixed(2), BalanceDue: inv.Balance.StringFixed(2), Currency: inv.Currency,
	}
	if fr.Tell {
		res.Touched = []store.OpenItem{{Kind: inv.Kind, Number: inv.Number, Customer: code, Instalments: fr.Instalments}}
	}
	return res, nil
}

// IsNotFacturX reports whether err says the PDF holds no readable CII
// invoice.
func IsNotFacturX(err error) bool { return errors.Is(err, facturx.ErrNotFacturX) }
