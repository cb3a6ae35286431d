package csvimport

import (
	"errors"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/domain/money"
)

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
	// AmountEmpty: an amount column left empty (column).
	AmountEmpty = messages.Declare("import.amount.empty", "column")
	// AmountNotNumber: an amount that is not a number (column, amount).
	AmountNotNumber = messages.Declare("import.amount.number", "column", "amount")
	// AmountDecimals: an amount with more than two decimals (column,
	// amount).
	AmountDecimals = messages.Declare("import.amount.decimals", "column", "amount")
	// AmountTooLarge: an amount too large for the ledger (column, amount,
	// max: the digits allowed before the decimal point).
	AmountTooLarge = messages.Declare("import.amount.large", "column", "amount", "max")
	// TextControl: a text with control characters or invalid UTF-8
	// (column).
	TextControl = messages.Declare("import.text.control", "column")
	// TextLong: a text longer than the ledger keeps (column, max bytes).
	TextLong = messages.Declare("import.text.long", "column", "max")
	// InstalmentNumber: an instalment column that is not 1, 2... (value).
	InstalmentNumber = messages.Declare("import.instalment", "value")
	// InstalmentDue: an instalment without a readable due date (seq,
	// value).
	InstalmentDue = messages.Declare("import.instalment.due", "seq", "value")
	// InstalmentNegative: an instalment with a negative amount or balance
	// (seq).
	InstalmentNegative = messages.Declare("import.instalment.negative", "seq")
	// InstalmentTwice: an instalment already read for this invoice (seq).
	InstalmentTwice = messages.Declare("import.instalment.twice", "seq")
	// NoteBalance: an invoice whose balance is larger than its amount,
	// kept as the truth (balance, amount).
	NoteBalance = messages.Declare("import.note.balance", "balance", "amount")
	// NoteInstalments: an invoice dunned as instalments (count).
	NoteInstalments = messages.Declare("import.note.instalments", "count")
)

// amountProblem says an amount of column that could not be read: the
// problem money.Parse or dunning.CheckAmount found, said for the column.
func amountProblem(column string, err error) messages.Problem {
	if p, ok := messages.Of(err); ok {
		switch p.Code {
		case money.Empty:
			return AmountEmpty.With(column)
		case money.NotNumber:
			return AmountNotNumber.With(column, p.Args[0])
		case money.Decimals:
			return AmountDecimals.With(column, p.Args[0])
		}
	}
	var pe *dunning.PaymentError
	if errors.As(err, &pe) && len(pe.Params) > 0 {
		switch pe.Code {
		case dunning.PaymentAmountTooLarge:
			return AmountTooLarge.With(column, pe.Params[0], dunning.MaxAmountDigits)
		case dunning.PaymentAmountDecimals:
			return AmountDecimals.With(column, pe.Params[0])
		}
	}
	return AmountNotNumber.With(column, err.Error())
}

// textProblem says a text of column that dunning.CheckText refused.
func textProblem(column string, err error) messages.Problem {
	var pe *dunning.PaymentError
	if errors.As(err, &pe) && pe.Code == dunning.PaymentTooLong {
		return TextLong.With(column, dunning.MaxFieldLength)
	}
	return TextControl.With(column)
}
