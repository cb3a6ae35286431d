package settings

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLogo(t *testing.T) {
	if f, err := Logo(pngOf(t, 200, 80)); err != nil || f != "png" {
		t.Errorf("good PNG: %q %v", f, err)
	}
	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"empty":    {nil, "empty"},
		"not img":  {[]byte("GIF89a not really"), "PNG or JPEG"},
		"too big":  {make([]byte, MaxLogoBytes+1), "at most 200 KB"},
		"too tiny": {pngOf(t, 8, 8), "between 16 and 4000"},
	} {
		if _, err := Logo(tc.b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}
