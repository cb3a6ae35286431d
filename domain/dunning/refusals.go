package dunning

import (
	"errors"
	"strings"

	"github.com/relance/relance/domain/messages"
	"go.temporal.io/sdk/temporal"
)

// Refusal codes: the Type of the application error with which an invoice
// workflow's update validator refuses an operator action. The error's one
// detail is the refusal's parameters ([]string, in the order given beside
// each code), so that a screen can say the refusal in the operator's
// language; its message is the English sentence the CLI and the audit log
// show.
const (
	// RefusedEnded: the dunning has ended (invoice, outcome Status).
	RefusedEnded = "RefusedEnded"
	// RefusedSending: a letter is on its way (level code, invoice).
	RefusedSending = "RefusedSending"
	// RefusedPausedSkip: paused, no level can be skipped (invoice, reason).
	RefusedPausedSkip = "RefusedPausedSkip"
	// RefusedPausedSend: paused, no letter can be sent (invoice, reason).
	RefusedPausedSend = "RefusedPausedSend"
	// RefusedUnresolvedSkip: past the last level, nothing to skip (invoice).
	RefusedUnresolvedSkip = "RefusedUnresolvedSkip"
	// RefusedUnresolvedSend: past the last level, no letter to send (invoice).
	RefusedUnresolvedSend = "RefusedUnresolvedSend"
	// RefusedFirstLevel: no level to go back to (invoice, level code).
	RefusedFirstLevel = "RefusedFirstLevel"
	// RefusedAlreadyPaused: already paused (invoice, reason).
	RefusedAlreadyPaused = "RefusedAlreadyPaused"
	// RefusedNoReason: a pause without a reason (no parameter).
	RefusedNoReason = "RefusedNoReason"
	// RefusedPauseDate: the pause's end is not after today (until, today,
	// as YYYY-MM-DD).
	RefusedPauseDate = "RefusedPauseDate"
	// RefusedNotPaused: nothing to resume (invoice).
	RefusedNotPaused = "RefusedNotPaused"
	// RefusedEmptyComment: an empty comment (no parameter).
	RefusedEmptyComment = "RefusedEmptyComment"
	// RefusedHeld: held, no letter can go out (invoice, reason).
	RefusedHeld = "RefusedHeld"
	// RefusedAlreadyAsked: the next letter is already asked for (level
	// code, invoice).
	RefusedAlreadyAsked = "RefusedAlreadyAsked"
)

// Refusal is a validator's refusal: code is one of the Refused* constants,
// message the English sentence, params the code's parameters.
func Refusal(code, message string, params ...string) error {
	return temporal.NewApplicationError(message, code, params)
}

// RefusalOf reads a refusal made by Refusal out of err (as a client's
// update call returns it, wrapped or not): its code and parameters. ok is
// false when err holds no refusal code; params is nil when they could not
// be read.
func RefusalOf(err error) (code string, params []string, ok bool) {
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || !strings.HasPrefix(ae.Type(), "Refused") {
		return "", nil, false
	}
	if ae.HasDetails() && ae.Details(&params) != nil {
		params = nil
	}
	return ae.Type(), params, true
}

// refusalMessages are the message codes of the refusals, with the names of
// their parameters in the order of the refusal's parameters.
var refusalMessages = map[string]messages.Code{
	RefusedEnded:          messages.Declare("refusal.RefusedEnded", "invoice", "status"),
	RefusedSending:        messages.Declare("refusal.RefusedSending", "level", "invoice"),
	RefusedPausedSkip:     messages.Declare("refusal.RefusedPausedSkip", "invoice", "reason"),
	RefusedPausedSend:     messages.Declare("refusal.RefusedPausedSend", "invoice", "reason"),
	RefusedUnresolvedSkip: messages.Declare("refusal.RefusedUnresolvedSkip", "invoice"),
	RefusedUnresolvedSend: messages.Declare("refusal.RefusedUnresolvedSend", "invoice"),
	RefusedFirstLevel:     messages.Declare("refusal.RefusedFirstLevel", "invoice", "level"),
	RefusedAlreadyPaused:  messages.Declare("refusal.RefusedAlreadyPaused", "invoice", "reason"),
	RefusedNoReason:       messages.Declare("refusal.RefusedNoReason"),
	RefusedPauseDate:      messages.Declare("refusal.RefusedPauseDate", "until", "today"),
	RefusedNotPaused:      messages.Declare("refusal.RefusedNotPaused", "invoice"),
	RefusedEmptyComment:   messages.Declare("refusal.RefusedEmptyComment"),
	RefusedHeld:           messages.Declare("refusal.RefusedHeld", "invoice", "reason"),
	RefusedAlreadyAsked:   messages.Declare("refusal.RefusedAlreadyAsked", "level", "invoice"),
}

// RefusalMessage returns the refusal code with its parameters as a
// message to render in the reader's language; ok is false for an unknown
// code or a wrong number of parameters.
func RefusalMessage(code string, params []string) (p messages.Problem, ok bool) {
	c, known := refusalMessages[code]
	if !known || len(params) != len(c.Params()) {
		return messages.Problem{}, false
	}
	return messages.Problem{Code: c, Args: append([]string(nil), params...)}, true
}
