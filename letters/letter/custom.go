package letter

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
)

// Customer kinds a Template may be restricted to.
const (
	KindAny        = ""           // every customer
	KindBusiness   = "business"   // Recipient.Business
	KindIndividual = "individual" // !Recipient.Business
)

// MaxTemplateSize is the largest Source ValidateTemplate accepts, in bytes.
const MaxTemplateSize = 64 << 10

// Template is a company's own version of a level's letter, stored in the
// database and edited without recompiling. It replaces the embedded
// default of the same level and language (see ComposeWith).
//
// Source holds the same five blocks as the embedded files
// (letter/templates/<lang>/<LEVEL>.tmpl, printed by DefaultSource):
// {{define "subject"}}, "text", "html", "letter" and "closing". It may call
// the shared blocks of its language ({{template "salutation" .}},
// "deadline", "bank", "fees", "text_invoices", "html_invoices",
// "html_head", "html_foot"...) and redefine them for itself.
type Template struct {
	Level          string // level code: R1, R2, R3, MED...
	Language       string // "fr", "en"...
	CustomerKind   string // KindAny, KindBusiness or KindIndividual
	MinDaysOverdue int    // used only when the letter's most overdue invoice is at least this late
	Source         string
}

// Normalized returns t with its level in capitals ("R2"), its language
// reduced to the base code ("fr" for "FR-be") and its kind in lower case:
// the form templates are stored and matched in.
func (t Template) Normalized() Template {
	t.Level = normalizeLevel(t.Level)
	t.Language = normalizeLanguage(t.Language)
	t.CustomerKind = strings.ToLower(strings.TrimSpace(t.CustomerKind))
	return t
}

// Name identifies t in messages: "R2/fr", "R2/fr/business",
// "R2/fr/business/60+ days".
func (t Template) Name() string {
	t = t.Normalized()
	name := t.Level + "/" + t.Language
	if t.CustomerKind != "" {
		name += "/" + t.CustomerKind
	}
	if t.MinDaysOverdue > 0 {
		name += fmt.Sprintf("/%d+ days", t.MinDaysOverdue)
	}
	return name
}

var (
	validLevel    = regexp.MustCompile(`^[A-Z0-9_-]{1,16}$`)
	validLanguage = regexp.MustCompile(`^[a-z]{2,3}$`)
)

// ValidateTemplate checks that t can be sent: its level, language, kind and
// minimum days are well-formed, its source parses with the letter
// functions, defines the five blocks, refers only to fields and methods
// that exist (checked on every branch, taken or not), and every block runs
// without error (missingkey=error) on several variants of SampleData
// (business and individual customer, one and many invoices, with and
// without deadline, phone, e-mail, IBAN...). The subject must not be empty.
//
// The error names the template, the block, the line and the field, e.g.
//
//	template R2/fr: "text" line 3: unknown field .Customer.Nmae
//
// A template accepted here does not fail in ComposeWith.
func ValidateTemplate(t Template) error {
	t = t.Normalized()
	name := t.Name()
	if !validLevel.MatchString(t.Level) {
		return TemplateLevel.With(name, strconv.Quote(t.Level))
	}
	if !validLanguage.MatchString(t.Language) {
		return TemplateLanguage.With(name, strconv.Quote(t.Language))
	}
	switch t.CustomerKind {
	case KindAny, KindBusiness, KindIndividual:
	default:
		return TemplateKind.With(name, strconv.Quote(t.CustomerKind), strconv.Quote(KindBusiness), strconv.Quote(KindIndividual))
	}
	if t.MinDaysOverdue < 0 {
		return TemplateMinDays.With(name, t.MinDaysOverdue)
	}
	if strings.TrimSpace(t.Source) == "" {
		return TemplateEmpty.With(name)
	}
	if len(t.Source) > MaxTemplateSize {
		return TemplateSize.With(name, len(t.Source), MaxTemplateSize)
	}
	lt, err := parseCustom(t)
	if err != nil {
		return err
	}
	if err := checkFields(lt.text, name); err != nil {
		return err
	}
	for i, d := range validationData(t) {
		c, err := fill(lt, d, name)
		if err != nil {
			return err
		}
		if i == 0 && c.Subject == "" {
			return TemplateNoSubject.With(name)
		}
	}
	return nil
}

