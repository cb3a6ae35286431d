package dunning

import (
	"errors"
	"strings"

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

// HoldLetterFailed is the hold reason of an invoice whose letter failed
// (SES refused it): letters wait until an operator resumes.
const HoldLetterFailed = "letter failed: fix and resume"

// HoldLetterUnsure is the hold reason of an invoice whose last letter is
// uncertain (its send ended without SES's answer): the invoice does not
// move past it until SES confirms it, shows it never took it (it is sent
// again), or someone decides (docs/exactly-once.md).
const HoldLetterUnsure = "letter to verify: SES has not confirmed it"

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
