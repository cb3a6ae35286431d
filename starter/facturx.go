package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/facturx"
	"github.com/relance/relance/ledger/feed"
	"github.com/relance/relance/ledger/store"
)

// facturXCmd is `starter facturx`: it imports Factur-X (or ZUGFeRD 2) invoice PDFs through the
// accounting feed's path (actions.Ops.FacturX, as POST
// /v1/feed/{company}/facturx): the invoice or credit note its CII XML
// describes, its customer (created from the buyer when unknown), and the
// PDF, attached to the invoice's letters. Each file is reported on its own
// line; a bad file does not stop the others; importing a file again
// changes nothing.
type facturXCmd struct {
	Files    []string `arg:"" name:"file" help:"Factur-X (or ZUGFeRD 2) PDF files"`
	Company  string   `required:"" placeholder:"CODE" help:"company code"`
	Customer string   `placeholder:"CODE" help:"customer code, for invoices whose buyer has no identifier (ram:BuyerTradeParty/ram:ID); applies to every file"`
}

// Run imports the files.
func (c *facturXCmd) Run(ctx context.Context, e *env) error {
	files := c.Files
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	if _, err := o.Store.CompanyByCode(ctx, c.Company); err != nil {
		return err
	}
	var failed []string
	imported := 0
	for _, name := range files {
		base := filepath.Base(name)
		res, err := facturXFile(ctx, o, c.Company, name, c.Customer)
		switch {
		case err != nil && res.Number == "":
			e.printf("%s: not imported: %s\n", base, store.ReasonText(err))
			failed = append(failed, base)
			continue
		case err != nil:
			// The ledger is updated; a workflow not told sees it at its
			// next check.
			e.printf("%s: %v\n", base, err)
		}
		imported++
		kind := "invoice"
		if res.Kind == "credit_note" {
			kind = "credit note"
		}
		who := res.Customer
		if res.CustomerCreated {
			who += " (new customer)"
		}
		due := ""
		if res.DueDate != "" {
			due = ", due " + res.DueDate
		}
		e.printf("%s: %s %s %s, customer %s, %s %s, balance %s%s\n", base, kind, res.Number, res.Status, who, res.Amount, res.Currency, res.BalanceDue, due)
	}
	e.printf("%d of %d file(s) imported\n", imported, len(files))
	if len(failed) > 0 {
		return fmt.Errorf("%d file(s) not imported: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

// facturXFile reads one PDF and imports it.
func facturXFile(ctx context.Context, o *actions.Ops, company, name, customer string) (feed.FacturXResult, error) {
	info, err := os.Stat(name)
	if err != nil {
		return feed.FacturXResult{}, err
	}
	if info.Size() > feed.MaxPDF {
		return feed.FacturXResult{}, facturx.PDFTooLarge.With(feed.MaxPDF)
	}
	pdf, err := os.ReadFile(name)
	if err != nil {
		return feed.FacturXResult{}, err
	}
	res, err := o.FacturX(ctx, company, pdf, customer)
	if errors.Is(err, actions.ErrNotTold) {
		return res, err
	}
	if err != nil {
		return feed.FacturXResult{}, err
	}
	return res, nil
}
