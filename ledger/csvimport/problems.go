package csvimport

import "github.com/relance/relance/domain/messages"

// The problems an import finds in a row or a file, said from the catalogs
// of package messages. A value quoted in a message is given quoted.
var (
	// CustomerRequired: a customer row without code or name.
	CustomerRequired = messages.Declare("import.customer.required")
	// CustomerTwice: a customer already read in this file (code, line).
	CustomerTwice = messages.Declare("import.customer.twice", "code", "line")
	// BadEmail: an e-mail address that is not one (address).
	BadEmail = messages.Declare("import.email", "address")
	// CustomerKind: an unknown customer kind (kind).
	CustomerKind = messages.Declare("import.customer.kind", "kind")
	// BadChannel: an unknown channel (channel).
	BadChannel = messages.Declare("import.channel", "channel")
	// InvoiceRequired: an invoice row without number or customer.
	InvoiceRequired = messages.Declare("import.invoice.required")
	// InvoiceKind: an unknown invoice kind (kind).
	InvoiceKind = messages.Declare("import.invoice.kind", "kind")
	// IssueDate: an issue date that cannot be read (value).
	IssueDate = messages.Declare("import.issue-date", "value")
	// IssueDateYear: an issue date whose year is not four digits (value).
	IssueDateYear = messages.Declare("import.issue-date.year", "value")
	// DueDate: a due date that cannot be read (value).
	DueDate = messages.Declare("import.due-date", "value")
	// DueDateYear: a due date whose year is not four digits (value).
	DueDateYear = messages.Declare("import.due-date.year", "value")
	// NegativeInvoice: an invoice with a negative amount (amount).
	NegativeInvoice = messages.Declare("import.negative", "amount")
	// OppositeSigns: balance and amount of opposite signs (balance,
	// amount).
	OppositeSigns = messages.Declare("import.signs", "balance", "amount")
	// UnknownCurrency: a currency that is not known (currency).
	UnknownCurrency = messages.Declare("import.currency", "currency")
	// InvoiceTwice: an invoice already read in this file (number, line).
	InvoiceTwice = messages.Declare("import.invoice.twice", "number", "line")
	// EmptyFile: a file without header row (columns: those required).
	EmptyFile = messages.Declare("import.empty", "columns")
	// MissingColumn: a required column is missing (column, have: the
	// header's columns).
	MissingColumn = messages.Declare("import.column", "column", "have")
	// OnAccountRequired: a payment on account row without reference or
	// customer.
	OnAccountRequired = messages.Declare("import.on-account.required")
	// OnAccountTwice: a payment on account already read in this file
	// (reference, line).
	OnAccountTwice = messages.Declare("import.on-account.twice", "reference", "line")
	// OnAccountNegative: a payment on account with a negative amount
	// (amount).
	OnAccountNegative = messages.Declare("import.on-account.negative", "amount")
	// PaidOn: a payment date that cannot be read (value).
	PaidOn = messages.Declare("import.paid-on", "value")
	// PaidOnYear: a payment date whose year is not four digits (value).
	PaidOnYear = messages.Declare("import.paid-on.year", "value")
	// Closed: a closed column that is neither yes nor no (value).
	Closed = messages.Declare("import.closed", "value")
)
