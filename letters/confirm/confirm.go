// Package confirm finds out whether SES accepted a letter whose send ended
// without an answer (an "uncertain" letter: the worker died, or the
// connection was cut, between the claim and SES's answer).
//
// Every letter is sent with its reference as an SES message tag
// (mail.TagLetter) and printed in its PDF (the document's Subject). In
// production SES publishes the events of each message (a configuration
// set with an SNS destination): SNSHandler verifies and records them, and
// Events answers from what was recorded. In development and tests the
// SES emulator keeps what it accepted: EmulatorStore reads its GET /store
// and matches the reference carried by each stored PDF.
package confirm

import (
	"context"
	"time"
)

// Verdict is what SES says about a letter.
type Verdict string

// Verdicts.
const (
	// Unknown: nothing says yet whether SES accepted it.
	Unknown Verdict = "unknown"
	// Accepted: SES accepted the letter (it went out).
	Accepted Verdict = "accepted"
	// NeverAccepted: SES did not accept it (it refused it, or the waiting
	// period passed without any trace of it): sending it again cannot make
	// a duplicate.
	NeverAccepted Verdict = "never_accepted"
)

// Finding is a Checker's answer about one letter.
type Finding struct {
	Verdict Verdict
	// At is when SES accepted it (Accepted), when known.
	At time.Time
	// MessageID is SES's message ID (Accepted), when known.
	MessageID string
	// Detail says what was found, for the letter's record (no address).
	Detail string
}

// Checker answers whether SES accepted the letter with reference, claimed
// for sending at since.
type Checker interface {
	Check(ctx context.Context, reference string, since time.Time) (Finding, error)
}
