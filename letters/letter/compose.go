package letter

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrNoTemplate is returned (wrapped) by Compose when the letter's level has
// no template.
var ErrNoTemplate = errors.New("no letter template")

// Content is what a template produced for one letter.
type Content struct {
	Subject    string   // e-mail subject; the PDF prints it as "Objet : ..."
	Text       string   // plain-text e-mail body
	HTML       string   // HTML e-mail body, customer data escaped
	Paragraphs []string // PDF paragraphs printed before the invoice table; "\n" is a line break
	Closing    []string // PDF paragraphs printed after the invoice table; "\n" is a line break
}

// Compose fills the level's template for d.Language (fallback "fr"). It
// fails if the level has no template in that language (ErrNoTemplate), if d
// lists no invoice, or if executing the template fails.
func Compose(d Data) (Content, error) {
	set, err := loadTemplates()
	if err != nil {
		return Content{}, fmt.Errorf("compose letter %s: %w", d.Reference, err)
	}
	lt, lang, err := set.lookup(d.Language, d.LevelCode)
	if err != nil {
		return Content{}, fmt.Errorf("compose letter %s: %w", d.Reference, err)
	}
	if len(d.Lines) == 0 {
		return Content{}, fmt.Errorf("compose letter %s: no invoice lines", d.Reference)
	}
	d.Language = lang
	d.Currency = currencyOrDefault(d.Currency)

	c, err := fill(lt, d, lang+"/"+normalizeLevel(d.LevelCode))
	if err != nil {
		return Content{}, fmt.Errorf("compose letter %s: %w", d.Reference, err)
	}
	return c, nil
}

var blankLines = regexp.MustCompile(`\n[ \t]*\n`)

// splitParagraphs cuts s at blank lines. Inside a paragraph, lines are
// trimmed and kept as line breaks; empty paragraphs are dropped.
func splitParagraphs(s string) []string {
	var paragraphs []string
	for _, block := range blankLines.Split(strings.ReplaceAll(s, "\r\n", "\n"), -1) {
		var lines []string
		for _, line := range strings.Split(block, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				lines = append(lines, line)
			}
		}
		if len(lines) > 0 {
			paragraphs = append(paragraphs, strings.Join(lines, "\n"))
		}
	}
	return paragraphs
}

// tidyText trims trailing spaces, keeps at most one blank line between
// paragraphs and ends the text with a single newline.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var b strings.Builder
	blank := 0
	for _, line := range lines {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
			if blank > 0 {
				b.WriteString("\n")
			}
		}
		blank = 0
		b.WriteString(line)
	}
	return b.String() + "\n"
}
