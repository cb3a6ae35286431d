package settings

import (
	"bytes"
	"image"
	_ "image/jpeg" // registers JPEG for image.DecodeConfig
	_ "image/png"  // registers PNG for image.DecodeConfig
)

// MaxLogoBytes is the largest logo accepted (200 KB): it is embedded in
// every letter's PDF.
const MaxLogoBytes = 200 << 10

// Logo checks a logo image: PNG or JPEG, at most MaxLogoBytes, between 16
// and 4000 pixels a side. It returns the format, "png" or "jpeg".
func Logo(b []byte) (string, error) {
	if len(b) == 0 {
		return "", LogoEmpty.With()
	}
	if len(b) > MaxLogoBytes {
		return "", LogoTooBig.With((len(b)+1023)>>10, MaxLogoBytes>>10)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (format != "png" && format != "jpeg") {
		return "", LogoFormat.With()
	}
	if cfg.Width < 16 || cfg.Height < 16 || cfg.Width > 4000 || cfg.Height > 4000 {
		return "", LogoPixels.With(cfg.Width, cfg.Height)
	}
	return format, nil
}
