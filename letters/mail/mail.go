// Package mail builds MIME e-mails and sends them through Amazon SES.
//
// Raw turns a Message into an RFC 5322 / MIME message (text and HTML bodies in
// UTF-8 quoted-printable, attachments in base64). SES sends it with the SES v1
// SendRawEmail call, without the SDK's automatic retries: a retried raw send
// may deliver the same letter twice, so the caller decides.
//
// Every error returned by SES.Send matches exactly one of these sentinels
// (errors.Is):
//
//	ErrInvalid    the message is malformed; nothing was sent; IsPermanent
//	ErrNotSent    the request never reached SES (no credentials, connection
//	              refused, DNS failure, context already done); safe to retry
//	ErrRejected   SES answered with an error, so it did not accept the
//	              message; safe to retry unless IsPermanent (4xx other than
//	              throttling and request time-outs)
//	ErrUncertain  the request may have reached SES (connection cut, time-out,
//	              unreadable success answer): retrying may send a duplicate
//
// SafeToRetry combines them for callers that only need the decision.
package mail

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxRawSize is the largest raw message SES v1 SendRawEmail accepts (10 MB,
// headers, bodies and base64-encoded attachments included).
const MaxRawSize = 10 << 20

// maxFilenameBytes bounds attachment file names so that their RFC 2231
// encoding stays well inside the 998-character header line limit.
const maxFilenameBytes = 200

// ErrInvalid wraps errors about a message that cannot be sent as it is
// (missing or malformed address, empty subject, bad header). Nothing was sent
// and retrying will not help: IsPermanent reports true.
var ErrInvalid = errors.New("invalid message")

// Attachment is a file attached to a message.
type Attachment struct {
	// Filename is the name the recipient sees, without any directory.
	Filename string
	// ContentType is the media type, e.g. "application/pdf"; empty means
	// "application/octet-stream".
	ContentType string
	// Data is the file content (not encoded).
	Data []byte
	// ContentID, for an inline part (Message.Inline), is what the HTML
	// body names it by: <img src="cid:ContentID">. Letters, digits and
	// ".-_@" only.
	ContentID string
}

// Message is one e-mail.
type Message struct {
	// From is the sender, "addr@example.com" or "Name <addr@example.com>".
	From string
	// To lists the recipients, each in the same forms as From.
	To []string
	// ReplyTo, if set, is the address replies go to.
	ReplyTo string
	// Subject is the subject line; it may hold any Unicode text but no line
	// break.
	Subject string
	// Text is the plain-text body.
	Text string
	// HTML is the HTML body; at least one of Text and HTML must be set.
	HTML string
	// Attachments are attached after the bodies, in this order.
	Attachments []Attachment
	// Inline are images the HTML body shows (cid: URLs), sent with it in
	// a multipart/related part; ignored without an HTML body.
	Inline []Attachment
	// Headers are extra headers, e.g. X-Relance-Letter. Names that Raw writes
	// itself (From, To, Subject, Content-Type...) are refused.
	Headers map[string]string
	// Date is the Date header; the zero value means the time Raw is called.
	Date time.Time
	// Tags are SES message tags (name → value), published with the SES
	// events of the message (configuration set event destinations): a
	// letter carries its reference under TagLetter so that its send,
	// delivery or bounce can be found again. They are not part of the
	// MIME message. Names and values: ASCII letters, digits, '_' and '-'.
	Tags map[string]string
}

// TagLetter is the SES message tag carrying a letter's reference.
const TagLetter = "relance-letter"

// reservedHeaders are written by Raw (or would change who receives the
// message) and so may not appear in Message.Headers. Keys are lower case.
var reservedHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "reply-to": true,
	"sender": true, "subject": true, "date": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true,
	"content-disposition": true, "return-path": true,
}

