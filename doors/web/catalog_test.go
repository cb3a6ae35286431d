package web

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

// TestCatalogEveryKeyInEveryLanguage fails when a key of the pages'
// catalogs lacks French or English, when a text is empty (only a field's
// hint may be empty, in both languages: the field has none), or when the
// two languages do not take the same number of arguments.
func TestCatalogEveryKeyInEveryLanguage(t *testing.T) {
	t.Parallel()
	checkCatalogs(t, catalogFS)
}

// TestCatalogKeysUsed fails when a key the Go code or the templates name
// literally (tr(lang, "key"), p.T("key"), {{.T "key"}}) is in no catalog.
// Keys built at run time (printf "co.%s.hint") are not checked here.
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
				if len(m) > 2 && m[2] != "" {
					continue // a prefix the code completes: "why."+code
				}
				used[m[1]] = append(used[m[1]], f)
			}
		}
	}
	scan("*.go", regexp.MustCompile(`(?:\btr\(\s*[^,()]+(?:\(\))?,|\.T\()\s*"([^"]+)"(\s*\+)?`))
	scan("templates/*.html", regexp.MustCompile(`\bT "([^"]+)"`))
	if len(used) < 500 {
		t.Fatalf("only %d keys found in the code and templates: the patterns no longer match", len(used))
	}
	t.Logf("%d keys named literally", len(used))
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

// checkCatalogs reads catalog/fr.toml and catalog/en.toml of fsys and
// checks them against each other.
func checkCatalogs(t *testing.T, fsys fs.FS) {
	t.Helper()
	texts := map[string]map[string]string{}
	for _, lang := range []string{langFR, langEN} {
		b, err := fs.ReadFile(fsys, "catalog/"+lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := toml.Unmarshal(b, &m); err != nil {
			t.Fatalf("catalog/%s.toml: %v", lang, err)
		}
		texts[lang] = m
	}
	fr, en := texts[langFR], texts[langEN]
	if len(fr) < 500 {
		t.Fatalf("only %d French texts", len(fr))
	}
	for _, pair := range [][2]string{{langFR, langEN}, {langEN, langFR}} {
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
		if (f == "" || e == "") && !(f == "" && e == "" && strings.HasSuffix(k, ".hint")) {
			t.Errorf("%s: empty text (French %q, English %q)", k, f, e)
		}
		if nf, ne := len(verbs.FindAllString(f, -1)), len(verbs.FindAllString(e, -1)); nf != ne {
			t.Errorf("%s: %d arguments in French, %d in English", k, nf, ne)
		}
	}
	if len(messages) != len(fr) && len(messages) != len(en) {
		t.Errorf("%d texts loaded, %d French, %d English", len(messages), len(fr), len(en))
	}
}
