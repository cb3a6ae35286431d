// Package courtesy writes the two mails that frame the dunning: the
// courtesy reminder a few days before invoices fall due ("before") and the
// thank-you once a reminded invoice is paid ("thanks"). Each has a default
// text per language and customer kind; a company may write its own
// (Template), checked by Validate before it is saved.
package courtesy

import (
	"bytes"
	"errors"
	"html"
	"strconv"
	"strings"
	"text/template"
	"unicode/utf8"
)

// Kinds of courtesy mails.
const (
	Before = "before" // a few days before the due date
	Thanks = "thanks" // once an invoice that had a letter is paid
)

// Customer kinds a Template may be restricted to ("" = every customer).
const (
	KindAny        = ""
	KindBusiness   = "business"
	KindIndividual = "individual"
)

// MaxSize is the largest subject plus body Validate accepts, in bytes.
const MaxSize = 16 << 10

// ErrInvalid is wrapped by the errors of Validate.
var ErrInvalid = errors.New("invalid courtesy template")

// Template is a company's own text of one kind of courtesy mail, in one
// language, for one kind of customer. Subject and Body are Go text
// templates over Data ({{.DueDate}}, {{range .Invoices}}{{.Number}}{{end}}...).
type Template struct {
	Kind         string // Before or Thanks
	Language     string // "fr", "en"
	CustomerKind string // KindAny, KindBusiness or KindIndividual
	Subject      string
	Body         string
}

// Name identifies t in messages: "before/fr", "thanks/en/individual".
func (t Template) Name() string {
	n := t.Kind + "/" + t.Language
	if t.CustomerKind != "" {
		n += "/" + t.CustomerKind
	}
	return n
}

// Company is what a courtesy mail says of its sender.
type Company struct {
	Name      string // legal name
	Email     string // where to write back (reply-to, else the sender address)
	Phone     string
	IBAN      string
	BIC       string
	Signatory string // signatory's name and title, or "" (the template says "Le service comptabilité clients")
}

// Customer is what a courtesy mail says of its recipient.
type Customer struct {
	Name     string
	Contact  string
	Business bool
}

// Invoice is one invoice a courtesy mail names, its amounts and dates
// already formatted in the mail's language.
type Invoice struct {
	Number    string
	IssueDate string
	DueDate   string
	Amount    string
	Balance   string
}

// Data is what a courtesy mail's template reads.
type Data struct {
	Kind      string
	Language  string
	Company   Company
	Customer  Customer
	Invoices  []Invoice
	Total     string // the balances of Invoices (before) or their amounts (thanks)
	DueDate   string // the earliest due date among Invoices
	Days      int    // days until DueDate (before)
	PortalURL string // the customer's page, or ""
}

// Mail is a rendered courtesy mail.
type Mail struct {
	Subject string
	Text    string
	HTML    string
}

// Choose returns the template for kind, language and customer kind:
// the company's own (customer kind first, then KindAny), else the
// default (French when the language has none).
func Choose(own []Template, kind, language, customerKind string) Template {
	language = baseLanguage(language)
	for _, ck := range []string{customerKind, KindAny} {
		for _, t := range own {
			if t.Kind == kind && t.Language == language && t.CustomerKind == ck {
				return t
			}
		}
	}
	return Default(kind, language, customerKind)
}

// Default returns the embedded text of kind in language for customerKind.
func Default(kind, language, customerKind string) Template {
	language = baseLanguage(language)
	if _, ok := defaults[language]; !ok {
		language = "fr"
	}
	if customerKind != KindIndividual {
		customerKind = KindBusiness
	}
	t := defaults[language][kind+"/"+customerKind]
	t.Kind, t.Language = kind, language
	return t
}

func baseLanguage(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	if l == "" {
		return "fr"
	}
	return l
}