// Validate checks the message and returns an error wrapping ErrInvalid that
// lists every problem found, or nil.
func (m Message) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	checkAddress := func(field, value string) {
		if strings.TrimSpace(value) == "" {
			add("%s: missing address", field)
			return
		}
		a, err := mail.ParseAddress(value)
		if err != nil {
			add("%s: %q is not a valid address: %v", field, value, err)
			return
		}
		if !isASCII(a.Address) {
			add("%s: address %q is not ASCII (SES needs punycode domains and ASCII local parts)", field, a.Address)
		}
	}

	checkAddress("from", m.From)
	if len(m.To) == 0 {
		add("to: no recipient")
	}
	for i, to := range m.To {
		checkAddress(fmt.Sprintf("to[%d]", i), to)
	}
	if m.ReplyTo != "" {
		checkAddress("reply-to", m.ReplyTo)
	}

	switch {
	case strings.TrimSpace(m.Subject) == "":
		add("subject: empty")
	case strings.ContainsAny(m.Subject, "\r\n"):
		add("subject: contains a line break")
	case !utf8.ValidString(m.Subject):
		add("subject: not valid UTF-8")
	}

	if m.Text == "" && m.HTML == "" {
		add("body: neither text nor HTML")
	}
	if !utf8.ValidString(m.Text) {
		add("text body: not valid UTF-8")
	}
	if !utf8.ValidString(m.HTML) {
		add("HTML body: not valid UTF-8")
	}

	for i, a := range m.Attachments {
		field := fmt.Sprintf("attachment[%d]", i)
		switch {
		case strings.TrimSpace(a.Filename) == "":
			add("%s: no file name", field)
		case len(a.Filename) > maxFilenameBytes:
			add("%s: file name longer than %d bytes", field, maxFilenameBytes)
		case !utf8.ValidString(a.Filename):
			add("%s: file name not valid UTF-8", field)
		case strings.ContainsAny(a.Filename, `/\`) || hasControl(a.Filename):
			add("%s: file name %q holds a path separator or control character", field, a.Filename)
		}
		if a.ContentType != "" {
			mt, _, err := mime.ParseMediaType(a.ContentType)
			if err != nil {
				add("%s: content type %q: %v", field, a.ContentType, err)
			} else if strings.HasPrefix(mt, "multipart/") {
				add("%s: content type %q: multipart attachments are not supported", field, a.ContentType)
			}
		}
		if len(a.Data) == 0 {
			add("%s: %q is empty", field, a.Filename)
		}
	}

	for i, a := range m.Inline {
		field := fmt.Sprintf("inline[%d]", i)
		if !validContentID(a.ContentID) {
			add("%s: content ID %q: letters, digits and .-_@ only", field, a.ContentID)
		}
		if mt, _, err := mime.ParseMediaType(a.ContentType); err != nil || !strings.HasPrefix(mt, "image/") {
			add("%s: content type %q: an image type is needed", field, a.ContentType)
		}
		if len(a.Data) == 0 {
			add("%s: empty", field)
		}
	}

	for _, name := range sortedKeys(m.Headers) {
		value := m.Headers[name]
		switch {
		case !validHeaderName(name):
			add("header %q: invalid name", name)
		case reservedHeaders[strings.ToLower(name)]:
			add("header %q: set by the message itself, not through Headers", name)
		case strings.ContainsAny(value, "\r\n"):
			add("header %q: value contains a line break", name)
		case !utf8.ValidString(value):
			add("header %q: value not valid UTF-8", name)
		}
	}

	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(problems, "; "))
	}
	return nil
}

// Raw builds the RFC 5322 MIME message for m after validating it:
//
//	multipart/mixed                       (only when there are attachments)
//	  multipart/alternative               (only when both bodies are set)
//	    text/plain; charset=utf-8         quoted-printable
//	    text/html; charset=utf-8          quoted-printable
//	  attachments                         base64
//
// Non-ASCII subjects, display names and header values are written as RFC 2047
// encoded words, non-ASCII file names with RFC 2231. Boundaries are derived
// from the content, so the same message (with a fixed Date) gives the same
// bytes. No Message-ID is written: SES assigns its own.
//
// Attachment file names pass through SafeFilename first: a name built from
// an invoice number ("facture-FA/2026/0042.pdf") is sent as
// "facture-FA_2026_0042.pdf" rather than refused.
func Raw(m Message) ([]byte, error) {
	if len(m.Attachments) > 0 {
		atts := make([]Attachment, len(m.Attachments))
		for i, a := range m.Attachments {
			a.Filename = SafeFilename(a.Filename)
			atts[i] = a
		}
		m.Attachments = atts
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	seed := contentHash(m)

	var b strings.Builder
	writeHeader(&b, "MIME-Version", "1.0")
	writeHeader(&b, "Date", date.Format(time.RFC1123Z))
	from, err := formatAddresses([]string{m.From})
	if err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	writeHeader(&b, "From", from)
	to, err := formatAddresses(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail: to: %w", err)
	}
	writeHeader(&b, "To", to)
	if m.ReplyTo != "" {
		replyTo, err := formatAddresses([]string{m.ReplyTo})
		if err != nil {
			return nil, fmt.Errorf("mail: reply-to: %w", err)
		}
		writeHeader(&b, "Reply-To", replyTo)
	}
	writeHeader(&b, "Subject", encodeText(m.Subject))
	for _, name := range sortedKeys(m.Headers) {
		writeHeader(&b, name, encodeText(m.Headers[name]))
	}

	body := bodyEntity(m, seed)
	if len(m.Attachments) > 0 {
		parts := []entity{body}
		for _, a := range m.Attachments {
			parts = append(parts, attachmentEntity(a))
		}
		body = multipartEntity("mixed", "=_m"+seed, parts)
	}
	body.writeTo(&b)
	return []byte(b.String()), nil
}

// entity is one MIME entity: its Content-* headers, in order, and its encoded
// body.
type entity struct {
	headers [][2]string
	body    string
}

// writeTo writes the entity's headers, the blank line and the body.
func (e entity) writeTo(b *strings.Builder) {
	for _, h := range e.headers {
		writeHeader(b, h[0], h[1])
	}
	b.WriteString("\r\n")
	b.WriteString(e.body)
}

// bodyEntity returns the text and HTML bodies, as an alternative when both
// are present. The HTML body goes with its inline images in a
// multipart/related part.
func bodyEntity(m Message, seed string) entity {
	html := textEntity("html", m.HTML)
	if len(m.Inline) > 0 {
		parts := []entity{html}
		for _, a := range m.Inline {
			parts = append(parts, inlineEntity(a))
		}
		html = multipartEntity("related", "=_r"+seed, parts)
	}
	switch {
	case m.HTML == "":
		return textEntity("plain", m.Text)
	case m.Text == "":
		return html
	default:
		return multipartEntity("alternative", "=_a"+seed, []entity{
			textEntity("plain", m.Text),
			html,
		})
	}
}

// inlineEntity returns an inline image part named by its Content-ID.
func inlineEntity(a Attachment) entity {
	e := attachmentEntity(Attachment{Filename: a.ContentID, ContentType: a.ContentType, Data: a.Data})
	e.headers[2] = [2]string{"Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": a.ContentID})}
	e.headers = append(e.headers, [2]string{"Content-ID", "<" + a.ContentID + ">"})
	return e
}

// validContentID reports whether id may name an inline part.
func validContentID(id string) bool {
	if id == "" || len(id) > 100 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_@", r)) {
			return false
		}
	}
	return true
}

// textEntity returns a text/subtype part in UTF-8, quoted-printable.
func textEntity(subtype, s string) entity {
	var b strings.Builder
	w := quotedprintable.NewWriter(&b)
	// Writes to a strings.Builder cannot fail.
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return entity{
		headers: [][2]string{
			{"Content-Type", mime.FormatMediaType("text/"+subtype, map[string]string{"charset": "utf-8"})},
			{"Content-Transfer-Encoding", "quoted-printable"},
		},
		body: b.String(),
	}
}

// attachmentEntity returns a base64 attachment part.
func attachmentEntity(a Attachment) entity {
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	// Validate has parsed the content type already.
	mt, params, _ := mime.ParseMediaType(ct)
	if params == nil {
		params = map[string]string{}
	}
	params["name"] = a.Filename

	enc := base64.StdEncoding.EncodeToString(a.Data)
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString("\r\n")

	return entity{
		headers: [][2]string{
			{"Content-Type", mime.FormatMediaType(mt, params)},
			{"Content-Transfer-Encoding", "base64"},
			{"Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})},
		},
		body: b.String(),
	}
}

// multipartEntity returns a multipart/subtype entity holding parts. The
// boundary starts with "=_", which can appear neither in quoted-printable nor
// in base64 output, so it never collides with a part's content.
func multipartEntity(subtype, boundary string, parts []entity) entity {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("--" + boundary + "\r\n")
		p.writeTo(&b)
	}
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return entity{
		headers: [][2]string{
			{"Content-Type", mime.FormatMediaType("multipart/"+subtype, map[string]string{"boundary": boundary})},
		},
		body: b.String(),
	}
}

// contentHash returns a short hex digest of everything in m, used to derive
// the MIME boundaries.
func contentHash(m Message) string {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(m.From)
	for _, to := range m.To {
		field(to)
	}
	field(m.ReplyTo)
	field(m.Subject)
	field(m.Text)
	field(m.HTML)
	for _, a := range m.Attachments {
		field(a.Filename)
		field(a.ContentType)
		field(string(a.Data))
	}
	for _, a := range m.Inline {
		field(a.ContentID)
		field(a.ContentType)
		field(string(a.Data))
	}
	for _, k := range sortedKeys(m.Headers) {
		field(k)
		field(m.Headers[k])
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// formatAddresses parses each address and formats the list for a header,
// encoding non-ASCII display names.
func formatAddresses(list []string) (string, error) {
	out := make([]string, 0, len(list))
	for _, s := range list {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return "", fmt.Errorf("parse %q: %w", s, err)
		}
		out = append(out, a.String())
	}
	return strings.Join(out, ", "), nil
}

// encodeText returns s ready for an unstructured header: unchanged when it is
// plain short-worded ASCII, RFC 2047 Q-encoded words otherwise.
func encodeText(s string) string {
	needs := strings.Contains(s, "=?")
	for _, word := range strings.Split(s, " ") {
		if len(word) > 900 {
			needs = true
		}
	}
	if !needs {
		// mime.QEncoding leaves printable ASCII alone.
		return mime.QEncoding.Encode("utf-8", s)
	}
	return forceQEncode(s)
}

// forceQEncode Q-encodes s even if it is plain ASCII (mime.WordEncoder leaves
// that alone), in encoded words of at most 75 characters.
func forceQEncode(s string) string {
	const prefix, suffix = "=?utf-8?q?", "?="
	const room = 75 - len(prefix) - len(suffix)
	var words []string
	var cur strings.Builder
	for _, r := range s {
		var enc strings.Builder
		for _, c := range []byte(string(r)) {
			switch {
			case c == ' ':
				enc.WriteByte('_')
			case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
				enc.WriteByte(c)
			default:
				fmt.Fprintf(&enc, "=%02X", c)
			}
		}
		if cur.Len()+enc.Len() > room {
			words = append(words, prefix+cur.String()+suffix)
			cur.Reset()
		}
		cur.WriteString(enc.String())
	}
	if cur.Len() > 0 {
		words = append(words, prefix+cur.String()+suffix)
	}
	return strings.Join(words, " ")
}

// writeHeader writes "Name: value" folded at spaces so that lines stay under
// 78 characters where the value allows it.
func writeHeader(b *strings.Builder, name, value string) {
	line := name + ":"
	for _, tok := range strings.Split(value, " ") {
		if len(line)+1+len(tok) > 78 && len(line) > len(name)+1 {
			b.WriteString(line)
			b.WriteString("\r\n")
			line = ""
		}
		line += " " + tok
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}

// validHeaderName reports whether name is an RFC 5322 field name.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hasControl reports whether s holds a control character.
// SafeFilename returns name as an attachment file name Validate accepts:
// path separators, control characters and invalid UTF-8 become "_", and a
// name longer than the limit is cut before its extension. An empty name
// stays empty (Validate refuses it).
func SafeFilename(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	if len(name) <= maxFilenameBytes {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	base := name[:maxFilenameBytes-len(ext)]
	for !utf8.ValidString(base) { // do not cut a character in two
		base = base[:len(base)-1]
	}
	return base + ext
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 32 || r == 127 })
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
