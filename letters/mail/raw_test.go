package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// parsedPart is one leaf part of a parsed message.
type parsedPart struct {
	mediaType   string
	params      map[string]string
	disposition string
	filename    string
	body        []byte
}

// parseRaw parses raw with net/mail and mime/multipart and returns its
// headers and leaf parts in order, with the structure as a string such as
// "multipart/mixed{multipart/alternative{text/plain,text/html},application/pdf}".
func parseRaw(t *testing.T, raw []byte) (*mail.Message, []parsedPart, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v\n%s", err, raw)
	}
	var parts []parsedPart
	shape := walk(t, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body, &parts)
	return msg, parts, shape
}

// walk reads one entity, recursing into multiparts.
func walk(t *testing.T, contentType, cte, disposition string, body io.Reader, out *[]parsedPart) string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		var inner []string
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("next part of %s: %v", mt, err)
			}
			// multipart.Reader decodes quoted-printable itself and then
			// drops the Content-Transfer-Encoding header.
			inner = append(inner, walk(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"),
				p.Header.Get("Content-Disposition"), p, out))
		}
		return mt + "{" + strings.Join(inner, ",") + "}"
	}
	data, err := io.ReadAll(decoder(t, cte, body))
	if err != nil {
		t.Fatalf("read %s body: %v", mt, err)
	}
	pp := parsedPart{mediaType: mt, params: params, body: data}
	if disposition != "" {
		d, dp, err := mime.ParseMediaType(disposition)
		if err != nil {
			t.Fatalf("content disposition %q: %v", disposition, err)
		}
		pp.disposition, pp.filename = d, dp["filename"]
	}
	*out = append(*out, pp)
	return mt
}

// decoder undoes a transfer encoding that multipart.Reader left in place.
func decoder(t *testing.T, cte string, r io.Reader) io.Reader {
	t.Helper()
	switch strings.ToLower(cte) {
	case "", "7bit", "8bit":
		return r
	case "base64":
		return base64Reader(r)
	case "quoted-printable":
		return qpReader(r)
	default:
		t.Fatalf("unexpected transfer encoding %q", cte)
		return nil
	}
}

// crlfToLF normalises line ends for comparisons.
func crlfToLF(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }

// pdf is a tiny stand-in PDF with bytes that no text encoding would keep.
var pdf = append([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"), bytes.Repeat([]byte{0, 1, 2, 0xff, '\r', '\n', '='}, 40)...)

func TestRaw(t *testing.T) {
	date := time.Date(2025, 3, 14, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	base := Message{
		From:    "Service Recouvrement <relances@example.com>",
		To:      []string{"client@example.org"},
		Subject: "Relance facture F-2025-0042",
		Text:    "Bonjour,\nLa facture F-2025-0042 reste impayée.\n",
		HTML:    "<p>Bonjour,</p><p>La facture <b>F-2025-0042</b> reste impayée.</p>",
		Date:    date,
	}

	tests := []struct {
		name        string
		edit        func(*Message)
		shape       string
		wantSubject string
		wantFrom    *mail.Address
		wantTo      []string
		wantReplyTo string
		wantHeaders map[string]string
	}{
		{
			name:  "text and html",
			shape: "multipart/alternative{text/plain,text/html}",
		},
		{
			name:  "text only",
			edit:  func(m *Message) { m.HTML = "" },
			shape: "text/plain",
		},
		{
			name:  "html only",
			edit:  func(m *Message) { m.Text = "" },
			shape: "text/html",
		},
		{
			name: "attachments",
			edit: func(m *Message) {
				m.Attachments = []Attachment{
					{Filename: "F-2025-0042.pdf", ContentType: "application/pdf", Data: pdf},
					{Filename: "Relevé n°2 – décembre.csv", ContentType: "text/csv; charset=utf-8", Data: []byte("n°;montant\nF-1;1 234,56 €\n")},
					{Filename: "blob.bin", Data: []byte{0, 0, 0}},
				}
			},
			shape: "multipart/mixed{multipart/alternative{text/plain,text/html},application/pdf,text/csv,application/octet-stream}",
		},
		{
			name: "non-ASCII subject and names, several recipients, reply-to, headers",
			edit: func(m *Message) {
				m.Subject = "Relevé de factures impayées – 2ème relance"
				m.From = "Société Générale d'Équipement <relances@example.com>"
				m.To = []string{"Zoé Müller <zoe@example.org>", "compta@example.net"}
				m.ReplyTo = "Cécile <cecile@example.com>"
				m.Headers = map[string]string{"X-Relance-Letter": "INV-42/R2/1", "X-Relance-Note": "dernière relance"}
			},
			shape:       "multipart/alternative{text/plain,text/html}",
			wantSubject: "Relevé de factures impayées – 2ème relance",
			wantFrom:    &mail.Address{Name: "Société Générale d'Équipement", Address: "relances@example.com"},
			wantTo:      []string{"zoe@example.org", "compta@example.net"},
			wantReplyTo: "cecile@example.com",
			wantHeaders: map[string]string{"X-Relance-Letter": "INV-42/R2/1", "X-Relance-Note": "dernière relance"},
		},
		{
			name: "long subject is folded and roundtrips",
			edit: func(m *Message) {
				m.Subject = strings.Repeat("Relevé des factures échues ", 8) + "fin"
			},
			shape:       "multipart/alternative{text/plain,text/html}",
			wantSubject: strings.Repeat("Relevé des factures échues ", 8) + "fin",
		},
		{
			name:        "ASCII subject that looks like an encoded word is kept literally",
			edit:        func(m *Message) { m.Subject = "=?utf-8?q?pas_encod=C3=A9?=" },
			shape:       "multipart/alternative{text/plain,text/html}",
			wantSubject: "=?utf-8?q?pas_encod=C3=A9?=",
		},
		{
			name: "body text that looks like a boundary and long lines",
			edit: func(m *Message) {
				m.Text = "--=_m000\n" + strings.Repeat("x", 300) + "\nfin = 100 %\n"
			},
			shape: "multipart/alternative{text/plain,text/html}",
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base
			if tc.edit != nil {
				tc.edit(&m)
			}
			raw, err := Raw(m)
			if err != nil {
				t.Fatalf("Raw: %v", err)
			}
			for i, line := range strings.Split(string(raw), "\r\n") {
				if len(line) > 998 {
					t.Errorf("line %d is %d characters long", i, len(line))
				}
			}
			if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
				t.Errorf("bare LF in output")
			}
			header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
			for _, c := range header {
				if c >= 0x80 {
					t.Fatalf("non-ASCII byte in the header block:\n%s", header)
				}
			}

			msg, parts, shape := parseRaw(t, raw)
			if shape != tc.shape {
				t.Errorf("structure = %s, want %s", shape, tc.shape)
			}
			if got := msg.Header.Get("MIME-Version"); got != "1.0" {
				t.Errorf("MIME-Version = %q", got)
			}
			if got, err := msg.Header.Date(); err != nil || !got.Equal(date) {
				t.Errorf("Date = %v, %v; want %v", got, err, date)
			}

			dec := new(mime.WordDecoder)
			subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
			if err != nil {
				t.Fatalf("decode subject: %v", err)
			}
			wantSubject := tc.wantSubject
			if wantSubject == "" {
				wantSubject = m.Subject
			}
			if subject != wantSubject {
				t.Errorf("subject = %q, want %q", subject, wantSubject)
			}

			from, err := msg.Header.AddressList("From")
			if err != nil || len(from) != 1 {
				t.Fatalf("From: %v %v", from, err)
			}
			if tc.wantFrom != nil && *from[0] != *tc.wantFrom {
				t.Errorf("From = %+v, want %+v", *from[0], *tc.wantFrom)
			}
			to, err := msg.Header.AddressList("To")
			if err != nil {
				t.Fatalf("To: %v", err)
			}
			wantTo := tc.wantTo
			if wantTo == nil {
				wantTo = m.To
			}
			if len(to) != len(wantTo) {
				t.Fatalf("To = %v, want %v", to, wantTo)
			}
			for i := range to {
				if to[i].Address != wantTo[i] {
					t.Errorf("To[%d] = %q, want %q", i, to[i].Address, wantTo[i])
				}
			}
			if tc.wantReplyTo != "" {
				rt, err := msg.Header.AddressList("Reply-To")
				if err != nil || len(rt) != 1 || rt[0].Address != tc.wantReplyTo {
					t.Errorf("Reply-To = %v %v, want %s", rt, err, tc.wantReplyTo)
				}
			} else if msg.Header.Get("Reply-To") != "" {
				t.Errorf("unexpected Reply-To %q", msg.Header.Get("Reply-To"))
			}
			for k, want := range tc.wantHeaders {
				got, err := dec.DecodeHeader(msg.Header.Get(k))
				if err != nil || got != want {
					t.Errorf("header %s = %q %v, want %q", k, got, err, want)
				}
			}

			var atts []parsedPart
			for _, p := range parts {
				switch {
				case p.disposition == "attachment":
					atts = append(atts, p)
				case p.mediaType == "text/plain":
					if p.params["charset"] != "utf-8" {
						t.Errorf("text charset = %q", p.params["charset"])
					}
					if got := crlfToLF(p.body); got != m.Text {
						t.Errorf("text body = %q, want %q", got, m.Text)
					}
				case p.mediaType == "text/html":
					if p.params["charset"] != "utf-8" {
						t.Errorf("html charset = %q", p.params["charset"])
					}
					if got := crlfToLF(p.body); got != m.HTML {
						t.Errorf("html body = %q, want %q", got, m.HTML)
					}
				default:
					t.Errorf("unexpected part %s", p.mediaType)
				}
			}
			if len(atts) != len(m.Attachments) {
				t.Fatalf("%d attachments, want %d", len(atts), len(m.Attachments))
			}
			for i, a := range m.Attachments {
				if atts[i].filename != a.Filename {
					t.Errorf("attachment %d filename = %q, want %q", i, atts[i].filename, a.Filename)
				}
				if atts[i].params["name"] != a.Filename {
					t.Errorf("attachment %d name parameter = %q, want %q", i, atts[i].params["name"], a.Filename)
				}
				if !bytes.Equal(atts[i].body, a.Data) {
					t.Errorf("attachment %d bytes differ: %d bytes, want %d", i, len(atts[i].body), len(a.Data))
				}
			}

			again, err := Raw(m)
			if err != nil || !bytes.Equal(again, raw) {
				t.Errorf("Raw is not deterministic for a fixed Date (err %v)", err)
			}
		})
	}
}

func TestRawBoundaryNeverInContent(t *testing.T) {
	m := Message{
		From: "a@example.com", To: []string{"b@example.com"}, Subject: "s",
		Text: "t", HTML: "<p>h</p>",
		Attachments: []Attachment{{Filename: "x.pdf", ContentType: "application/pdf", Data: pdf}},
	}
	raw, err := Raw(m)
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(mustHeader(t, raw, "Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	b := params["boundary"]
	if !strings.HasPrefix(b, "=_") {
		t.Fatalf("boundary %q does not start with =_", b)
	}
	// The boundary must appear only as delimiter lines.
	for _, line := range strings.Split(string(raw), "\r\n") {
		if strings.Contains(line, b) && line != "--"+b && line != "--"+b+"--" && !strings.Contains(line, "boundary=") {
			t.Errorf("boundary inside content: %q", line)
		}
	}
}

// mustHeader returns a top-level header of raw.
func mustHeader(t *testing.T, raw []byte, name string) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return msg.Header.Get(name)
}

func TestValidate(t *testing.T) {
	valid := Message{
		From: "relances@example.com", To: []string{"client@example.org"},
		Subject: "Relance", Text: "Bonjour",
	}
	tests := []struct {
		name string
		edit func(*Message)
		want string // substring of the error
	}{
		{"missing from", func(m *Message) { m.From = "" }, "from: missing address"},
		{"bad from", func(m *Message) { m.From = "relances-at-example.com" }, "from: \"relances-at-example.com\" is not a valid address"},
		{"no recipient", func(m *Message) { m.To = nil }, "to: no recipient"},
		{"empty recipient", func(m *Message) { m.To = []string{"ok@example.org", " "} }, "to[1]: missing address"},
		{"bad recipient", func(m *Message) { m.To = []string{"client@"} }, "to[0]: \"client@\" is not a valid address"},
		{"two addresses in one", func(m *Message) { m.To = []string{"a@example.org, b@example.org"} }, "to[0]"},
		{"non-ASCII address", func(m *Message) { m.To = []string{"zoé@exemple.fr"} }, "not ASCII"},
		{"bad reply-to", func(m *Message) { m.ReplyTo = "nobody" }, "reply-to"},
		{"empty subject", func(m *Message) { m.Subject = "  " }, "subject: empty"},
		{"subject with newline", func(m *Message) { m.Subject = "a\r\nBcc: x@example.com" }, "subject: contains a line break"},
		{"no body", func(m *Message) { m.Text = "" }, "neither text nor HTML"},
		{"invalid UTF-8 body", func(m *Message) { m.Text = "caf\xe9" }, "text body: not valid UTF-8"},
		{"attachment without name", func(m *Message) { m.Attachments = []Attachment{{Data: []byte("x")}} }, "attachment[0]: no file name"},
		{"empty attachment", func(m *Message) {
			m.Attachments = []Attachment{{Filename: "a.pdf", Data: nil}}
		}, "attachment[0]: \"a.pdf\" is empty"},
		{"bad content type", func(m *Message) {
			m.Attachments = []Attachment{{Filename: "a.pdf", ContentType: "application/", Data: []byte("x")}}
		}, "content type"},
		{"reserved header", func(m *Message) { m.Headers = map[string]string{"bcc": "x@example.com"} }, "header \"bcc\": set by the message itself"},
		{"header injection", func(m *Message) { m.Headers = map[string]string{"X-A": "1\r\nBcc: x@example.com"} }, "line break"},
		{"bad header name", func(m *Message) { m.Headers = map[string]string{"X A": "1"} }, "invalid name"},
	}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid message: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := valid
			tc.edit(&m)
			_, err := Raw(m)
			if err == nil {
				t.Fatalf("Raw accepted an invalid message")
			}
			if !errors.Is(err, ErrInvalid) || !IsPermanent(err) {
				t.Errorf("error %v: want ErrInvalid and permanent", err)
			}
			if errors.Is(err, ErrRejected) || SafeToRetry(err) {
				t.Errorf("error %v: must not be a rejection nor safe to retry", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}

	t.Run("all problems listed", func(t *testing.T) {
		err := Message{}.Validate()
		for _, want := range []string{"from", "to", "subject", "body"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v does not mention %s", err, want)
			}
		}
	})
}

// base64Reader decodes base64 split over CRLF lines.
func base64Reader(r io.Reader) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, &skipCRLF{r: r})
}

