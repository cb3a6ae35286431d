package portal

import (
	"embed"
	"fmt"

	"github.com/relance/relance/platform/pagetext"
)

//go:embed catalog/*.toml
var catalogFS embed.FS

// messages are the page's texts: key -> {French, English}, read at
// start-up from catalog/fr.toml and catalog/en.toml (fmt verbs such as %s
// take tr's arguments in order).
var messages = pagetext.MustLoad(catalogFS)

// tr returns the text of key in lang, formatted with args.
func tr(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if lang == "en" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
