package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
)

// hardLetters renders the letters whose names used to break zips and
// folders: a customer whose code and name hold an emoji and "/", invoice
// FA/2026/0042, and a customer letter covering 60 invoices (its Invoice
// lists them all, joined by "+", as store.LettersOn returns it).
func hardLetters(t *testing.T) []store.BatchLetter {
	t.Helper()
	render := func(d letter.Data) []byte {
		c, err := letter.Compose(d)
		if err != nil {
			t.Fatal(err)
		}
		pdf, _, err := letter.RenderChecked(d, c)
		if err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv("LETTER_PREVIEW_DIR"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, "starter-"+strings.ReplaceAll(d.Reference, "/", "_")+".pdf"), pdf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return pdf
	}
	emoji := letter.SampleData(2)
	emoji.LevelCode = "MED"
	emoji.Recipient.Name = "Œuvre 🍷 & Fils"
	emoji.Recipient.Code = "CLI/🍷\x01"
	emoji.Recipient.AddressLines = []string{"Service comptabilité", "Bâtiment B", "Escalier 3", "14, avenue de la République", "BP 2041", "75011 Paris"}
	emoji.Reference = "emoji"
	slash := letter.SampleData(1)
	slash.Lines[0].Number = "FA/2026/0042"
	slash.Reference = "FA/2026/0042-R1-1"
	sixty := letter.SampleData(60)
	sixty.LevelCode = "R2"
	sixty.Reference = "CLI0060-2026-11-23-R2"
	var invoices []string
	for _, l := range sixty.Lines {
		invoices = append(invoices, l.Number)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	return []store.BatchLetter{
		{CustomerCode: emoji.Recipient.Code, CustomerName: emoji.Recipient.Name, Invoice: "FA2026-0101+FA2026-0102", Level: "MED", Sequence: 1, Channel: "both", PDF: render(emoji), CreatedAt: at, CustomerLetterID: 1},
		{CustomerCode: "CLI0042", Invoice: "FA/2026/0042", Level: "R1", Sequence: 1, Channel: "email", PDF: render(slash), CreatedAt: at},
		{CustomerCode: "CLI0042", Invoice: "FA\\2026\\0042", Level: "R1", Sequence: 1, Channel: "email", PDF: render(slash), CreatedAt: at},
		{CustomerCode: "CLI0060", Invoice: strings.Join(invoices, "+"), Level: "R2", Sequence: 1, Channel: "email", PDF: render(sixty), CreatedAt: at, CustomerLetterID: 2},
	}
}

func TestLetterFileNames(t *testing.T) {
	t.Parallel()
	letters := hardLetters(t)
	got := letterFileNames(letters)
	want := []string{
		"CLI___-FA2026-0101+1-MED-1-LRAR.pdf",
		"CLI0042-FA_2026_0042-R1-1.pdf",
		"CLI0042-FA_2026_0042-R1-1-2.pdf", // the same name after fileSafe: numbered
		"CLI0060-FA2026-0101+59-R2-1.pdf",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("names\n%v\nwant\n%v", got, want)
	}
	long := store.BatchLetter{CustomerCode: strings.Repeat("C", 300), Invoice: strings.Repeat("F", 300), Level: strings.Repeat("L", 300), Sequence: 1}
	if n := len(letterFileName(long)); n > 120 {
		t.Errorf("name of %d bytes", n)
	}
}

// TestZipAndFolderOfHardLetters writes the hard letters to a zip, lists
// and extracts it with unzip, and writes them to a folder as letters
// --customer --out does: every file is there, whole.
func TestZipAndFolderOfHardLetters(t *testing.T) {
	t.Parallel()
	letters := hardLetters(t)
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "day.zip")
	if err := writeAtomically(zipPath, func(w io.Writer) error { return zipLetters(w, letters) }); err != nil {
		t.Fatal(err)
	}
	names := letterFileNames(letters)
	if _, err := exec.LookPath("unzip"); err != nil {
		t.Fatal("unzip not found: install it (scripts/test.sh does)")
	}
	out, err := exec.Command("unzip", "-l", zipPath).CombinedOutput()
	if err != nil {
		t.Fatalf("unzip -l: %v\n%s", err, out)
	}
	for _, n := range names {
		if !strings.Contains(string(out), n) {
			t.Errorf("unzip -l does not list %s:\n%s", n, out)
		}
	}
	into := filepath.Join(dir, "unzipped")
	if out, err := exec.Command("unzip", "-q", "-d", into, zipPath).CombinedOutput(); err != nil {
		t.Fatalf("unzip: %v\n%s", err, out)
	}
	checkFolder(t, into, letters, names)

	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != len(letters) {
		t.Errorf("zip holds %d files, want %d", len(zr.File), len(letters))
	}

	folder := filepath.Join(dir, "customer")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	n, err := writeLetterFiles(folder, letters)
	if err != nil || n != len(letters) {
		t.Fatalf("writeLetterFiles: %d, %v", n, err)
	}
	checkFolder(t, folder, letters, names)
}

// checkFolder checks that dir holds exactly the letters, under names.
func checkFolder(t *testing.T, dir string, letters []store.BatchLetter, names []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := append([]string(nil), names...)
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s holds %v, want %v", dir, got, want)
	}
	for i, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.Equal(b, letters[i].PDF) {
			t.Errorf("%s differs from the letter's PDF", n)
		}
	}
}
