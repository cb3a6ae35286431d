package web

import (
	"regexp"
	"strings"
	"testing"

	"github.com/relance/relance/platform/pagetext"
)

// TestCatalogEveryKeyInEveryLanguage fails when a key of the pages'
// catalogs lacks French or English, when a text is empty (only a field's
// hint may be empty, in both languages: the field has none), or when the
// two languages do not take the same number of arguments.
func TestCatalogEveryKeyInEveryLanguage(t *testing.T) {
	t.Parallel()
	n, problems, err := pagetext.Problems(catalogFS, func(key string) bool { return strings.HasSuffix(key, ".hint") })
	if err != nil {
		t.Fatal(err)
	}
	if n < 500 {
		t.Fatalf("only %d French texts", n)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if len(messages) != n {
		t.Errorf("%d texts loaded, %d French", len(messages), n)
	}
}

// TestCatalogKeysUsed fails when a key the Go code or the templates name
// literally (tr(lang, "key"), p.T("key"), {{.T "key"}}) is in no catalog.
// Keys built at run time (printf "co.%s.hint") are not checked here.
func TestCatalogKeysUsed(t *testing.T) {
	t.Parallel()
	used, err := pagetext.KeysUsed(map[string]*regexp.Regexp{
		"*.go":             regexp.MustCompile(`(?:\btr\(\s*[^,()]+(?:\(\))?,|\.T\()\s*"([^"]+)"(\s*\+)?`),
		"templates/*.html": regexp.MustCompile(`\bT "([^"]+)"`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 500 {
		t.Fatalf("only %d keys found in the code and templates: the patterns no longer match", len(used))
	}
	t.Logf("%d keys named literally", len(used))
	for _, m := range pagetext.Missing(used, messages) {
		t.Errorf("key %s is in no catalog", m)
	}
}
