package web

import (
	catalog "github.com/relance/relance/domain/messages"
)

// problemIn returns a problem found by another package (a settings check,
// a refusal with its code) in lang, from the message catalogs.
func problemIn(lang string, problem catalog.Problem) string {
	return problem.In(lang)
}

// refusalIn returns a refusal (of the ladder, the status table, the ECB
// rates...) in lang: from the catalogs when the refusing package gave its
// code (messages.Problem), else its text without the store's wrapping.
func refusalIn(lang string, err error) string {
	if p, ok := catalog.Of(err); ok {
		return problemIn(lang, p)
	}
	return refusalText(err)
}
