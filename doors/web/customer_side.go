package web

import "github.com/relance/relance/domain/settings"

// customerSideMessages are the texts about paying from the letter, the
// customer's page and e-mail delivery, added to messages at start-up:
// key -> {French, English}.
var customerSideMessages = map[string][2]string{
	"adm.company.noiban": {"Pas d'IBAN : les lettres n'auront ni QR code de paiement ni référence RF, et demanderont un chèque ou le moyen convenu.",
		"No IBAN: letters will carry no payment QR code nor RF reference, and ask for a cheque or the means agreed."},
}

func init() {
	for k, v := range customerSideMessages {
		if _, dup := messages[k]; !dup {
			messages[k] = v
		}
	}
}

// settingsWarnings are the flashes of what the saved settings c weaken
// (settings.Warnings), in lang.
func settingsWarnings(c settings.Company, lang string) []flash {
	var out []flash
	for _, w := range settings.Warnings(c) {
		if w.Problem == settings.WarnNoIBAN {
			out = append(out, flash{Error: true, Text: tr(lang, "adm.company.noiban")})
		}
	}
	return out
}
