package letter

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	"sync"
	texttemplate "text/template"
)

// DefaultLanguage is the language of the letters sent to customers whose
// language has no templates.
const DefaultLanguage = "fr"

// templateFiles holds the letter templates: templates/_*.tmpl are shared by
// every language, templates/<lang>/_*.tmpl by every level of one language,
// and templates/<lang>/<LEVEL>.tmpl is one level (R1, R2, R3, MED...).
// (Named by pattern: embedding the directory would skip the "_" files.)
//
//go:embed templates/*.tmpl templates/*/*.tmpl
var templateFiles embed.FS

// templateBlocks are the blocks each level template must define.
var templateBlocks = []string{
	"subject", // e-mail subject and "Objet" line of the PDF, one line
	"text",    // plain-text e-mail body
	"html",    // HTML e-mail body (html/template: data is escaped)
	"letter",  // PDF paragraphs before the invoice table
	"closing", // PDF paragraphs after the invoice table
}

// levelTemplate is one level in one language, parsed twice: as text for the
// subject, text body and letter, and as HTML for the HTML body.
type levelTemplate struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// templateSet maps language, then level code, to its templates.
type templateSet map[string]map[string]*levelTemplate

var (
	templatesOnce sync.Once
	templates     templateSet
	templatesErr  error
)

// loadTemplates parses the embedded templates on first use.
func loadTemplates() (templateSet, error) {
	templatesOnce.Do(func() {
		templates, templatesErr = parseTemplates(templateFiles, "templates")
	})
	return templates, templatesErr
}

// parseTemplates parses every level of every language found under root.
func parseTemplates(fsys fs.FS, root string) (templateSet, error) {
	shared, err := fs.Glob(fsys, path.Join(root, "_*.tmpl"))
	if err != nil {
		return nil, fmt.Errorf("list letter templates: %w", err)
	}
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, fmt.Errorf("list letter templates: %w", err)
	}
	set := templateSet{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		lang := e.Name()
		files, err := fs.Glob(fsys, path.Join(root, lang, "*.tmpl"))
		if err != nil {
			return nil, fmt.Errorf("list letter templates %s: %w", lang, err)
		}
		common := append([]string(nil), shared...)
		var levels []string
		for _, f := range files {
			if strings.HasPrefix(path.Base(f), "_") {
				common = append(common, f)
			} else {
				levels = append(levels, f)
			}
		}
		set[lang] = map[string]*levelTemplate{}
		for _, f := range levels {
			level := strings.TrimSuffix(path.Base(f), ".tmpl")
			lt, err := parseLevel(fsys, append(common[:len(common):len(common)], f))
			if err != nil {
				return nil, fmt.Errorf("parse letter template %s/%s: %w", lang, level, err)
			}
			set[lang][level] = lt
		}
	}
	if len(set[DefaultLanguage]) == 0 {
		return nil, fmt.Errorf("no letter templates for default language %q", DefaultLanguage)
	}
	return set, nil
}

// parseLevel parses the files of one level, shared blocks first.
func parseLevel(fsys fs.FS, files []string) (*levelTemplate, error) {
	text, err := texttemplate.New("").Funcs(templateFuncs).ParseFS(fsys, files...)
	if err != nil {
		return nil, err
	}
	html, err := htmltemplate.New("").Funcs(templateFuncs).ParseFS(fsys, files...)
	if err != nil {
		return nil, err
	}
	for _, block := range templateBlocks {
		if text.Lookup(block) == nil {
			return nil, fmt.Errorf("missing {{define %q}}", block)
		}
	}
	return &levelTemplate{text: text, html: html}, nil
}

// lookup returns the templates of level for language, falling back to
// DefaultLanguage when language has no templates at all, and the language
// actually used.
func (s templateSet) lookup(language, level string) (*levelTemplate, string, error) {
	lang := normalizeLanguage(language)
	if _, ok := s[lang]; !ok {
		lang = DefaultLanguage
	}
	lt, ok := s[lang][normalizeLevel(level)]
	if !ok {
		return nil, lang, fmt.Errorf("level %q, language %q: %w", level, lang, ErrNoTemplate)
	}
	return lt, lang, nil
}

// normalizeLanguage turns "FR", "fr-FR" or "fr_BE" into "fr".
func normalizeLanguage(language string) string {
	lang := strings.ToLower(strings.TrimSpace(language))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return lang
}

// normalizeLevel turns " r1" into "R1".
func normalizeLevel(level string) string {
	return strings.ToUpper(strings.TrimSpace(level))
}

// HasTemplate reports whether a letter can be composed for level in
// language (or, when language has no templates, in DefaultLanguage). Ladder
// settings can check their levels with it before any letter is due.
func HasTemplate(language, level string) bool {
	set, err := loadTemplates()
	if err != nil {
		return false
	}
	_, _, err = set.lookup(language, level)
	return err == nil
}
