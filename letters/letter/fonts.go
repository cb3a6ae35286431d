package letter

import (
	_ "embed"
	"fmt"
	"sync"

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

// customFonts returns the embedded fonts as maroto custom fonts, built
// once per process and shared by every letter. Sharing is safe with the
// patched gofpdf of third_party/gofpdf, which never writes into the font
// file it is given (the original wrote padding into it while subsetting)
// and parses each font file once per process (see README, "Letters at the
// speed of the hardware").
func customFonts() ([]*entity.CustomFont, error) {
	return loadedFonts()
}

var loadedFonts = sync.OnceValues(func() ([]*entity.CustomFont, error) {
	fonts, err := repository.New().
		AddUTF8FontFromBytes(fontFamily, fontstyle.Normal, dejaVuSans).
		AddUTF8FontFromBytes(fontFamily, fontstyle.Bold, dejaVuSansBold).
		Load()
	if err != nil {
		return nil, fmt.Errorf("load embedded fonts: %w", err)
	}
	return fonts, nil
})