// SelectTemplate returns the custom template a letter of level in language
// uses for a customer of kind (KindBusiness, KindIndividual, or KindAny when
// unknown: only templates for every customer then match) whose most overdue
// invoice is daysOverdue days late, and whether there is one. Among the
// templates of that level and language, those for the customer's kind come
// before those for every customer; then the largest MinDaysOverdue not
// above daysOverdue wins.
func SelectTemplate(custom []Template, level, language, kind string, daysOverdue int) (Template, bool) {
	level, language = normalizeLevel(level), normalizeLanguage(language)
	kind = strings.ToLower(strings.TrimSpace(kind))
	var best Template
	found := false
	better := func(a, b Template) bool { // a more specific than b
		if (a.CustomerKind != "") != (b.CustomerKind != "") {
			return a.CustomerKind != ""
		}
		return a.MinDaysOverdue > b.MinDaysOverdue
	}
	for _, t := range custom {
		t = t.Normalized()
		if t.Level != level || t.Language != language || t.MinDaysOverdue > daysOverdue {
			continue
		}
		if t.CustomerKind != KindAny && t.CustomerKind != kind {
			continue
		}
		if !found || better(t, best) {
			best, found = t, true
		}
	}
	return best, found
}

// ComposeWith is Compose with a company's custom templates: it fills the
// most specific template of custom that matches d (see SelectTemplate: the
// level, d's language, the recipient's kind, the largest DaysOverdue of
// d.Lines), or the embedded default when none does. A customer language
// that has neither a custom nor an embedded template falls back to
// DefaultLanguage, as in Compose.
//
// A custom template that fails here (it was not saved through
// ValidateTemplate, or the code changed since) is an error naming it: the
// letter the company wrote is never silently replaced by another one.
func ComposeWith(d Data, custom []Template) (Content, error) {
	if len(custom) == 0 {
		return Compose(d)
	}
	if len(d.Lines) == 0 {
		return Content{}, fmt.Errorf("compose letter %s: no invoice lines", d.Reference)
	}
	kind := KindIndividual
	if d.Recipient.Business {
		kind = KindBusiness
	}
	days := 0
	for _, l := range d.Lines {
		days = max(days, l.DaysOverdue)
	}
	lang := normalizeLanguage(d.Language)
	t, ok := SelectTemplate(custom, d.LevelCode, lang, kind, days)
	if !ok && !embeddedLanguage(lang) {
		t, ok = SelectTemplate(custom, d.LevelCode, DefaultLanguage, kind, days)
	}
	if !ok {
		return Compose(d)
	}
	lt, err := parseCustom(t)
	if err != nil {
		return Content{}, fmt.Errorf("compose letter %s: %w", d.Reference, err)
	}
	d.Language = t.Language
	d.Currency = currencyOrDefault(d.Currency)
	c, err := fill(lt, d, t.Name())
	if err != nil {
		return Content{}, fmt.Errorf("compose letter %s: %w", d.Reference, err)
	}
	return c, nil
}

// DefaultSource returns the source of the embedded template of level in
// language (falling back to DefaultLanguage for a language without
// templates, as Compose does) and the language used: the starting point
// for a custom Template. It fails with ErrNoTemplate for an unknown level.
func DefaultSource(language, level string) (string, string, error) {
	set, err := loadTemplates()
	if err != nil {
		return "", "", err
	}
	_, language, err = set.lookup(language, level)
	if err != nil {
		return "", language, err
	}
	b, err := fs.ReadFile(templateFiles, path.Join("templates", language, normalizeLevel(level)+".tmpl"))
	if err != nil {
		return "", language, fmt.Errorf("level %q, language %q: %w", level, language, ErrNoTemplate)
	}
	return string(b), language, nil
}

// SharedSource returns the blocks every template of language may call
// ({{template "salutation" .}}...): the shared files of all languages and
// of this one, concatenated.
func SharedSource(language string) (string, error) {
	var b strings.Builder
	for _, f := range sharedFiles(normalizeLanguage(language)) {
		src, err := fs.ReadFile(templateFiles, f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "{{/* ---- %s ---- */}}\n%s\n", strings.TrimPrefix(f, "templates/"), src)
	}
	return b.String(), nil
}

// embeddedLanguage reports whether lang has embedded templates.
func embeddedLanguage(lang string) bool {
	set, err := loadTemplates()
	return err == nil && len(set[lang]) > 0
}

