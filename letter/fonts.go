package letter

import (
	"bytes"
	_ "embed"
	"fmt"

	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/repository"
)

// fontFamily is the name the embedded DejaVu Sans is registered under in
// maroto. The built-in PDF fonts only know cp1252 and print U+202F (the
// thousands separator of money.Format) as "."; DejaVu Sans has every glyph
// the letters use. Licence: fonts/LICENSE.
const fontFamily = "dejavusans"

var (
	//go:embed fonts/DejaVuSans.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	dejaVuSansBold []byte
)

// customFonts returns the embedded fonts as maroto custom fonts. Each call
// gets its own copy of the font files: gofpdf writes into the buffer it is
// given while it subsets the font (utf8FontFile.generateChecksum appends
// padding to slices of it), so sharing one buffer between concurrent
// renders is a data race.
func customFonts() ([]*entity.CustomFont, error) {
	fonts, err := repository.New().
		AddUTF8FontFromBytes(fontFamily, fontstyle.Normal, bytes.Clone(dejaVuSans)).
		AddUTF8FontFromBytes(fontFamily, fontstyle.Bold, bytes.Clone(dejaVuSansBold)).
		Load()
	if err != nil {
		return nil, fmt.Errorf("load embedded fonts: %w", err)
	}
	return fonts, nil
}