// Render writes the mail of t over d: the subject on one line, the body as
// text and as HTML (paragraphs, escaped).
func Render(t Template, d Data) (Mail, error) {
	subj, err := run(t.Name()+" subject", "subject", t.Subject, d)
	if err != nil {
		return Mail{}, err
	}
	body, err := run(t.Name()+" body", "body", t.Body, d)
	if err != nil {
		return Mail{}, err
	}
	subj = strings.Join(strings.Fields(subj), " ")
	body = strings.TrimSpace(body) + "\n"
	return Mail{Subject: subj, Text: body, HTML: toHTML(body, d.PortalURL)}, nil
}

func run(name, part, src string, d Data) (string, error) {
	tp, err := template.New(name).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", engineProblem(part, err)
	}
	var b bytes.Buffer
	if err := tp.Execute(&b, d); err != nil {
		return "", engineProblem(part, err)
	}
	return b.String(), nil
}

// toHTML turns the text body into escaped HTML paragraphs; the portal
// link, when the text shows it, becomes a link.
func toHTML(text, portal string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><body style="font-family:sans-serif;font-size:14px;line-height:1.4">`)
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		p := html.EscapeString(strings.TrimSpace(para))
		if portal != "" {
			esc := html.EscapeString(portal)
			p = strings.ReplaceAll(p, esc, `<a href="`+esc+`">`+esc+`</a>`)
		}
		b.WriteString("<p>" + strings.ReplaceAll(p, "\n", "<br>") + "</p>\n")
	}
	b.WriteString("</body></html>")
	return b.String()
}

// Validate checks that t can be sent: a known kind, language and customer
// kind, a size within MaxSize, valid UTF-8, and a subject and body that
// run on sample data (one and several invoices, business and individual
// customer, with and without a portal link) without error, the subject
// not empty.
func Validate(t Template) error {
	switch {
	case t.Kind != Before && t.Kind != Thanks:
		return invalid(BadKind.With(strconv.Quote(t.Kind)))
	case t.Language != baseLanguage(t.Language) || len(t.Language) < 2 || len(t.Language) > 3:
		return invalid(BadLanguage.With(strconv.Quote(t.Language)))
	case t.CustomerKind != KindAny && t.CustomerKind != KindBusiness && t.CustomerKind != KindIndividual:
		return invalid(BadCustomerKind.With(strconv.Quote(t.CustomerKind)))
	case len(t.Subject)+len(t.Body) > MaxSize:
		return invalid(TooLong.With(MaxSize >> 10))
	case !utf8.ValidString(t.Subject) || !utf8.ValidString(t.Body):
		return invalid(NotUTF8.With())
	case strings.TrimSpace(t.Body) == "":
		return invalid(EmptyBody.With())
	}
	for _, d := range samples(t.Kind) {
		m, err := Render(t, d)
		if err != nil {
			return err
		}
		if m.Subject == "" {
			return invalid(EmptySubject.With())
		}
	}
	return nil
}

// Sample is the data Validate and the settings' preview run a template on.
func Sample(kind string) Data { return samples(kind)[0] }

func samples(kind string) []Data {
	one := Data{
		Kind: kind, Language: "fr",
		Company:  Company{Name: "ACME SAS", Email: "compta@acme.example", Phone: "01 23 45 67 89", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP882"},
		Customer: Customer{Name: "Bistrot du Port", Contact: "M. Martin", Business: true},
		Invoices: []Invoice{{Number: "FA2026-0042", IssueDate: "07/11/2026", DueDate: "07/12/2026", Amount: "1 200,50 €", Balance: "1 200,50 €"}},
		Total:    "1 200,50 €", DueDate: "07/12/2026", Days: 5, PortalURL: "https://relance.example/p/token",
	}
	many := one
	many.Company.Signatory, many.Customer = "Jeanne Dupont, responsable comptable", Customer{Name: "Jean Petit"}
	many.Invoices = append([]Invoice{}, one.Invoices[0], Invoice{Number: "FA2026-0043", IssueDate: "08/11/2026", DueDate: "08/12/2026", Amount: "99,00 €", Balance: "99,00 €"})
	many.Total, many.PortalURL, many.Company.IBAN, many.Company.Email = "1 299,50 €", "", "", ""
	return []Data{one, many}
}
