package bank

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// WriteCAMT053 writes statements as a CAMT.053 file of version "001.02" or
// "001.08" (the generator and the tests use it; banks write their own).
func WriteCAMT053(stmts []Statement, version string) ([]byte, error) {
	if version != "001.02" && version != "001.08" {
		return nil, fmt.Errorf("CAMT.053 version %q: 001.02 or 001.08", version)
	}
	v8 := version == "001.08"
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.%s\">\n<BkToCstmrStmt>\n", version)
	fmt.Fprintf(&b, "<GrpHdr><MsgId>%s</MsgId><CreDtTm>%sT06:00:00</CreDtTm></GrpHdr>\n", esc(firstStmtID(stmts)), stmtDate(stmts))
	for _, s := range stmts {
		fmt.Fprintf(&b, "<Stmt>\n<Id>%s</Id>\n", esc(s.ID))
		fmt.Fprintf(&b, "<FrToDt><FrDtTm>%sT00:00:00</FrDtTm><ToDtTm>%sT23:59:59</ToDtTm></FrToDt>\n", s.From, s.To)
		fmt.Fprintf(&b, "<Acct><Id><IBAN>%s</IBAN></Id><Ccy>%s</Ccy></Acct>\n", esc(s.Account), esc(s.Currency))
		if s.Opening != nil {
			writeBal(&b, "OPBD", *s.Opening, s.Currency, s.From.String())
		}
		if s.Closing != nil {
			writeBal(&b, "CLBD", *s.Closing, s.Currency, s.To.String())
		}
		for _, e := range s.Entries {
			ind := "CRDT"
			if e.Amount.IsNegative() {
				ind = "DBIT"
			}
			b.WriteString("<Ntry>\n")
			fmt.Fprintf(&b, "<Amt Ccy=\"%s\">%s</Amt><CdtDbtInd>%s</CdtDbtInd>", esc(e.Currency), e.Amount.Abs().StringFixed(2), ind)
			if e.Reversal {
				b.WriteString("<RvslInd>true</RvslInd>")
			}
			if v8 {
				b.WriteString("<Sts><Cd>BOOK</Cd></Sts>")
				fmt.Fprintf(&b, "<BookgDt><DtTm>%sT10:00:00+01:00</DtTm></BookgDt>", e.BookingDate)
			} else {
				b.WriteString("<Sts>BOOK</Sts>")
				fmt.Fprintf(&b, "<BookgDt><Dt>%s</Dt></BookgDt>", e.BookingDate)
			}
			if !e.ValueDate.IsZero() {
				fmt.Fprintf(&b, "<ValDt><Dt>%s</Dt></ValDt>", e.ValueDate)
			}
			if e.BankRef != "" {
				fmt.Fprintf(&b, "<AcctSvcrRef>%s</AcctSvcrRef>", esc(e.BankRef))
			}
			if parts := strings.Split(e.BankCode, "/"); len(parts) == 3 {
				fmt.Fprintf(&b, "<BkTxCd><Domn><Cd>%s</Cd><Fmly><Cd>%s</Cd><SubFmlyCd>%s</SubFmlyCd></Fmly></Domn></BkTxCd>", esc(parts[0]), esc(parts[1]), esc(parts[2]))
			}
			if e.Label != "" {
				fmt.Fprintf(&b, "<AddtlNtryInf>%s</AddtlNtryInf>", esc(e.Label))
			}
			b.WriteString("\n<NtryDtls><TxDtls>")
			if e.EndToEndID != "" {
				fmt.Fprintf(&b, "<Refs><EndToEndId>%s</EndToEndId></Refs>", esc(e.EndToEndID))
			}
			if e.PayerName != "" || e.PayerIBAN != "" {
				b.WriteString("<RltdPties>")
				if e.PayerName != "" {
					if v8 {
						fmt.Fprintf(&b, "<Dbtr><Pty><Nm>%s</Nm></Pty></Dbtr>", esc(e.PayerName))
					} else {
						fmt.Fprintf(&b, "<Dbtr><Nm>%s</Nm></Dbtr>", esc(e.PayerName))
					}
				}
				if e.PayerIBAN != "" {
					fmt.Fprintf(&b, "<DbtrAcct><Id><IBAN>%s</IBAN></Id></DbtrAcct>", esc(e.PayerIBAN))
				}
				b.WriteString("</RltdPties>")
			}
			if len(e.Remittance) > 0 || len(e.CreditorRefs) > 0 {
				b.WriteString("<RmtInf>")
				for _, u := range e.Remittance {
					fmt.Fprintf(&b, "<Ustrd>%s</Ustrd>", esc(u))
				}
				for _, r := range e.CreditorRefs {
					fmt.Fprintf(&b, "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>%s</Ref></CdtrRefInf></Strd>", esc(r))
				}
				b.WriteString("</RmtInf>")
			}
			b.WriteString("</TxDtls></NtryDtls>\n</Ntry>\n")
		}
		b.WriteString("</Stmt>\n")
	}
	b.WriteString("</BkToCstmrStmt>\n</Document>\n")
	return b.Bytes(), nil
}

