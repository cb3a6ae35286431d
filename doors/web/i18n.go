package web

import (
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/platform/pagetext"
	"github.com/shopspring/decimal"
)

// Languages of the pages: French first, English available.
const (
	langFR = "fr"
	langEN = "en"
)

//go:embed catalog/*.toml
var catalogFS embed.FS

// messages holds every text of the pages: key -> {French, English}, read
// at start-up from catalog/fr.toml and catalog/en.toml (fmt verbs such as
// %s take tr's arguments in order).
var messages = pagetext.MustLoad(catalogFS)

// tr returns the text of key in lang, formatted with args; an unknown key
// shows itself, so a missing text is visible, never a blank.
func tr(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if lang == langEN {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// formatDate shows a day as French finance tools do (23/11/2026), or ISO in
// English.
func formatDate(lang string, d calendar.Date) string {
	if d.IsZero() {
		return "–"
	}
	if lang == langEN {
		return d.String()
	}
	return d.French()
}

func formatTime(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "–"
	}
	t = t.In(loc)
	if lang == langEN {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("02/01/2006 15:04")
}

// formatMoney shows an amount as French finance teams read it (1 234,56 €).
func formatMoney(lang string, d decimal.Decimal, currency string) string {
	if lang != langEN {
		return money.Format(d, currency)
	}
	n := strings.NewReplacer(money.NarrowNBSP, ",", ",", ".").Replace(money.FormatNumber(d))
	return n + "\u00a0" + money.Symbol(currency)
}

// parseDay reads a day typed in a form: 23/11/2026 or 2026-11-23 (the
// browser's date input).
func parseDay(s string) (calendar.Date, error) {
	s = strings.TrimSpace(s)
	if d, err := calendar.Parse(s); err == nil {
		return d, nil
	}
	t, err := time.Parse("02/01/2006", s)
	if err != nil {
		return calendar.Date{}, err
	}
	return calendar.Of(t), nil
}
