package portal

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestCatalogEveryKeyInEveryLanguage fails when a key of the page's
// catalogs lacks French or English, when a text is empty, or when the two
// languages do not take the same number of arguments.
func TestCatalogEveryKeyInEveryLanguage(t *testing.T) {
	t.Parallel()
	texts := map[string]map[string]string{}
	for _, lang := range []string{"fr", "en"} {
		b, err := fs.ReadFile(catalogFS, "catalog/"+lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := toml.Unmarshal(b, &m); err != nil {
			t.Fatalf("catalog/%s.toml: %v", lang, err)
		}
		texts[lang] = m
	}
	fr, en := texts["fr"], texts["en"]
	if len(fr) < 50 {
		t.Fatalf("only %d French texts", len(fr))
	}
	for _, pair := range [][2]string{{"fr", "en"}, {"en", "fr"}} {
		for k := range texts[pair[0]] {
			if _, ok := texts[pair[1]][k]; !ok {
				t.Errorf("%s: in %s.toml, not in %s.toml", k, pair[0], pair[1])
			}
		}
	}
	verbs := regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z]`)
	for k, f := range fr {
		e, ok := en[k]
		if !ok {
			continue
		}
		if f == "" || e == "" {
			t.Errorf("%s: empty text (French %q, English %q)", k, f, e)
		}
		if nf, ne := len(verbs.FindAllString(f, -1)), len(verbs.FindAllString(e, -1)); nf != ne {
			t.Errorf("%s: %d arguments in French, %d in English", k, nf, ne)
		}
	}
}

// TestCatalogKeysUsed fails when a key the Go code or the template names
// literally (tr(lang, "key"), {{t $l "key"}}) is in no catalog.
func TestCatalogKeysUsed(t *testing.T) {
	t.Parallel()
	used := map[string][]string{}
	scan := func(pattern string, re *regexp.Regexp) {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				if m[2] != "" {
					continue // a prefix the code completes
				}
				used[m[1]] = append(used[m[1]], f)
			}
		}
	}
	scan("*.go", regexp.MustCompile(`\btr\(\s*[^,()]+,\s*"([^"]+)"(\s*\+)?`))
	scan("templates/*.html", regexp.MustCompile(`\bt \$?[.\w]* "([^"]+)"()`))
	if len(used) < 30 {
		t.Fatalf("only %d keys found in the code and template: the patterns no longer match", len(used))
	}
	var missing []string
	for k, files := range used {
		if _, ok := messages[k]; !ok {
			missing = append(missing, k+" ("+strings.Join(files, ", ")+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("key %s is in no catalog", m)
	}
}
