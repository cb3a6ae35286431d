package web

import (
	"errors"
	"fmt"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
)

// TestRefusalShown: a workflow's refusal reads in the operator's language,
// levels, outcomes and dates included; a refusal without a known code or
// with the wrong parameters falls back to the workflow's English reason.
func TestRefusalShown(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { // as actions.Ops.Act returns it
		return fmt.Errorf("skip FA0001 of DEMO: %w", &actions.RefusedError{Reason: err})
	}
	tests := []struct {
		name, lang string
		err        error
		want       string
	}{
		{"paused", langFR, dunning.Refusal(dunning.RefusedPausedSkip, "invoice FA0001 is paused (litige): resume it before skipping a level", "FA0001", "litige"),
			"la facture FA0001 est en pause (litige) : reprenez-la avant de passer un niveau"},
		{"paused in English", langEN, dunning.Refusal(dunning.RefusedPausedSkip, "x", "FA0001", "dispute"),
			"invoice FA0001 is paused (dispute): resume it before skipping a level"},
		{"level named", langFR, dunning.Refusal(dunning.RefusedAlreadyAsked, "x", "R2", "FA0001"),
			"la lettre « Relance 2 » de la facture FA0001 est déjà demandée : elle part dans quelques minutes"},
		{"ladder's own level", langFR, dunning.Refusal(dunning.RefusedFirstLevel, "x", "FA0001", "AMI"),
			"la facture FA0001 est au premier niveau (Rappel amical) : il n'y a pas de niveau précédent"},
		{"outcome", langFR, dunning.Refusal(dunning.RefusedEnded, "x", "FA0001", "paid"),
			"la relance de la facture FA0001 est terminée (Soldée)"},
		{"dates", langFR, dunning.Refusal(dunning.RefusedPauseDate, "x", "2026-11-20", "2026-11-24"),
			"la fin de la pause (" + formatDate(langFR, mustDate(t, "2026-11-20")) + ") doit être après aujourd'hui (" + formatDate(langFR, mustDate(t, "2026-11-24")) + ")"},
		{"hold reasons", langFR, dunning.Refusal(dunning.RefusedHeld, "x", "FA0001", "customer is marked do-not-remind; invoice status Litige"),
			"la facture FA0001 est bloquée (client marqué « ne pas relancer »; statut de la facture « Litige ») : aucune lettre ne peut partir"},
		{"hold reason unknown", langEN, dunning.Refusal(dunning.RefusedHeld, "x", "FA0001", "something else"),
			"invoice FA0001 is held (something else): no letter can go out"},
		{"no parameter", langFR, dunning.Refusal(dunning.RefusedEmptyComment, "comment is empty"), "le commentaire est vide"},
		{"unknown code", langFR, dunning.Refusal("RefusedSomethingNew", "something new"), "something new"},
		{"parameters missing", langFR, dunning.Refusal(dunning.RefusedHeld, "invoice FA0001 is held", "FA0001"), "invoice FA0001 is held"},
		{"plain error", langFR, errors.New("dunning of FA0001 has ended (paid)"), "dunning of FA0001 has ended (paid)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &page{Lang: tt.lang, levels: map[string]string{"AMI": "Rappel amical"}}
			if got := refusalShown(p, wrap(tt.err)); got != tt.want {
				t.Errorf("refusalShown = %q\nwant            %q", got, tt.want)
			}
		})
	}
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