// qpReader decodes quoted-printable.
func qpReader(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }

// skipCRLF drops CR and LF bytes from r.
type skipCRLF struct{ r io.Reader }

// Read reads from the underlying reader without line breaks.
func (s *skipCRLF) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}

// TestAttachmentNames: Validate refuses a file name with a path separator;
// Raw sends it made safe (SafeFilename), so that a letter attachment named
// after invoice FA/2026/0042 goes out.
func TestAttachmentNames(t *testing.T) {
	m := Message{
		From: "relances@example.com", To: []string{"client@example.org"}, Subject: "Relance", Text: "Bonjour",
		Attachments: []Attachment{{Filename: "facture-FA/2026/0042.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}},
	}
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "path separator") {
		t.Errorf("Validate: %v, want a path separator error", err)
	}
	raw, err := Raw(m)
	if err != nil {
		t.Fatalf("Raw: %v", err)
	}
	if !strings.Contains(string(raw), "filename=facture-FA_2026_0042.pdf") {
		t.Errorf("attachment not named facture-FA_2026_0042.pdf:\n%s", raw)
	}
	if m.Attachments[0].Filename != "facture-FA/2026/0042.pdf" {
		t.Error("Raw changed the caller's message")
	}
	long := strings.Repeat("é", 150) + ".pdf"
	for in, want := range map[string]string{
		"../etc/passwd":     ".._etc_passwd",
		"a\\b\x00c\r\n.pdf": "a_b_c__.pdf",
		"caf\xe9.pdf":       "caf_.pdf",
		"":                  "",
		long:                strings.Repeat("é", 98) + ".pdf",
	} {
		got := SafeFilename(in)
		if got != want {
			t.Errorf("SafeFilename(%q) = %q, want %q", in, got, want)
		}
		if in != "" {
			if err := (Message{From: m.From, To: m.To, Subject: "x", Text: "x",
				Attachments: []Attachment{{Filename: got, Data: []byte("x")}}}).Validate(); err != nil {
				t.Errorf("SafeFilename(%q) = %q refused: %v", in, got, err)
			}
		}
	}
}
