package web

import (
	"errors"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"go.temporal.io/sdk/temporal"
)

// holdReason says a hold's reason in lang (several joined by "; "), from
// the message catalogs (dunning.Holds).
func holdReason(lang, reason string) string {
	holds := dunning.Holds(reason)
	parts := make([]string, len(holds))
	for i, h := range holds {
		parts[i] = h.In(lang)
	}
	return strings.Join(parts, dunning.HoldSeparator)
}

// refusalReason is the workflow's own reason for a refusal, without the
// wrapping of the client.
func refusalReason(err error) string {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		return ae.Message()
	}
	var re *actions.RefusedError
	if errors.As(err, &re) {
		return re.Reason.Error()
	}
	return err.Error()
}

// refusalShown is a refusal as the operator reads it: in the page's
// language when the workflow gave its code and parameters
// (dunning.Refusal), else the workflow's English reason.
func refusalShown(p *page, err error) string {
	code, params, ok := dunning.RefusalOf(err)
	if !ok {
		return refusalReason(err)
	}
	params = append([]string(nil), params...)
	if _, known := dunning.RefusalMessage(code, params); !known {
		return refusalReason(err)
	}
	switch code {
	case dunning.RefusedEnded:
		params[1] = p.Status(params[1])
	case dunning.RefusedSending, dunning.RefusedAlreadyAsked:
		params[0] = p.Level(params[0])
	case dunning.RefusedFirstLevel:
		params[1] = p.Level(params[1])
	case dunning.RefusedHeld:
		params[1] = holdReason(p.Lang, params[1])
	case dunning.RefusedPauseDate:
		for i, d := range params {
			if day, err := calendar.Parse(d); err == nil {
				params[i] = p.Date(day)
			}
		}
	}
	m, _ := dunning.RefusalMessage(code, params)
	return m.In(p.Lang)
}
