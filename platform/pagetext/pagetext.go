// Package pagetext reads the texts of the web pages and of the customer's
// page from message catalog files: catalog/fr.toml and catalog/en.toml of
// an embedded file system, one key per text, fmt verbs (%s, %d) for its
// arguments. It also checks such catalogs, for the tests of the packages
// that embed them.
//
// Plain TOML rather than go-i18n, which the problems' catalogs use
// (domain/messages): these texts take fmt arguments in order, and go-i18n
// would read each as a template.
package pagetext

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Languages of the catalogs, in the order of a text's pair: French first.
var Languages = [2]string{"fr", "en"}

// read reads catalog/LANG.toml of fsys for both languages.
func read(fsys fs.FS) ([2]map[string]string, error) {
	var texts [2]map[string]string
	for i, lang := range Languages {
		path := "catalog/" + lang + ".toml"
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return texts, fmt.Errorf("read %s: %w", path, err)
		}
		if err := toml.Unmarshal(b, &texts[i]); err != nil {
			return texts, fmt.Errorf("read %s: %w", path, err)
		}
	}
	return texts, nil
}

// Load reads the catalogs of fsys into key -> {French, English}. A key
// that one language lacks reads the other's text, so a page never shows a
// blank.
func Load(fsys fs.FS) (map[string][2]string, error) {
	texts, err := read(fsys)
	if err != nil {
		return nil, err
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

// MustLoad is Load for the embedded catalogs of a package: a catalog that
// does not read is a programming error (its package's test reads it) and
// panics at start-up.
func MustLoad(fsys fs.FS) map[string][2]string {
	m, err := Load(fsys)
	if err != nil {
		panic(err)
	}
	return m
}

// verbs are the fmt verbs of a text.
var verbs = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z]`)

// Problems checks the catalogs of fsys against each other: a key in one
// language and not the other, an empty text (unless mayBeEmpty says the key
// may be empty in both languages), a different number of fmt arguments.
// It returns the French texts' count and one line per problem.
func Problems(fsys fs.FS, mayBeEmpty func(key string) bool) (int, []string, error) {
	texts, err := read(fsys)
	if err != nil {
		return 0, nil, err
	}
	var out []string
	for i := range texts {
		for k := range texts[i] {
			if _, ok := texts[1-i][k]; !ok {
				out = append(out, fmt.Sprintf("%s: in %s.toml, not in %s.toml", k, Languages[i], Languages[1-i]))
			}
		}
	}
	fr, en := texts[0], texts[1]
	for k, f := range fr {
		e, ok := en[k]
		if !ok {
			continue
		}
		if (f == "" || e == "") && !(f == "" && e == "" && mayBeEmpty != nil && mayBeEmpty(k)) {
			out = append(out, fmt.Sprintf("%s: empty text (French %q, English %q)", k, f, e))
		}
		if nf, ne := len(verbs.FindAllString(f, -1)), len(verbs.FindAllString(e, -1)); nf != ne {
			out = append(out, fmt.Sprintf("%s: %d arguments in French, %d in English", k, nf, ne))
		}
	}
	sort.Strings(out)
	return len(fr), out, nil
}

// KeysUsed reads the files matching each glob pattern (tests excluded) and
// returns the keys named literally in them, with the files naming each:
// the first group of the pattern's regexp is the key; a match whose second
// group is not empty is a prefix the code completes ("why."+code) and is
// left out.
func KeysUsed(patterns map[string]*regexp.Regexp) (map[string][]string, error) {
	used := map[string][]string{}
	for glob, re := range patterns {
		files, err := filepath.Glob(glob)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				if len(m) > 2 && m[2] != "" {
					continue
				}
				used[m[1]] = append(used[m[1]], f)
			}
		}
	}
	return used, nil
}

// Missing lists the keys of used that texts lacks, each with the files
// naming it, sorted.
func Missing(used map[string][]string, texts map[string][2]string) []string {
	var out []string
	for k, files := range used {
		if _, ok := texts[k]; !ok {
			out = append(out, k+" ("+strings.Join(files, ", ")+")")
		}
	}
	sort.Strings(out)
	return out
}
