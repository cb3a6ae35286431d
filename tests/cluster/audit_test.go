package cluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/testkit/sesemu"
)

// sentLetter is one customer letter (statement) of the ledger.
type sentLetter struct {
	id        int64
	customer  string
	key       string
	status    string
	messageID string
	sentAt    time.Time
	subject   string
	invoices  []string // "FA0176 MED #1": the invoice letters it covered
}

// invoiceLetter is one invoice's letter at one level of the ledger.
type invoiceLetter struct {
	invoice  string
	level    string
	sequence int
	status   string
	letterID int64 // customer letter that covered it; 0 if none
}

// ledgerLetters reads the company's customer letters and invoice letters.
func ledgerLetters(ctx context.Context, schemaURL, company string) ([]sentLetter, []invoiceLetter, error) {
	conn, err := pgx.Connect(ctx, schemaURL)
	if err != nil {
		return nil, nil, fmt.Errorf("audit: connect: %w", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `
		SELECT cl.id, cu.code, cl.key, cl.status, coalesce(cl.ses_message_id, ''), coalesce(cl.sent_at, 'epoch'::timestamptz), cl.subject
		  FROM customer_letters cl
		  JOIN customers cu ON cu.id = cl.customer_id
		  JOIN companies co ON co.id = cu.company_id
		 WHERE co.code = $1
		 ORDER BY cl.id`, company)
	if err != nil {
		return nil, nil, fmt.Errorf("audit: customer letters: %w", err)
	}
	var cls []sentLetter
	for rows.Next() {
		var l sentLetter
		if err := rows.Scan(&l.id, &l.customer, &l.key, &l.status, &l.messageID, &l.sentAt, &l.subject); err != nil {
			return nil, nil, fmt.Errorf("audit: customer letters: %w", err)
		}
		cls = append(cls, l)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("audit: customer letters: %w", err)
	}
	rows, err = conn.Query(ctx, `
		SELECT i.number, l.level_code, l.sequence, l.status, coalesce(l.customer_letter_id, 0)
		  FROM letters l
		  JOIN invoices i ON i.id = l.invoice_id
		  JOIN companies co ON co.id = i.company_id
		 WHERE co.code = $1
		 ORDER BY l.id`, company)
	if err != nil {
		return nil, nil, fmt.Errorf("audit: letters: %w", err)
	}
	var ils []invoiceLetter
	for rows.Next() {
		var l invoiceLetter
		if err := rows.Scan(&l.invoice, &l.level, &l.sequence, &l.status, &l.letterID); err != nil {
			return nil, nil, fmt.Errorf("audit: letters: %w", err)
		}
		ils = append(ils, l)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("audit: letters: %w", err)
	}
	for i := range cls {
		for _, l := range ils {
			if l.letterID == cls[i].id {
				cls[i].invoices = append(cls[i].invoices, fmt.Sprintf("%s %s #%d", l.invoice, l.level, l.sequence))
			}
		}
	}
	return cls, ils, nil
}

// auditLetters compares what the emulator received with the ledger:
//   - every e-mail is one sent customer letter of the ledger (by the SES
//     message ID), and each customer letter was mailed once;
//   - no invoice's letter at one level (and sequence) went out twice, and
//     no invoice has two sent letters at one level;
//   - a customer gets at most one letter per demo day.
//
// It returns a description of the letters, for the test's log.
func auditLetters(t *testing.T, msgs []sesemu.StoredMessage, cls []sentLetter, ils []invoiceLetter, day time.Duration) string {
	t.Helper()
	var b strings.Builder
	byMsg := map[string]*sentLetter{}
	for i := range cls {
		l := &cls[i]
		fmt.Fprintf(&b, "letter %d %s %s %s at %s msg %s: %s\n", l.id, l.customer, l.status, l.subject,
			l.sentAt.Format("15:04:05.000"), l.messageID, strings.Join(l.invoices, ", "))
		if l.status != "sent" {
			continue
		}
		if l.messageID == "" {
			t.Errorf("customer letter %d is sent without an SES message ID", l.id)
			continue
		}
		byMsg[l.messageID] = l
	}
	mailed := map[string]int{}
	for _, m := range msgs {
		fmt.Fprintf(&b, "mail %s at %s to %v: %s\n", m.MessageID, m.At.Format("15:04:05"), m.To, m.Subject)
		mailed[m.MessageID]++
		if byMsg[m.MessageID] == nil {
			t.Errorf("e-mail %s (%q to %v at %s) is no sent customer letter of the ledger", m.MessageID, m.Subject, m.To, m.At.Format("15:04:05"))
		}
	}
	known := map[string]bool{}
	for _, l := range ils {
		known[l.invoice] = true
	}
	for _, m := range msgs {
		l := byMsg[m.MessageID]
		if l == nil {
			continue
		}
		for _, a := range m.Attachments {
			if a.ContentType != "application/pdf" {
				continue
			}
			rows, err := pdfRows(a.Data, known)
			if err != nil {
				t.Logf("PDF of %s not read: %v", m.MessageID, err)
				continue
			}
			// Every invoice letter of the ledger is a row of the PDF, at
			// its level when the PDF shows levels (statements mixing
			// levels). Other rows (items not due, or not at a level
			// today) only inform: their level is the ledger's mirror of
			// each invoice's last letter.
			for _, inv := range l.invoices {
				f := strings.Fields(inv)
				level, ok := rows[f[0]]
				switch {
				case !ok:
					t.Errorf("e-mail %s (letter %d, %s): %s is not in its PDF", m.MessageID, l.id, l.customer, inv)
				case level != "" && level != f[1]:
					t.Errorf("e-mail %s (letter %d, %s): its PDF shows %s at %s, the ledger's letter at %s", m.MessageID, l.id, l.customer, f[0], level, f[1])
				}
			}
		}
	}
	for id, n := range mailed {
		if n > 1 {
			t.Errorf("e-mail %s received %d times", id, n)
		}
	}
	for id, l := range byMsg {
		if mailed[id] == 0 {
			t.Errorf("customer letter %d (%s, %s) is sent in the ledger but no e-mail has its message ID", l.id, l.customer, l.subject)
		}
	}
	seen := map[string]int{}
	for _, l := range ils {
		if l.status != "sent" {
			continue
		}
		k := l.invoice + " " + l.level
		seen[k]++
		if seen[k] == 2 {
			t.Errorf("%s: two letters sent at level %s", l.invoice, l.level)
		}
	}
	perCustomer := map[string][]*sentLetter{}
	for i := range cls {
		if cls[i].status == "sent" {
			perCustomer[cls[i].customer] = append(perCustomer[cls[i].customer], &cls[i])
		}
	}
	customers := make([]string, 0, len(perCustomer))
	for c := range perCustomer {
		customers = append(customers, c)
	}
	sort.Strings(customers)
	for _, c := range customers {
		ls := perCustomer[c]
		sort.Slice(ls, func(i, j int) bool { return ls[i].sentAt.Before(ls[j].sentAt) })
		for i := 1; i < len(ls); i++ {
			// A demo day's statement round: a letter at most per day (the
			// second after a full day; a little slack for clocks).
			if gap := ls[i].sentAt.Sub(ls[i-1].sentAt); gap < day*9/10 {
				t.Errorf("%s: letters %d and %d sent %s apart, within one demo day (%s)", c, ls[i-1].id, ls[i].id, gap.Round(time.Millisecond), day)
			}
		}
	}
	return b.String()
}

// keepMails writes every e-mail's PDF (and its text, when pdftotext is
// there) and the audit into dir ($RELANCE_CLUSTER_KEEP) for a look after
// the run.
func keepMails(t *testing.T, dir string, msgs []sesemu.StoredMessage, audit string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("keep: %v", err)
		return
	}
	_ = os.WriteFile(filepath.Join(dir, "audit.txt"), []byte(audit), 0o644)
	for i, m := range msgs {
		for j, a := range m.Attachments {
			if a.ContentType != "application/pdf" {
				continue
			}
			p := filepath.Join(dir, fmt.Sprintf("%02d-%d-%s.pdf", i, j, strings.ReplaceAll(m.MessageID, "/", "_")))
			if err := os.WriteFile(p, a.Data, 0o644); err != nil {
				t.Logf("keep: %v", err)
				continue
			}
			_ = exec.Command("pdftotext", "-layout", p, strings.TrimSuffix(p, ".pdf")+".txt").Run()
		}
	}
	t.Logf("e-mails, PDFs and the ledger's letters kept in %s", dir)
}

// pdfRows reads a letter's PDF (pdftotext) and returns its item rows:
// the lines that start with one of the invoice numbers known, with the
// ladder level code that ends the line ("" when the row shows none).
func pdfRows(pdf []byte, known map[string]bool) (map[string]string, error) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return nil, err
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("pdftotext: %w", err)
	}
	levels := map[string]bool{}
	for _, lv := range ladder.Default() {
		levels[lv.Code] = true
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !known[f[0]] {
			continue
		}
		rows[f[0]] = ""
		if levels[f[len(f)-1]] {
			rows[f[0]] = f[len(f)-1]
		}
	}
	return rows, nil
}
