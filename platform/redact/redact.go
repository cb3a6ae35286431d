// Package redact removes personal data (e-mail addresses) from text bound
// for logs, error columns and workflow histories.
package redact

import "regexp"

// emailPattern matches an e-mail address with a domain name (a dot and a
// top-level domain), also inside angle brackets or followed by
// punctuation; "pid@host" worker identities are left alone.
var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

// Placeholder replaces each address.
const Placeholder = "<e-mail>"

// processID is the "pid@host" identity Temporal gives a worker (its
// WorkerID): digits, then a host name without a dot. It is no address.
var processID = regexp.MustCompile(`^[0-9]+@[A-Za-z0-9\-]+$`)

// Emails returns s with every e-mail address replaced by Placeholder. A
// worker identity such as "4242@worker-1" is kept.
func Emails(s string) string {
	return emailPattern.ReplaceAllStringFunc(s, func(m string) string {
		if processID.MatchString(m) {
			return m
		}
		return Placeholder
	})
}
