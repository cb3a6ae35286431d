package portal

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/BurntSushi/toml"
)

//go:embed catalog/*.toml
var catalogFS embed.FS

// messages are the page's texts: key -> {French, English}, read at
// start-up from catalog/fr.toml and catalog/en.toml (fmt verbs such as %s
// take tr's arguments in order).
var messages = mustLoadCatalog(catalogFS)

// mustLoadCatalog reads the embedded catalogs; a catalog that does not
// read is a programming error (a test reads them) and panics at start-up.
func mustLoadCatalog(fsys fs.FS) map[string][2]string {
	m, err := loadCatalog(fsys)
	if err != nil {
		panic(err)
	}
	return m
}

// loadCatalog reads catalog/fr.toml and catalog/en.toml of fsys into
// key -> {French, English}. A key that one language lacks reads the
// other's text, so the page never shows a blank.
func loadCatalog(fsys fs.FS) (map[string][2]string, error) {
	var texts [2]map[string]string
	for i, lang := range [2]string{"fr", "en"} {
		path := "catalog/" + lang + ".toml"
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return nil, fmt.Errorf("portal: read %s: %w", path, err)
		}
		if err := toml.Unmarshal(b, &texts[i]); err != nil {
			return nil, fmt.Errorf("portal: read %s: %w", path, err)
		}
	}
	m := make(map[string][2]string, len(texts[0]))
	for i, own := range texts {
		other := texts[1-i]
		for k, v := range own {
			pair := m[k]
			pair[i] = v
			if _, ok := other[k]; !ok {
				pair[1-i] = v
			}
			m[k] = pair
		}
	}
	return m, nil
}

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