func writeBal(b *bytes.Buffer, code string, v decimal.Decimal, cur, date string) {
	ind := "CRDT"
	if v.IsNegative() {
		ind = "DBIT"
	}
	fmt.Fprintf(b, "<Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt Ccy=\"%s\">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Dt><Dt>%s</Dt></Dt></Bal>\n",
		code, esc(cur), v.Abs().StringFixed(2), ind, date)
}

func firstStmtID(stmts []Statement) string {
	if len(stmts) == 0 {
		return "EMPTY"
	}
	return stmts[0].ID
}

func stmtDate(stmts []Statement) string {
	if len(stmts) == 0 || stmts[0].To.IsZero() {
		return "2000-01-01"
	}
	return stmts[0].To.String()
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// WriteCFONB120 writes statements as a CFONB 120 file with CRLF line ends:
// for each statement a 01, the 04 of each entry followed by its 05
// complements (NPY payer name, LCC remittance text, RCN creditor
// reference), and a 07. Accounts must be French IBANs.
func WriteCFONB120(stmts []Statement) ([]byte, error) {
	var b bytes.Buffer
	for _, s := range stmts {
		acct := NormalizeIBAN(s.Account)
		if len(acct) != 27 || !strings.HasPrefix(acct, "FR") {
			return nil, fmt.Errorf("account %s is not a French IBAN", s.Account)
		}
		bank, branch, number := acct[4:9], acct[9:14], acct[14:25]
		head := func(code, op string) string {
			return fmt.Sprintf("%s%s%-4s%s%-3s2 %s", code, bank, op, branch, s.Currency, number)
		}
		open, closing := decimal.Zero, decimal.Zero
		if s.Opening != nil {
			open = *s.Opening
		}
		if s.Closing != nil {
			closing = *s.Closing
		}
		b.WriteString(pad(head("01", "")+"  "+ddmmyyOf(s.From.String()), 90) + signed(open) + strings.Repeat(" ", 16) + "\r\n")
		for i, e := range s.Entries {
			op := "05"
			ref := e.BankRef
			if ref == "" {
				ref = fmt.Sprintf("%07d", i+1)
			}
			label := e.Label
			if label == "" {
				label = "VIR SEPA " + e.PayerName
			}
			line := head("04", "0158") + op + ddmmyyOf(e.BookingDate.String()) + "  " + ddmmyyOf(firstDate(e)) +
				fit(label, 31) + "  " + fit(ref, 7) + "  " + signed(e.Amount) + fit(e.EndToEndID, 16)
			b.WriteString(line + "\r\n")
			comp := func(q, text string) {
				b.WriteString(pad(head("05", "0158")+op+ddmmyyOf(e.BookingDate.String())+"     "+q+fit(text, 70), 120) + "\r\n")
			}
			if e.PayerName != "" {
				comp("NPY", e.PayerName)
			}
			for _, u := range e.Remittance {
				comp("LCC", u)
			}
			for _, r := range e.CreditorRefs {
				comp("RCN", r)
			}
		}
		b.WriteString(pad(head("07", "")+"  "+ddmmyyOf(s.To.String()), 90) + signed(closing) + strings.Repeat(" ", 16) + "\r\n")
	}
	return b.Bytes(), nil
}

func firstDate(e Entry) string {
	if !e.ValueDate.IsZero() {
		return e.ValueDate.String()
	}
	return e.BookingDate.String()
}

// ddmmyyOf turns 2026-12-04 into 041226.
func ddmmyyOf(iso string) string {
	if len(iso) != 10 {
		return "000000"
	}
	return iso[8:10] + iso[5:7] + iso[2:4]
}

// signed writes v with two decimals in 14 characters, the last one
// carrying the sign.
func signed(v decimal.Decimal) string {
	digits := fmt.Sprintf("%014s", v.Abs().Shift(2).Round(0).String())
	last := digits[13] - '0'
	var c byte
	switch {
	case v.IsNegative() && last == 0:
		c = '}'
	case v.IsNegative():
		c = 'J' + last - 1
	case last == 0:
		c = '{'
	default:
		c = 'A' + last - 1
	}
	return digits[:13] + string(c)
}

func fit(s string, n int) string {
	r := []rune(strings.ToUpper(s))
	if len(r) > n {
		r = r[:n]
	}
	return string(r) + strings.Repeat(" ", n-len(r))
}

func pad(s string, n int) string {
	if l := len([]rune(s)); l < n {
		return s + strings.Repeat(" ", n-l)
	}
	return s
}
