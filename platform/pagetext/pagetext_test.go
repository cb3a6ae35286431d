package pagetext

import (
	"strings"
	"testing"
	"testing/fstest"
)

func catalogs(fr, en string) fstest.MapFS {
	return fstest.MapFS{
		"catalog/fr.toml": {Data: []byte(fr)},
		"catalog/en.toml": {Data: []byte(en)},
	}
}

func TestLoadFallsBackToTheOtherLanguage(t *testing.T) {
	t.Parallel()
	m, err := Load(catalogs("a = \"bonjour\"\nb = \"seul\"\n", "a = \"hello\"\nc = \"alone\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string][2]string{"a": {"bonjour", "hello"}, "b": {"seul", "seul"}, "c": {"alone", "alone"}} {
		if m[key] != want {
			t.Errorf("%s = %q, want %q", key, m[key], want)
		}
	}
	if _, err := Load(catalogs("a = ", "")); err == nil {
		t.Error("a catalog that does not read loads")
	}
}

func TestProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fr, en string
		want         string // a problem's beginning, or "" for none
	}{
		{"same keys", `a = "%s payé"`, `a = "%s paid"`, ""},
		{"key missing in English", "a = \"x\"\nb = \"y\"", `a = "x"`, "b: in fr.toml, not in en.toml"},
		{"key missing in French", `a = "x"`, "a = \"x\"\nb = \"y\"", "b: in en.toml, not in fr.toml"},
		{"empty text", `a = ""`, `a = "x"`, "a: empty text"},
		{"empty hint allowed", `"a.hint" = ""`, `"a.hint" = ""`, ""},
		{"arguments differ", `a = "%s le %s"`, `a = "%s"`, "a: 2 arguments in French, 1 in English"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := Problems(catalogs(tt.fr, tt.en), func(k string) bool { return strings.HasSuffix(k, ".hint") })
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("problems %q, want none", got)
			case tt.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tt.want)):
				t.Errorf("problems %q, want one beginning %q", got, tt.want)
			}
		})
	}
}
