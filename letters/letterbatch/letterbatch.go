// Package letterbatch puts the letters of a day together for people: one
// zip with a PDF per letter (to file or e-mail, seed 002) and one merged
// PDF to print (seed 003's "letters of the day"). The starter's `letters`
// command and the web app's letters page both use it.
package letterbatch

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
)

// Parts of letter file names are cut to this many characters, so that a
// name stays well under the 255 bytes file systems and unzip accept.
const maxNamePart = 32

// FileName names a letter's PDF, short and safe whatever the data holds:
// <customer>-<invoice>-<level>-<seq>.pdf, only letters, digits, "-", "_"
// and "+" ("/" and control characters never reach a path). A customer
// letter covering several invoices is named after the first and the count
// of the others: CLI0009-FA0168+59-R2-1.pdf. A letter posted by registered
// mail ends in -LRAR.
func FileName(l store.BatchLetter) string {
	inv := clipPart(FileSafe(l.Invoice))
	if invoices := strings.Split(l.Invoice, "+"); len(invoices) > 1 {
		inv = fmt.Sprintf("%s+%d", clipPart(FileSafe(invoices[0])), len(invoices)-1)
	}
	name := fmt.Sprintf("%s-%s-%s-%d", clipPart(FileSafe(l.CustomerCode)), inv, clipPart(FileSafe(l.Level)), l.Sequence)
	if letter.IsRegisteredLevel(l.Level) {
		name += "-LRAR"
	}
	return name + ".pdf"
}

// Part is s made safe for a file name (FileSafe) and cut short.
func Part(s string) string { return clipPart(FileSafe(s)) }

// clipPart cuts a file name part to maxNamePart characters.
func clipPart(s string) string {
	if len(s) > maxNamePart { // FileSafe leaves ASCII only
		return s[:maxNamePart]
	}
	return s
}

// FileNames names each letter (FileName), adding -2, -3... to a name
// already taken, so that no file of a zip or folder overwrites another.
func FileNames(letters []store.BatchLetter) []string {
	names := make([]string, len(letters))
	taken := map[string]bool{}
	for i, l := range letters {
		name := FileName(l)
		base := strings.TrimSuffix(name, ".pdf")
		for n := 2; taken[name]; n++ {
			name = fmt.Sprintf("%s-%d.pdf", base, n)
		}
		taken[name] = true
		names[i] = name
	}
	return names
}

// WriteFiles writes each letter's PDF into dir and returns how many it
// wrote; letters without a PDF are skipped.
func WriteFiles(dir string, letters []store.BatchLetter) (int, error) {
	n := 0
	for i, name := range FileNames(letters) {
		if len(letters[i].PDF) == 0 {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), letters[i].PDF, 0o644); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// FileSafe keeps letters, digits, "-" and "_" of s, for file names built
// from invoice numbers and customer codes.
func FileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// Zip writes one PDF per letter into a zip.
func Zip(w io.Writer, letters []store.BatchLetter) error {
	z := zip.NewWriter(w)
	for i, name := range FileNames(letters) {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: letters[i].CreatedAt})
		if err != nil {
			return err
		}
		if _, err := f.Write(letters[i].PDF); err != nil {
			return err
		}
	}
	return z.Close()
}

// PDFConfig is pdfcpu's default configuration without its config file
// (pdfcpu would otherwise create one in the user's config directory, and
// exit the process if it cannot).
func PDFConfig() *model.Configuration {
	model.ConfigPath = "disable"
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// Merge writes the letters one after the other as one PDF and returns its
// page count. With duplex, a letter with an odd page count is followed by a
// blank page.
func Merge(w io.Writer, letters []store.BatchLetter, duplex bool) (int, error) {
	readers := make([]io.ReadSeeker, 0, len(letters))
	for _, l := range letters {
		pdf := l.PDF
		if duplex {
			n, err := api.PageCount(bytes.NewReader(pdf), PDFConfig())
			if err != nil {
				return 0, fmt.Errorf("%s: %w", FileName(l), err)
			}
			if n%2 == 1 {
				var padded bytes.Buffer
				if err := api.InsertPages(bytes.NewReader(pdf), &padded, []string{fmt.Sprint(n)}, false, PDFConfig()); err != nil {
					return 0, fmt.Errorf("%s: blank page: %w", FileName(l), err)
				}
				pdf = padded.Bytes()
			}
		}
		readers = append(readers, bytes.NewReader(pdf))
	}
	var merged bytes.Buffer
	if err := api.MergeRaw(readers, &merged, false, PDFConfig()); err != nil {
		return 0, fmt.Errorf("merge: %w", err)
	}
	pages, err := api.PageCount(bytes.NewReader(merged.Bytes()), PDFConfig())
	if err != nil {
		return 0, err
	}
	_, err = w.Write(merged.Bytes())
	return pages, err
}
