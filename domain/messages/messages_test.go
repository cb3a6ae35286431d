package messages_test

import (
	"errors"
	"fmt"
	"sort"
	"testing"
	"text/template/parse"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/csvimport"
	"github.com/relance/relance/ledger/facturx"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/courtesy"
	"github.com/relance/relance/letters/letter"
)

// The packages that declare codes, so that Codes lists them all: a
// package that declares codes is added here.
var _ = []messages.Code{settings.NotIBAN, money.Empty, facturx.NotPDF, courtesy.BadKind, dunning.HeldOther, ladder.NoLevel, store.StatusHeld, csvimport.DueDate, letter.TemplateFault}

// TestEveryCodeInEveryLanguage fails when a declared code has no sentence
// in French or in English, or when a catalog holds a code nobody declares.
func TestEveryCodeInEveryLanguage(t *testing.T) {
	t.Parallel()
	if err := messages.Loaded(); err != nil {
		t.Fatal(err)
	}
	codes := messages.Codes()
	if len(codes) < 90 {
		t.Fatalf("only %d codes declared", len(codes))
	}
	declared := map[messages.Code]bool{}
	for _, c := range codes {
		declared[c] = true
	}
	for _, lang := range messages.Languages {
		cat := messages.Catalog(lang)
		for _, c := range codes {
			if _, ok := cat[c]; !ok {
				t.Errorf("%s: no %s sentence", c, lang)
			}
		}
		for c := range cat {
			if !declared[c] {
				t.Errorf("%s catalog: %s is declared by no package", lang, c)
			}
		}
	}
}

// TestPlaceholdersAreParameters fails when a sentence uses a placeholder
// that is not one of its code's parameters or leaves a parameter out.
func TestPlaceholdersAreParameters(t *testing.T) {
	t.Parallel()
	for _, lang := range messages.Languages {
		for c, text := range messages.Catalog(lang) {
			got, err := placeholders(text)
			if err != nil {
				t.Errorf("%s %s: %v", lang, c, err)
				continue
			}
			want := append([]string(nil), c.Params()...)
			sort.Strings(want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s %s: placeholders %v, parameters %v", lang, c, got, want)
			}
		}
	}
}

// placeholders returns the sorted names of the fields a sentence uses
// ({{.name}}), each once.
func placeholders(text string) ([]string, error) {
	trees, err := parse.Parse("m", text, "{{", "}}")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			seen[n.Ident[0]] = true
		}
	}
	walk(trees["m"].Root)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

func TestProblemIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    messages.Problem
		lang string
		want string
	}{
		{"English", settings.IBANLength.With(25, "FR", 27), messages.English, "has 25 characters: an IBAN of FR has 27"},
		{"French", settings.IBANLength.With(25, "FR", 27), messages.French, "25 caractères : un IBAN FR en a 27"},
		{"no parameter", settings.NotSIRET.With(), messages.French, "n'est pas un SIRET : 14 chiffres"},
		{"other language reads French", settings.NotSIRET.With(), "de", "n'est pas un SIRET : 14 chiffres"},
		{"hold", dunning.HeldCustomerStatus.With("Litige"), messages.French, "statut du client « Litige »"},
		{"wrong count shows the code", settings.IBANLength.With(25), messages.French, "settings.iban.length (25)"},
		{"undeclared code", messages.Code("nowhere").With("x"), messages.English, "nowhere (x)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.In(tt.lang); got != tt.want {
				t.Errorf("In(%s) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestOfFindsWrappedProblem(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("save status X of DEMO: %w: %w", store.ErrInvalid, store.StatusLabelRequired.With("X"))
	p, ok := messages.Of(err)
	if !ok || p.Code != store.StatusLabelRequired {
		t.Fatalf("Of = %v, %v", p, ok)
	}
	if !errors.Is(err, store.ErrInvalid) {
		t.Error("ErrInvalid lost")
	}
	if got := messages.Say(messages.French, err); got != "statut X : la désignation est obligatoire" {
		t.Errorf("Say = %q", got)
	}
	if got := messages.Say(messages.French, errors.New("plain")); got != "plain" {
		t.Errorf("Say(plain) = %q", got)
	}
}

func TestHolds(t *testing.T) {
	t.Parallel()
	reason := dunning.HoldReason(dunning.HoldCustomerDNR, dunning.HoldInvoiceStatus+"Litige", "something new")
	holds := dunning.Holds(reason)
	want := []messages.Code{dunning.HeldCustomerDNR, dunning.HeldInvoiceStatus, dunning.HeldOther}
	if len(holds) != len(want) {
		t.Fatalf("Holds(%q) = %v", reason, holds)
	}
	for i, h := range holds {
		if h.Code != want[i] {
			t.Errorf("hold %d = %s, want %s", i, h.Code, want[i])
		}
	}
	if got := holds[1].In(messages.English); got != "invoice status “Litige”" {
		t.Errorf("English = %q", got)
	}
	if dunning.Holds("") != nil {
		t.Error("an empty reason has holds")
	}
}
