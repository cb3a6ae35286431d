package banksim

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/store"
)

// Load writes the month's company (with its account), customers,
// invoices, credit notes and instalments.
func Load(ctx context.Context, st *store.Store, m Month) error {
	companyID, err := st.CreateCompany(ctx, store.Company{Code: m.Options.Company, LegalName: "Simulation " + m.Options.Company + " SAS",
		AddressLines: []string{"1 rue de la Simulation", "75001 Paris"}, City: "Paris", IBAN: m.Options.Account, BIC: "AGRIFRPPXXX",
		SenderEmail: "relances@simulation.example.com", TimeZone: "Europe/Paris", Language: "fr", SendHour: 9})
	if err != nil {
		return fmt.Errorf("simulation company: %w", err)
	}
	for _, c := range m.Customers {
		if _, err := st.UpsertCustomer(ctx, companyID, store.Customer{Code: c.Code, Name: c.Name, Kind: c.Kind, Language: "fr",
			Emails: []string{strings.ToLower(c.Code) + "@simulation.example.com"}}); err != nil {
			return fmt.Errorf("simulation customer %s: %w", c.Code, err)
		}
	}
	for _, in := range m.Invoices {
		id, err := st.UpsertInvoice(ctx, companyID, store.NewInvoice{Number: in.Number, Customer: in.Customer, Kind: in.Kind,
			IssueDate: in.Issue, DueDate: in.Due, Amount: in.Amount, Currency: "EUR", Balance: in.Amount})
		if err != nil {
			return fmt.Errorf("simulation invoice %s: %w", in.Number, err)
		}
		if len(in.Instalments) > 0 {
			if err := st.SetInstalments(ctx, id, in.Instalments); err != nil {
				return err
			}
		}
	}
	return nil
}

// Importer imports one statement file (actions.Ops.ImportStatement).
type Importer func(ctx context.Context, data []byte, name string) (bank.ImportReport, error)

// Figures count one kind of payment.
type Figures struct {
	Total, Auto, Wrong, Exceptions int
}

// Report is what a simulated month measured.
type Report struct {
	Days, Entries, Known int
	// Credits are the customers' payments; Auto of them were matched
	// automatically and rightly, Wrong automatically but not as the payer
	// meant, Exceptions wait on the Rapprochement screen.
	Credits, Auto, Wrong, Exceptions int
	// Returns are returned transfers; ReturnsApplied reopened the right
	// credit automatically.
	Returns, ReturnsApplied, ReturnsWrong int
	Fees                                  int
	ByKind                                map[string]*Figures
	WrongList, ExceptionList              []string
}

// Rate is the share of credits matched automatically and rightly.
func (r Report) Rate() float64 {
	if r.Credits == 0 {
		return 0
	}
	return float64(r.Auto) / float64(r.Credits)
}

// String writes the report for people.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d statement days, %d entries (%d known again on re-import)\n", r.Days, r.Entries, r.Known)
	fmt.Fprintf(&b, "credits: %d, matched automatically: %d (%.1f %%), wrong matches: %d, exceptions: %d\n",
		r.Credits, r.Auto, 100*r.Rate(), r.Wrong, r.Exceptions)
	fmt.Fprintf(&b, "returned transfers: %d, applied automatically: %d, wrong: %d; bank fees: %d\n", r.Returns, r.ReturnsApplied, r.ReturnsWrong, r.Fees)
	kinds := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(&b, "%-26s %6s %6s %6s %10s\n", "kind", "total", "auto", "wrong", "exceptions")
	for _, k := range kinds {
		f := r.ByKind[k]
		fmt.Fprintf(&b, "%-26s %6d %6d %6d %10d\n", k, f.Total, f.Auto, f.Wrong, f.Exceptions)
	}
	for _, w := range r.WrongList {
		fmt.Fprintf(&b, "WRONG %s\n", w)
	}
	return b.String()
}

