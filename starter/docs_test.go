package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocumentedInvocationsParse reads every `starter ...` invocation of
// the README, docs/, scripts/ and docker-compose.yml and parses it with
// the command line's model, without running it: each names commands,
// subcommands and flags that exist. A required flag or argument the text
// leaves out is allowed (the docs abbreviate); an unknown one is not.
func TestDocumentedInvocationsParse(t *testing.T) {
	t.Parallel()
	known := map[string]bool{"help": true}
	for _, p := range commandPaths(t) {
		known[p[0]] = true
	}
	var files []string
	for _, pattern := range []string{"../README.md", "../docs/*.md", "../scripts/*.sh", "../docker-compose.yml", "../deploy/*/*"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	checked := 0
	for _, file := range files {
		if fi, err := os.Stat(file); err != nil || fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range invocations(string(b)) {
			args := shellWords(inv)
			if len(args) == 0 || !known[args[0]] {
				if len(args) > 1 && strings.HasPrefix(args[1], "--") {
					t.Errorf("%s: %q: no command %q", file, inv, args[0])
				}
				continue
			}
			checked++
			var c cli
			if _, err := parseArgs(&c, helpArgs(args), io.Discard); err != nil && !abbreviated(err) {
				t.Errorf("%s: %q does not parse: %v", file, inv, err)
			}
		}
	}
	t.Logf("%d invocations parsed", checked)
	if checked < 80 {
		t.Errorf("only %d documented invocations found", checked)
	}
}

// abbreviated reports whether a parse error only says that something
// required was left out.
func abbreviated(err error) bool {
	for _, s := range []string{"missing flags:", "expected one of", "expected \"<"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

var (
	codeSpan    = regexp.MustCompile("`([^`]+)`")
	composeArgs = regexp.MustCompile(`\["starter", ([^\]]*)\]`)
	starterCall = regexp.MustCompile(`(?:^|[\s(])(?:"\$STARTER"|\$STARTER|go run \./starter|\S*/bin/starter"?|starter) +([a-z][^\n]*)`)
)

// invocations returns the text after "starter " of each invocation in a
// document: in code spans, in code lines, in docker-compose commands.
func invocations(doc string) []string {
	var out []string
	for _, m := range composeArgs.FindAllStringSubmatch(doc, -1) {
		out = append(out, strings.NewReplacer(`"`, "", ",", "").Replace(m[1]))
	}
	var texts []string
	var prose strings.Builder
	inBlock, markdown := false, strings.Contains(doc, "# ")
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(strings.TrimSpace(line), "```"):
			inBlock = !inBlock
		case inBlock || !markdown:
			texts = append(texts, line)
		default:
			prose.WriteString(line + " ")
		}
	}
	if markdown {
		for _, m := range codeSpan.FindAllStringSubmatch(prose.String(), -1) {
			texts = append(texts, m[1])
		}
	}
	for _, text := range texts {
		for _, m := range starterCall.FindAllStringSubmatch(text, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// shellWords splits an invocation as documented into arguments: the first
// of alternatives (show|set), optional brackets dropped, placeholders and
// shell variables given a value, the text stopped at a comment, a pipe, a
// redirection or the end of the code.
func shellWords(s string) []string {
	s = strings.NewReplacer(`\|`, "|", "[", " ", "]", " ", "`", " ").Replace(s)
	var words []string
	var cur strings.Builder
	quote := rune(0)
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur.String())
		}
		cur.Reset()
		inWord = false
	}
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			flush()
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	flush()
	var out []string
	for _, w := range words {
		if w == "#" || w == "|" || w == "/" || w == "COMMAND" || w == "&&" || w == ";" || strings.ContainsAny(w[:1], "<>(") {
			break
		}
		if w == "..." || w == "…" {
			continue
		}
		if !strings.HasPrefix(w, "-") {
			w, _, _ = strings.Cut(w, "|")
		}
		w = strings.TrimSuffix(strings.TrimSuffix(w, "..."), "…")
		w = strings.TrimSuffix(w, ")")
		if strings.Contains(w, "$") {
			w = "1"
		}
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}
