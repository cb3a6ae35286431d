// Package messages holds what the other packages tell people as codes with
// parameters, and the catalogs that say each code in French and English.
//
// A package that finds a problem declares its codes once (Declare, with
// the names of the code's parameters) and returns a Problem: an error whose
// Error is the English sentence (for logs and the command line), and which
// a door renders in the reader's language with In. The sentences live in
// catalog/fr.toml and catalog/en.toml (embedded), read with go-i18n; a test
// fails when a declared code lacks a language or when a sentence's
// placeholders are not the code's parameters.
package messages

import (
	"embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// The languages of the catalogs.
const (
	French  = "fr"
	English = "en"
)

// Languages are the languages every code must have, French first.
var Languages = []string{French, English}

// Code names one kind of message; its catalog entries are keyed by it.
type Code string

var (
	mu       sync.RWMutex
	declared = map[Code][]string{}
)

// Declare declares a code and the names of its parameters, in the order
// Code.With takes them; the catalogs refer to them as {{.name}}. It is
// called from package-level variable declarations; declaring a code twice
// is a programming error and panics at start-up.
func Declare(id string, params ...string) Code {
	mu.Lock()
	defer mu.Unlock()
	c := Code(id)
	if _, dup := declared[c]; dup || id == "" {
		panic("messages: code " + id + " declared twice or empty")
	}
	declared[c] = append([]string(nil), params...)
	return c
}

// Codes returns every declared code, sorted.
func Codes() []Code {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Code, 0, len(declared))
	for c := range declared {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Params returns the names of c's parameters, in order (nil for an
// undeclared code).
func (c Code) Params() []string {
	mu.RLock()
	defer mu.RUnlock()
	return append([]string(nil), declared[c]...)
}

// With returns the problem c with its parameters' values, in the order
// given to Declare; each is formatted with fmt.Sprint.
func (c Code) With(args ...any) Problem {
	p := Problem{Code: c, Args: make([]string, len(args))}
	for i, a := range args {
		p.Args[i] = fmt.Sprint(a)
	}
	return p
}

// Problem is a code with its parameters' values. It is an error whose
// message is the English sentence.
type Problem struct {
	Code Code
	Args []string
}

// Named returns the problem's values by parameter name (nil without
// parameters), for a client that says the code in its own words.
func (p Problem) Named() map[string]string {
	names := p.Code.Params()
	if len(names) == 0 {
		return nil
	}
	out := make(map[string]string, len(names))
	for i, n := range names {
		if i < len(p.Args) {
			out[n] = p.Args[i]
		}
	}
	return out
}

// Error returns the problem in English.
func (p Problem) Error() string { return p.In(English) }

// In returns the problem in lang (French or English; another language
// reads French). A code missing from the catalogs shows as the code and its
// values, never as nothing.
func (p Problem) In(lang string) string {
	names := p.Code.Params()
	data := make(map[string]string, len(names))
	for i, n := range names {
		if i < len(p.Args) {
			data[n] = p.Args[i]
		}
	}
	if len(names) == len(p.Args) {
		if s, err := localizer(lang).Localize(&i18n.LocalizeConfig{MessageID: string(p.Code), TemplateData: data}); err == nil {
			return s
		}
	}
	if len(p.Args) == 0 {
		return string(p.Code)
	}
	return string(p.Code) + " (" + strings.Join(p.Args, ", ") + ")"
}

// Of returns the Problem in err's chain, if any.
func Of(err error) (Problem, bool) {
	var p Problem
	if errors.As(err, &p) {
		return p, true
	}
	var pp *Problem
	if errors.As(err, &pp) && pp != nil {
		return *pp, true
	}
	return Problem{}, false
}

// Say returns err in lang: its Problem when it has one, else its text.
func Say(lang string, err error) string {
	if p, ok := Of(err); ok {
		return p.In(lang)
	}
	return err.Error()
}

//go:embed catalog/*.toml
var catalogFiles embed.FS

var (
	loadOnce   sync.Once
	loadErr    error
	localizers map[string]*i18n.Localizer
	catalogs   map[string]map[string]string
)

// load reads the embedded catalogs once. The tests check them (Loaded), so
// a catalog that does not read is caught before it ships; In then falls
// back to the code.
func load() {
	loadOnce.Do(func() {
		bundle := i18n.NewBundle(language.French)
		bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
		localizers = map[string]*i18n.Localizer{}
		catalogs = map[string]map[string]string{}
		for _, lang := range Languages {
			path := "catalog/" + lang + ".toml"
			if _, err := bundle.LoadMessageFileFS(catalogFiles, path); err != nil && loadErr == nil {
				loadErr = fmt.Errorf("messages: load %s: %w", path, err)
			}
			raw := map[string]string{}
			if b, err := catalogFiles.ReadFile(path); err == nil {
				if err := toml.Unmarshal(b, &raw); err != nil && loadErr == nil {
					loadErr = fmt.Errorf("messages: read %s: %w", path, err)
				}
			}
			catalogs[lang] = raw
			localizers[lang] = i18n.NewLocalizer(bundle, lang)
		}
	})
}

// Loaded returns the error met reading the catalogs, if any.
func Loaded() error {
	load()
	return loadErr
}

func localizer(lang string) *i18n.Localizer {
	load()
	if l, ok := localizers[lang]; ok {
		return l
	}
	return localizers[French]
}

// Catalog returns the sentences of lang as written in its catalog file,
// keyed by code, for the tests that check the catalogs against the codes.
func Catalog(lang string) map[Code]string {
	load()
	out := map[Code]string{}
	for k, v := range catalogs[lang] {
		out[Code(k)] = v
	}
	return out
}
