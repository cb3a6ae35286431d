package store

import "github.com/relance/relance/domain/messages"

// The rules the store refuses input by, as codes with parameters (said from
// the catalogs of package messages). Each refusal wraps ErrInvalid and the
// messages.Problem, so callers test the first with errors.Is and say the
// second in the reader's language.
var (
	// StatusCodeFormat: a malformed status code (code quoted).
	StatusCodeFormat = messages.Declare("status.code", "code")
	// StatusLabelRequired: a status without a label (code).
	StatusLabelRequired = messages.Declare("status.label", "code")
	// StatusEscalatesToItself: a status is its own escalation (code).
	StatusEscalatesToItself = messages.Declare("status.escalation.self", "code")
	// StatusEscalatesToNone: the escalation is not in the table (code,
	// escalation).
	StatusEscalatesToNone = messages.Declare("status.escalation.unknown", "code", "escalation")
	// StatusHeld: a status still held by customers cannot go (code, count).
	StatusHeld = messages.Declare("status.held", "code", "count")
	// StatusEscalationOf: a status others escalate to cannot go (code,
	// statuses).
	StatusEscalationOf = messages.Declare("status.escalation.of", "code", "statuses")
	// ECBRateDay: an ECB rate not from 1 January or 1 July (day quoted).
	ECBRateDay = messages.Declare("ecb.day", "day")
	// ECBRateRange: an ECB rate out of bounds (rate, min, max).
	ECBRateRange = messages.Declare("ecb.range", "rate", "min", "max")
	// ECBRateDecimals: an ECB rate with more than three decimals (rate).
	ECBRateDecimals = messages.Declare("ecb.decimals", "rate")
	// NoTemplate: ladder levels without a letter template (missing: "R4 in
	// fr, ...").
	NoTemplate = messages.Declare("ladder.template", "missing")
)

// More refusals of input by the store (users, tokens, payment sources,
// calls, letters, imports, customer-side settings), as codes with
// parameters.
var (
	// AreaUnknown: a token area other than dunning or feed (area quoted).
	AreaUnknown = messages.Declare("store.area", "area")
	// UserNameRequired: a user without a name.
	UserNameRequired = messages.Declare("store.user.name")
	// UserExists: a user name already taken (name).
	UserExists = messages.Declare("store.user.exists", "name")
	// UnknownCompany: a company code that names no company (company).
	UnknownCompany = messages.Declare("store.company.unknown", "company")
	// NoStatus: a reminder status not in the company's table (code
	// quoted, company).
	NoStatus = messages.Declare("store.status.unknown", "code", "company")
	// BatchChannel: a letters channel other than print, email or nothing
	// (channel quoted).
	BatchChannel = messages.Declare("store.batch.channel", "channel")
	// BatchDay: a day's letters asked without a day.
	BatchDay = messages.Declare("store.batch.day")
	// UnknownRole: a role other than viewer, operator or admin (role quoted).
	UnknownRole = messages.Declare("store.role", "role")
	// TokenName: a token without a name.
	TokenName = messages.Declare("store.token.name")
	// TokenInForce: a name that already has a token in force (name).
	TokenInForce = messages.Declare("store.token.in-force", "name")
	// TokenCompanies: a token scoped to no company.
	TokenCompanies = messages.Declare("store.token.companies")
	// SourceName: a payment source without a name.
	SourceName = messages.Declare("store.source.name")
	// SourceSecret: a payment source's secret too short (source, min
	// characters).
	SourceSecret = messages.Declare("store.source.secret", "source", "min")
	// UndeliverableKind: an undeliverable mark of unknown kind (kind
	// quoted).
	UndeliverableKind = messages.Declare("store.undeliverable.kind", "kind")
	// AnswerRulesBounds: customers' answer rules out of bounds.
	AnswerRulesBounds = messages.Declare("store.answer-rules")
	// LetterStatus: a customer letter resolved to an unknown status
	// (status quoted).
	LetterStatus = messages.Declare("store.letter.status", "status")
	// InvoiceNoCustomer: an invoice imported before its customer
	// (invoice, customer).
	InvoiceNoCustomer = messages.Declare("store.import.customer", "invoice", "customer")
	// OnAccountNoCustomer: a payment on account imported before its
	// customer (reference, customer).
	OnAccountNoCustomer = messages.Declare("store.on-account.customer", "reference", "customer")
	// CallAuthor: a call without author.
	CallAuthor = messages.Declare("store.call.author")
	// CallEmpty: a call without contact, outcome or note.
	CallEmpty = messages.Declare("store.call.empty")
	// CallTextLong: a call's text too long (field, max characters).
	CallTextLong = messages.Declare("store.call.long", "field", "max")
	// PromiseNotPositive: a promised amount of zero or less (amount).
	PromiseNotPositive = messages.Declare("store.promise.positive", "amount")
	// PromiseDecimals: a promised amount with more than two decimals
	// (amount).
	PromiseDecimals = messages.Declare("store.promise.decimals", "amount")
	// ExportCompany: a history export without company.
	ExportCompany = messages.Declare("store.export.company")
	// ExportPeriod: a history export whose period ends before it starts
	// (to, from).
	ExportPeriod = messages.Declare("store.export.period", "to", "from")
	// CourtesyDays: courtesy days out of bounds (max).
	CourtesyDays = messages.Declare("store.courtesy.days", "max")
	// CourtesyKey: a courtesy mail's key that names another mail (key).
	CourtesyKey = messages.Declare("store.courtesy.key", "key")
)

// Why a courtesy mail was skipped (SkipCourtesyMail), recorded with the
// mail as a code with parameters.
var (
	// CourtesyNamed: every invoice is already named by another mail of
	// the kind.
	CourtesyNamed = messages.Declare("courtesy.skip.named")
	// CourtesyGone: no invoice left to name.
	CourtesyGone = messages.Declare("courtesy.skip.gone")
	// CourtesyCadence: a letter went to the customer within the cadence
	// (day: YYYY-MM-DD, days).
	CourtesyCadence = messages.Declare("courtesy.skip.cadence", "day", "days")
	// CourtesyNoEmail: the customer has no deliverable e-mail address.
	CourtesyNoEmail = messages.Declare("courtesy.skip.no-email")
)
