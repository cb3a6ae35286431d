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