// Run imports the month's statements day after day with imp, imports the
// first day again (nothing new must come of it), and measures what
// matching did against what each payer meant.
func Run(ctx context.Context, st *store.Store, m Month, imp Importer) (Report, error) {
	rep := Report{ByKind: map[string]*Figures{}}
	for _, d := range m.Days {
		ir, err := imp(ctx, d.File, fmt.Sprintf("%s-%s", d.Date, d.Format))
		if err != nil {
			return rep, fmt.Errorf("import %s: %w", d.Date, err)
		}
		rep.Days++
		rep.Entries += ir.New
	}
	if len(m.Days) > 0 {
		ir, err := imp(ctx, m.Days[0].File, "again")
		if err != nil {
			return rep, fmt.Errorf("import again: %w", err)
		}
		rep.Known = ir.Known
		if ir.New != 0 {
			return rep, fmt.Errorf("importing the first day again added %d entries", ir.New)
		}
	}
	outcomes, err := loadOutcomes(ctx, st, m.Options.Company)
	if err != nil {
		return rep, err
	}
	refs := make([]string, 0, len(m.Truth))
	for ref := range m.Truth {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		t := m.Truth[ref]
		o := outcomes[ref]
		switch t.Kind {
		case KindFee:
			rep.Fees++
			continue
		case KindReversal:
			rep.Returns++
			switch {
			case o.status == bank.StatusReversal && o.reverses == t.Reverses:
				rep.ReturnsApplied++
			case o.status == bank.StatusReversal:
				rep.ReturnsWrong++
				rep.WrongList = append(rep.WrongList, fmt.Sprintf("%s return applied to %s, meant %s", ref, o.reverses, t.Reverses))
			}
			continue
		}
		rep.Credits++
		f := rep.ByKind[t.Kind]
		if f == nil {
			f = &Figures{}
			rep.ByKind[t.Kind] = f
		}
		f.Total++
		switch {
		case o.status == bank.StatusMatched || o.status == bank.StatusReversed && o.customer != "":
			if why := wrong(t, o); why != "" {
				rep.Wrong++
				f.Wrong++
				rep.WrongList = append(rep.WrongList, fmt.Sprintf("%s (%s): %s", ref, t.Kind, why))
			} else {
				rep.Auto++
				f.Auto++
			}
		default:
			rep.Exceptions++
			f.Exceptions++
			rep.ExceptionList = append(rep.ExceptionList, fmt.Sprintf("%s (%s): %s %s", ref, t.Kind, o.status, o.reason))
		}
	}
	return rep, nil
}

// wrong says how a match differs from what the payer meant ("" if not).
func wrong(t Truth, o outcome) string {
	if o.customer != t.Customer {
		return fmt.Sprintf("customer %s, meant %s", o.customer, t.Customer)
	}
	for _, n := range o.invoices {
		if n == "" {
			if !t.OnAccount && t.Kind != KindLetterRef && t.Kind != KindNoRef && t.Kind != KindKnownIBAN && t.Kind != KindOtherName {
				return "part put on account"
			}
			continue
		}
		found := false
		for _, w := range t.Invoices {
			found = found || w == n
		}
		if !found {
			return fmt.Sprintf("paid %s, meant %v", n, t.Invoices)
		}
	}
	return ""
}

type outcome struct {
	status, reason, customer, reverses string
	invoices                           []string
}

func loadOutcomes(ctx context.Context, st *store.Store, company string) (map[string]outcome, error) {
	rows, err := st.Pool.Query(ctx, `
		SELECT t.bank_ref, t.status, t.reason, COALESCE(cu.code, ''), COALESCE(o.bank_ref, ''),
		       COALESCE(array_agg(COALESCE(i.number, '')) FILTER (WHERE a.id IS NOT NULL), '{}')
		FROM bank_transactions t JOIN companies c ON c.id = t.company_id
		LEFT JOIN customers cu ON cu.id = t.customer_id
		LEFT JOIN bank_transactions o ON o.id = t.reverses_id
		LEFT JOIN bank_allocations a ON a.transaction_id = t.id
		LEFT JOIN invoices i ON i.id = a.invoice_id
		WHERE c.code = $1
		GROUP BY t.id, cu.code, o.bank_ref`, company)
	if err != nil {
		return nil, fmt.Errorf("simulation outcomes: %w", err)
	}
	out := map[string]outcome{}
	defer rows.Close()
	for rows.Next() {
		var ref string
		var o outcome
		if err := rows.Scan(&ref, &o.status, &o.reason, &o.customer, &o.reverses, &o.invoices); err != nil {
			return nil, err
		}
		out[ref] = o
	}
	return out, rows.Err()
}
