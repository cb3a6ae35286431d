package wire

import (
	"time"

	"github.com/relance/relance/domain/calendar"
)

// ScanInput names the company a scheduled scan (DailyScan) covers.
type ScanInput struct {
	Company string `json:"company"`
}

// ScanRequest asks for the scan of one company at an instant; the working
// date is that instant's day in the company's time zone.
type ScanRequest struct {
	Company string    `json:"company"`
	At      time.Time `json:"at"`
}

// Skipped is an invoice the scan set aside, and why.
type Skipped struct {
	Invoice string `json:"invoice"`
	Reason  string `json:"reason"`
}

// ScanReport says what a scan did: counts of everything, and the first
// invoices of each kind (a sample of the started or already running ones,
// more of the skipped, noted or failed: ledger/scan bounds them).
type ScanReport struct {
	Company string `json:"company"`
	Date    string `json:"date"`
	// Considered is the number of invoices the selection returned.
	Considered int `json:"considered"`
	// LiveCount is the number of dunnings the ledger records as running:
	// their invoices were not considered (no start call).
	LiveCount           int       `json:"liveCount"`
	StartedCount        int       `json:"startedCount"`
	AlreadyRunningCount int       `json:"alreadyRunningCount"`
	SkippedCount        int       `json:"skippedCount"`
	NotesCount          int       `json:"notesCount"`
	FailedCount         int       `json:"failedCount"`
	Started             []string  `json:"started"`
	AlreadyRunning      []string  `json:"alreadyRunning"`
	Skipped             []Skipped `json:"skipped"`
	Notes               []Skipped `json:"notes"`
	Failed              []Skipped `json:"failed"`
}

// CourtesyInput names the company and the instant of a day's courtesy
// mails. CadenceDays is the cadence the courtesy reminders respect (0: the
// company's and customer's cadence settings, docs/customer-side.md).
type CourtesyInput struct {
	Company     string    `json:"company"`
	At          time.Time `json:"at"`
	CadenceDays int       `json:"cadence_days,omitempty"`
}

// CourtesyReport counts what became of a day's courtesy mails.
type CourtesyReport struct {
	Sent      int `json:"sent"`
	Skipped   int `json:"skipped"`
	Uncertain int `json:"uncertain"`
	Failed    int `json:"failed"`
}

// Outcomes of a courtesy mail (CourtesyResult.Status).
const (
	CourtesySent      = "sent"
	CourtesySkipped   = "skipped"
	CourtesyUncertain = "uncertain"
)

// CourtesyPlanRequest asks for the courtesy mails of a company at an
// instant (its day in the company's time zone). CadenceDays is the
// cadence the courtesy reminders respect; 0: the default of the
// activities.
type CourtesyPlanRequest struct {
	Company     string    `json:"company"`
	At          time.Time `json:"at"`
	CadenceDays int       `json:"cadence_days,omitempty"`
}

// CourtesyMailPlan is one courtesy mail to send: a customer's invoices of
// one kind (ids only: no name nor address in the workflow history).
type CourtesyMailPlan struct {
	Kind       string  `json:"kind"`
	CustomerID int64   `json:"customer_id"`
	InvoiceIDs []int64 `json:"invoice_ids"`
}

// CourtesyPlan is the day's courtesy mails of a company.
type CourtesyPlan struct {
	Day         calendar.Date      `json:"day"`
	CadenceDays int                `json:"cadence_days"`
	Mails       []CourtesyMailPlan `json:"mails,omitempty"`
}

// CourtesyRequest asks to send one courtesy mail, keyed by company, kind,
// customer and day: sent at most once whatever the retries and runs.
type CourtesyRequest struct {
	Company     string           `json:"company"`
	Day         calendar.Date    `json:"day"`
	CadenceDays int              `json:"cadence_days"`
	Mail        CourtesyMailPlan `json:"mail"`
}

// CourtesyResult says what became of a courtesy mail.
type CourtesyResult struct {
	Status   string `json:"status"`           // CourtesySent, CourtesySkipped or CourtesyUncertain
	Reason   string `json:"reason,omitempty"` // why it was skipped (no customer data)
	Invoices int    `json:"invoices"`         // invoices it names
}
