package portal

import (
	"regexp"
	"testing"

	"github.com/relance/relance/platform/pagetext"
)

// TestCatalogEveryKeyInEveryLanguage fails when a key of the page's
// catalogs lacks French or English, when a text is empty, or when the two
// languages do not take the same number of arguments.
func TestCatalogEveryKeyInEveryLanguage(t *testing.T) {
	t.Parallel()
	n, problems, err := pagetext.Problems(catalogFS, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d French texts", n)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestCatalogKeysUsed fails when a key the Go code or the template names
// literally (tr(lang, "key"), {{t $l "key"}}) is in no catalog.
func TestCatalogKeysUsed(t *testing.T) {
	t.Parallel()
	used, err := pagetext.KeysUsed(map[string]*regexp.Regexp{
		"*.go":             regexp.MustCompile(`\btr\(\s*[^,()]+,\s*"([^"]+)"(\s*\+)?`),
		"templates/*.html": regexp.MustCompile(`\bt \$?[.\w]* "([^"]+)"()`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 30 {
		t.Fatalf("only %d keys found in the code and template: the patterns no longer match", len(used))
	}
	for _, m := range pagetext.Missing(used, messages) {
		t.Errorf("key %s is in no catalog", m)
	}
}
