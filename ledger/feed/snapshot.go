package feed

import (
	"context"
	"errors"

	"github.com/relance/relance/ledger/store"
)

// Snapshot is the body of POST /v1/feed/{company}/snapshot: the numbers
// of every open invoice and credit note, and the references of every open
// payment on account, of a complete export of the accounting system. The
// company's open items it does not list were settled or cancelled there:
// a dry run (the default) reports them, a real run closes them.
type Snapshot struct {
	Invoices          []string `json:"invoices"`
	PaymentsOnAccount []string `json:"paymentsOnAccount"`
	// DryRun defaults to true: report only. Send false to close.
	DryRun *bool `json:"dryRun,omitempty"`
	// CloseAll allows a snapshot that lists nothing to close every open
	// item (refused otherwise: an empty export is more often a mistake).
	CloseAll bool `json:"closeAll,omitempty"`
}

// IsDryRun reports whether the snapshot only reports.
func (s Snapshot) IsDryRun() bool { return s.DryRun == nil || *s.DryRun }

// SnapshotReport is what a snapshot found and did.
type SnapshotReport struct {
	DryRun bool `json:"dryRun"`
	// Open is how many open items the company had; Listed how many the
	// snapshot named.
	Open   int `json:"open"`
	Listed int `json:"listed"`
	// Missing are the open items the snapshot does not list: closed
	// unless DryRun.
	Missing []store.OpenItem `json:"missing"`
	// Closed are the items this run closed (none in a dry run).
	Closed []store.OpenItem `json:"closed"`
	// Told is how many running workflows were told (package actions).
	Told int `json:"told"`
}

// ErrEmptySnapshot refuses a snapshot that lists nothing while the
// company has open items, unless Snapshot.CloseAll.
var ErrEmptySnapshot = errors.New("the snapshot lists no open item: send closeAll to close every open item")

// ClosedReason is the closed reason of an invoice a snapshot closed.
const ClosedReason = "missing from the accounting system's full snapshot"

// Apply compares the snapshot with the open items of company companyID
// and, unless it is a dry run, closes those it does not list.
func (s Snapshot) Apply(ctx context.Context, st *store.Store, companyID int64) (SnapshotReport, error) {
	rep := SnapshotReport{DryRun: s.IsDryRun(), Missing: []store.OpenItem{}, Closed: []store.OpenItem{}}
	for _, l := range [][]string{s.Invoices, s.PaymentsOnAccount} {
		for _, v := range l {
			if err := text(maxText, "snapshot item", v); err != nil {
				return rep, err
			}
		}
	}
	open, err := st.OpenItems(ctx, companyID)
	if err != nil {
		return rep, err
	}
	rep.Open, rep.Listed = len(open), len(s.Invoices)+len(s.PaymentsOnAccount)
	if rep.Listed == 0 && rep.Open > 0 && !s.CloseAll {
		return rep, store.Invalid(ErrEmptySnapshot)
	}
	listed := map[string]bool{}
	for _, n := range s.Invoices {
		listed["i/"+n] = true
	}
	for _, r := range s.PaymentsOnAccount {
		listed["p/"+r] = true
	}
	for _, it := range open {
		key := "i/" + it.Number
		if it.Kind == store.ItemOnAccount {
			key = "p/" + it.Number
		}
		if !listed[key] {
			rep.Missing = append(rep.Missing, it)
		}
	}
	if rep.DryRun || len(rep.Missing) == 0 {
		return rep, nil
	}
	closed, err := st.CloseItems(ctx, companyID, rep.Missing, ClosedReason)
	if err != nil {
		return rep, err
	}
	rep.Closed = append(rep.Closed, closed...)
	return rep, nil
}