// sharedFiles lists the embedded files whose blocks the templates of lang
// can call: templates/_*.tmpl, then templates/<lang>/_*.tmpl.
func sharedFiles(lang string) []string {
	files, _ := fs.Glob(templateFiles, "templates/_*.tmpl")
	if validLanguage.MatchString(lang) {
		own, _ := fs.Glob(templateFiles, path.Join("templates", lang, "_*.tmpl"))
		files = append(files, own...)
	}
	return files
}

// parseCustom parses t's source after the shared blocks of its language,
// as text and as HTML, and checks that the five blocks are there.
func parseCustom(t Template) (*levelTemplate, error) {
	t = t.Normalized()
	name := t.Name()
	files := sharedFiles(t.Language)
	text := texttemplate.New(name).Funcs(templateFuncs).Option("missingkey=error")
	html := htmltemplate.New(name).Funcs(templateFuncs).Option("missingkey=error")
	if len(files) > 0 {
		if _, err := text.ParseFS(templateFiles, files...); err != nil {
			return nil, fmt.Errorf("template %s: shared blocks: %w", name, err)
		}
		if _, err := html.ParseFS(templateFiles, files...); err != nil {
			return nil, fmt.Errorf("template %s: shared blocks: %w", name, err)
		}
	}
	if _, err := text.Parse(t.Source); err != nil {
		return nil, templateError(name, "", err)
	}
	if _, err := html.Parse(t.Source); err != nil {
		return nil, templateError(name, "", err)
	}
	var missing []string
	for _, block := range templateBlocks {
		if text.Lookup(block) == nil {
			missing = append(missing, fmt.Sprintf("{{define %q}}", block))
		}
	}
	if len(missing) > 0 {
		return nil, TemplateMissing.With(name, strings.Join(missing, ", "), strings.Join(templateBlocks, ", "))
	}
	return &levelTemplate{text: text, html: html}, nil
}

// fill executes the blocks of lt on d (language and currency already
// settled) and shapes the result as Compose does.
func fill(lt *levelTemplate, d Data, name string) (Content, error) {
	d.Lines = sortedLines(d.Lines)
	var parts [4]string
	for i, block := range []string{"subject", "text", "letter", "closing"} {
		var b bytes.Buffer
		if err := lt.text.ExecuteTemplate(&b, block, d); err != nil {
			return Content{}, templateError(name, block, err)
		}
		parts[i] = b.String()
	}
	if lt.text.Lookup("text_pay") != nil {
		var b bytes.Buffer
		if err := lt.text.ExecuteTemplate(&b, "text_pay", d); err != nil {
			return Content{}, templateError(name, "text_pay", err)
		}
		if pay := strings.TrimSpace(b.String()); pay != "" {
			parts[1] += "\n\n" + pay + "\n"
		}
	}
	var html bytes.Buffer
	if err := lt.html.ExecuteTemplate(&html, "html", d); err != nil {
		return Content{}, templateError(name, "html", err)
	}
	return WithBrokenPromise(Content{
		Subject:    strings.Join(strings.Fields(parts[0]), " "),
		Text:       tidyText(parts[1]),
		HTML:       strings.TrimSpace(html.String()) + "\n",
		Paragraphs: splitParagraphs(parts[2]),
		Closing:    splitParagraphs(parts[3]),
	}, d), nil
}

// validationData returns the letters ValidateTemplate runs t on: enough
// variants of SampleData that every usual branch (kind of customer, one or
// many invoices, deadline or not, missing contact details) is taken.
func validationData(t Template) []Data {
	set := func(d Data) Data {
		d.Language, d.LevelCode, d.LevelLabel = t.Language, t.Level, t.Level
		for i := range d.Lines {
			d.Lines[i].Level = t.Level
			d.Lines[i].DaysOverdue += t.MinDaysOverdue
		}
		return d
	}
	// Fees are claimed from business customers only: the business and many
	// variants carry them (unless the template is for individuals), the
	// others have none, so that both sides of {{with .Fees}} run.
	business := SampleData(1)
	business.Recipient.Business = t.CustomerKind != KindIndividual
	if business.Recipient.Business {
		business.Fees = SampleFees(business)
	}

	bare := SampleData(3) // nothing optional filled in
	bare.Recipient = Recipient{Name: bare.Recipient.Name, Business: t.CustomerKind == KindBusiness}
	bare.Company = Company{LegalName: bare.Company.LegalName}
	bare.Deadline = Data{}.Deadline
	bare.Reference = ""
	bare.Currency = "EUR"
	bare.Lines[1].DaysOverdue = 0

	many := SampleData(25)
	many.Recipient.Business = t.CustomerKind != KindIndividual
	many.Company.Phone, many.Company.BIC = "", ""
	many.Recipient.Contact = ""
	if many.Recipient.Business {
		many.Fees = SampleFees(many)
	}

	phoneOnly := SampleData(2)
	phoneOnly.Recipient.Business = t.CustomerKind == KindBusiness
	phoneOnly.Company.Email, phoneOnly.Company.IBAN = "", ""
	phoneOnly.Currency = "USD"

	return []Data{set(business), set(bare), set(many), set(phoneOnly)}
}

// templateError rewrites an error of the template engine as
// `template NAME: "BLOCK" line N: WHAT`, WHAT naming the field at fault
// (ReadEngineError); WHAT stays in the engine's words.
func templateError(name, block string, err error) error {
	where := func(file string, line int, inner string) string {
		b := block
		if inner != "" {
			b = inner
		}
		s := ""
		if b != "" {
			s = strconv.Quote(b) + " "
		}
		if file != name {
			s += "(shared block in " + file + ") "
		}
		return s + "line " + strconv.Itoa(line)
	}
	msg := err.Error()
	f, ok := ReadEngineError(err)
	switch {
	case ok && f.Node != "":
		what := f.Node + ": " + f.What
		switch {
		case strings.HasPrefix(f.What, "can't evaluate field"):
			what = "unknown field " + f.Node
		case strings.HasPrefix(f.What, "map has no entry for key"):
			what = "unknown key " + f.Node
		}
		inner := f.Executing
		if inner == name {
			inner = ""
		}
		return TemplateFault.With(name, where(f.Template, f.Line, inner)+": "+what)
	case ok:
		return TemplateFault.With(name, where(f.Template, f.Line, "")+": "+f.What)
	case block != "":
		return TemplateFault.With(name, strconv.Quote(block)+": "+strings.TrimPrefix(msg, "template: "))
	}
	return TemplateFault.With(name, strings.TrimPrefix(msg, "template: "))
}

// checkFields walks the five blocks of set (and the blocks they call) with
// the types the data will have, and reports the first field or method that
// does not exist, on every branch whether the sample data takes it or not.
// Where the type of dot cannot be known (a variable, a function result of
// interface type), the check stops and execution on the sample data has
// the last word.
func checkFields(set *texttemplate.Template, name string) error {
	c := fieldChecker{set: set, name: name, seen: map[string]bool{}}
	for _, block := range templateBlocks {
		c.block = block
		if err := c.template(block, dataType); err != nil {
			return err
		}
	}
	return nil
}

var dataType = reflect.TypeOf(Data{})

type fieldChecker struct {
	set   *texttemplate.Template
	name  string
	block string          // top-level block being checked
	seen  map[string]bool // template name + dot type already walked
}

func (c *fieldChecker) template(name string, dot reflect.Type) error {
	key := name + "\x00" + fmt.Sprint(dot)
	if c.seen[key] {
		return nil
	}
	c.seen[key] = true
	t := c.set.Lookup(name)
	if t == nil || t.Tree == nil || t.Tree.Root == nil {
		return nil
	}
	return c.node(t.Tree, t.Tree.Root, dot)
}

func (c *fieldChecker) node(tree *parse.Tree, n parse.Node, dot reflect.Type) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, child := range n.Nodes {
			if err := c.node(tree, child, dot); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		_, err := c.pipe(tree, n.Pipe, dot)
		return err
	case *parse.IfNode:
		return c.branch(tree, &n.BranchNode, dot, func(reflect.Type) reflect.Type { return dot })
	case *parse.WithNode:
		return c.branch(tree, &n.BranchNode, dot, func(t reflect.Type) reflect.Type { return t })
	case *parse.RangeNode:
		return c.branch(tree, &n.BranchNode, dot, elemType)
	case *parse.TemplateNode:
		arg := dot
		if n.Pipe == nil {
			arg = nil
		} else {
			t, err := c.pipe(tree, n.Pipe, dot)
			if err != nil {
				return err
			}
			arg = t
		}
		if arg != nil {
			return c.template(n.Name, arg)
		}
	}
	return nil
}

// branch checks an if, with or range: the pipeline with dot, the body with
// inner(type of the pipeline), the else part with dot.
func (c *fieldChecker) branch(tree *parse.Tree, b *parse.BranchNode, dot reflect.Type, inner func(reflect.Type) reflect.Type) error {
	t, err := c.pipe(tree, b.Pipe, dot)
	if err != nil {
		return err
	}
	var in reflect.Type
	if t != nil {
		in = inner(t)
	}
	if err := c.node(tree, b.List, in); err != nil {
		return err
	}
	return c.node(tree, b.ElseList, dot)
}

// pipe checks the fields of a pipeline and returns its type when known.
func (c *fieldChecker) pipe(tree *parse.Tree, p *parse.PipeNode, dot reflect.Type) (reflect.Type, error) {
	if p == nil {
		return nil, nil
	}
	var last reflect.Type
	for _, cmd := range p.Cmds {
		last = nil
		for i, arg := range cmd.Args {
			t, err := c.arg(tree, arg, dot)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				last = t
			}
		}
		if len(cmd.Args) > 0 {
			if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
				last = funcResult(id.Ident)
			} else if len(cmd.Args) > 1 {
				last = nil // a method called with arguments: leave it to execution
			}
		}
	}
	return last, nil
}

// arg checks one operand and returns its type when known.
func (c *fieldChecker) arg(tree *parse.Tree, n parse.Node, dot reflect.Type) (reflect.Type, error) {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot, nil
	case *parse.FieldNode:
		return c.fields(tree, n, dot, n.Ident, n.String())
	case *parse.VariableNode:
		if len(n.Ident) > 0 && n.Ident[0] == "$" {
			return c.fields(tree, n, dataType, n.Ident[1:], n.String())
		}
		return nil, nil
	case *parse.ChainNode:
		t, err := c.arg(tree, n.Node, dot)
		if err != nil || t == nil {
			return nil, err
		}
		return c.fields(tree, n, t, n.Field, n.String())
	case *parse.PipeNode:
		return c.pipe(tree, n, dot)
	case *parse.StringNode:
		return reflect.TypeOf(""), nil
	}
	return nil, nil
}

// fields follows names from t and fails on the first that t lacks.
func (c *fieldChecker) fields(tree *parse.Tree, n parse.Node, t reflect.Type, names []string, text string) (reflect.Type, error) {
	for _, f := range names {
		if t == nil {
			return nil, nil
		}
		next, known, ok := member(t, f)
		if !ok {
			loc, _ := tree.ErrorContext(n)
			line := "?"
			if parts := strings.Split(loc, ":"); len(parts) >= 3 {
				line = parts[len(parts)-2]
			}
			block := strconv.Quote(c.block)
			if tree.Name != c.block && tree.Name != c.name {
				block = fmt.Sprintf("%q (called from %q)", tree.Name, c.block)
			}
			return nil, TemplateUnknownField.With(c.name, block, line, text, t, f)
		}
		if !known {
			return nil, nil
		}
		t = next
	}
	return t, nil
}

// member returns the type of field or method f of t; known is false when t
// cannot be inspected (interface, map), ok false when f does not exist.
func member(t reflect.Type, f string) (next reflect.Type, known, ok bool) {
	if m, found := t.MethodByName(f); found {
		return resultType(m.Type), true, true
	}
	if t.Kind() != reflect.Pointer {
		if m, found := reflect.PointerTo(t).MethodByName(f); found {
			return resultType(m.Type), true, true
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		sf, found := t.FieldByName(f)
		if !found || !sf.IsExported() {
			return nil, true, false
		}
		return sf.Type, true, true
	case reflect.Interface, reflect.Map:
		return nil, false, true
	}
	return nil, true, false
}

func resultType(m reflect.Type) reflect.Type {
	if m.NumOut() == 0 {
		return nil
	}
	return m.Out(0)
}

// funcResult returns the result type of a template function.
func funcResult(name string) reflect.Type {
	f, ok := templateFuncs[name]
	if !ok {
		return nil
	}
	return resultType(reflect.TypeOf(f))
}

// elemType returns the type of dot inside {{range}} over t.
func elemType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
		return t.Elem()
	case reflect.Int:
		return t
	}
	return nil
}
