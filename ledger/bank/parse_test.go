package bank_test

import (
	"os"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/bank"
	"github.com/shopspring/decimal"
)

const demoIBAN = "FR7630006000011234567890189"

// want is what a test expects of one entry.
type want struct {
	ref, amount, payer, text string
	reversal                 bool
}

func check(t *testing.T, got []bank.Entry, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("%d entries, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		e := got[i]
		if e.Account != demoIBAN && e.Account != "" {
			// other accounts are checked by the caller
		}
		if e.BankRef != w.ref || !e.Amount.Equal(decimal.RequireFromString(w.amount)) || e.PayerName != w.payer ||
			!strings.Contains(e.Text(), w.text) || e.Reversal != w.reversal {
			t.Errorf("entry %d = ref %q amount %s payer %q text %q reversal %v; want %+v", i, e.BankRef, e.Amount, e.PayerName, e.Text(), e.Reversal, w)
		}
	}
}

// sampleWants are the seven entries of the shared samples, in both formats
// (CFONB references are entry numbers, CAMT ones the bank's AcctSvcrRef).
func sampleWants(cfonb bool) []want {
	ref := func(n string) string {
		if cfonb {
			return "000000" + n
		}
		return "202612040000" + n
	}
	w := []want{
		{ref("1"), "6019.20", "INFO DEBUTANT SARL", "FA 168", false},
		{ref("2"), "12276.00", "DEVELOGICIEL", "FA0167 ET FA0183", false},
		{ref("3"), "216.00", "SOROTEX SA", "", false},
		{ref("4"), "1000.00", "M ARNAUD POMMIER", "ACOMPTE SUR FA0213", false},
		{ref("5"), "924.00", "LA HALLE AUX PETITS", "RF77CLI0006FA0186", false},
		{ref("6"), "-12.50", "", "", false},
		{ref("7"), "-216.00", "SOROTEX SA", "RETOUR VIREMENT", true},
	}
	if cfonb {
		w[6].payer = "" // the return's payer is in its label only
	}
	return w
}

func TestParseSharedSamples(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, format string
		cfonb        bool
	}{
		{"testdata/camt053-sample.xml", bank.FormatCAMT053, false},
		{"testdata/cfonb120-sample.txt", bank.FormatCFONB120, true},
	} {
		t.Run(tc.format, func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := bank.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tc.format || len(f.Statements) != 1 || len(f.Problems) != 0 {
				t.Fatalf("format %s, %d statements, problems %v", f.Format, len(f.Statements), f.Problems)
			}
			s := f.Statements[0]
			if s.Account != demoIBAN || s.Opening == nil || !s.Opening.Equal(decimal.RequireFromString("15230.45")) ||
				s.Closing == nil || !s.Closing.Equal(decimal.RequireFromString("35437.15")) {
				t.Errorf("statement account %s opening %v closing %v", s.Account, s.Opening, s.Closing)
			}
			check(t, s.Entries, sampleWants(tc.cfonb))
			for _, e := range s.Entries {
				if e.BookingDate != calendar.New(2026, 12, 4) || e.Currency != "EUR" {
					t.Errorf("entry %s booked %s in %s", e.BankRef, e.BookingDate, e.Currency)
				}
			}
			// The opening balance plus the entries is the closing balance.
			sum := *s.Opening
			for _, e := range s.Entries {
				sum = sum.Add(e.Amount)
			}
			if !sum.Equal(*s.Closing) {
				t.Errorf("opening + entries = %s, closing %s", sum, s.Closing)
			}
		})
	}
}

// camt08 is a CAMT.053.001.08 statement: status as Sts/Cd, names under
// Pty, booking date as a date-time, a reversal marked RvslInd, a pending
// entry (not booked: left out), and one entry whose amount is malformed.
const camt08 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-12-08T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S8</Id>
<Acct><Id><IBAN>FR76 3000 6000 0112 3456 7890 189</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><NtryRef>N1</NtryRef><Amt Ccy="EUR">100.10</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><DtTm>2026-12-07T09:15:00+01:00</DtTm></BookgDt><AcctSvcrRef>A1</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>ACME SAS</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18 5390 0754 7034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">12,00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-07</Dt></BookgDt><AcctSvcrRef>A2</AcctSvcrRef></Ntry>
<Ntry><Amt Ccy="EUR">55.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts><BookgDt><Dt>2026-12-07</Dt></BookgDt><AcctSvcrRef>A3</AcctSvcrRef></Ntry>
<Ntry><Amt Ccy="EUR">100.10</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-07</Dt></BookgDt><AcctSvcrRef>A4</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>ACME SAS</Nm></Pty></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">1e9</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-07</Dt></BookgDt></Ntry>
<Ntry><Amt Ccy="EUR">7.00</Amt><CdtDbtInd>XXXX</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-07</Dt></BookgDt></Ntry>
<Ntry><Amt Ccy="EUR">8.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts></Ntry>
</Stmt></BkToCstmrStmt></Document>`

func TestParseCAMT053Versions(t *testing.T) {
	t.Parallel()
	f, err := bank.Parse([]byte(camt08))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != "camt.053.001.08" {
		t.Errorf("version %q", f.Version)
	}
	check(t, f.Entries(), []want{
		{"A1", "100.10", "ACME SAS", "RF18 5390 0754 7034", false},
		{"A4", "-100.10", "ACME SAS", "", true},
	})
	e := f.Entries()[0]
	if e.Account != demoIBAN || e.PayerIBAN != "DE89370400440532013000" || e.BookingDate != calendar.New(2026, 12, 7) {
		t.Errorf("entry %+v", e)
	}
	// Four bad entries, each with its own line and reason; the others read.
	if len(f.Problems) != 4 {
		t.Fatalf("problems %v", f.Problems)
	}
	for i, sub := range []string{"12,00", "1e9", "XXXX", "booking date"} {
		if p := f.Problems[i]; p.Line == 0 || !strings.Contains(p.Reason, sub) {
			t.Errorf("problem %d = %v, want one about %s", i, p, sub)
		}
	}
}

func TestParseRefusesWhatIsNotAStatement(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{
		"empty":        "  \n",
		"camt.054":     `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn/></Document>`,
		"camt.052":     `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrAcctRpt/></Document>`,
		"broken XML":   `<Document`,
		"CSV":          "number;amount\nFA1;10\n",
		"only garbage": "01 this is not a record\n99xxx\n",
	} {
		t.Run(name, func(t *testing.T) {
			f, err := bank.Parse([]byte(data))
			if err == nil && len(f.Entries()) > 0 {
				t.Fatalf("read %d entries from %s", len(f.Entries()), name)
			}
			if err == nil && len(f.Problems) == 0 {
				t.Fatalf("no error and no problem for %s", name)
			}
		})
	}
}

// cfonbLine builds a record from fields at their 1-based positions.
func cfonbLine(fields map[int]string) string {
	b := []byte(strings.Repeat(" ", 120))
	for pos, v := range fields {
		copy(b[pos-1:], v)
	}
	return string(b)
}

func rec(code, bank, branch, account, date, amount string) map[int]string {
	return map[int]string{1: code, 3: bank, 12: branch, 17: "EUR", 20: "2", 22: account, 35: date, 91: amount}
}

func with(m map[int]string, extra map[int]string) map[int]string {
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestParseCFONB120(t *testing.T) {
	t.Parallel()
	mv := func(acct, number, amount, label string) string {
		return cfonbLine(with(rec("04", "30006", "00001", acct, "071226", amount), map[int]string{33: "05", 43: "071226", 49: label, 82: number}))
	}
	comp := func(acct, q, text string) string {
		return cfonbLine(with(rec("05", "30006", "00001", acct, "071226", ""), map[int]string{46: q, 49: text}))
	}
	a1, a2 := "12345678901", "00000000042"
	lines := []string{
		cfonbLine(rec("01", "30006", "00001", a1, "061226", "0000000010000{")),
		mv(a1, "0000011", "0000000001234E", "VIR SEPA ACME"), // +123.45
		comp(a1, "NPY", "ACME INDUSTRIE"),
		comp(a1, "LCC", "FACTURES FA0001"),
		comp(a1, "LCC", "ET FA0002"),
		comp(a1, "RCN", "RF18539007547034"),
		mv(a1, "0000012", "0000000000050}", "REJET PRLV ACME"), // -5.00
		mv(a1, "0000013", "00000000001X3{", "BAD AMOUNT"),      // malformed
		comp(a1, "LCC", "COMPLEMENT OF A BAD LINE"),            // 05 after a bad 04
		mv(a1, "0000014", "0000000000123Z", "BAD SIGN"),        // malformed sign
		"99" + strings.Repeat(" ", 118),                        // unknown record
		cfonbLine(rec("07", "30006", "00001", a1, "071226", "0000000011184E")),
		// A second statement, another account, in the same file; lines
		// trimmed of their trailing spaces as some tools do.
		strings.TrimRight(cfonbLine(rec("01", "30006", "00001", a2, "061226", "0000000000000{")), " "),
		strings.TrimRight(mv(a2, "0000001", "0000000000100R", "FRAIS"), " "), // -10.09
		strings.TrimRight(cfonbLine(rec("07", "30006", "00001", a2, "071226", "0000000000100R")), " "),
	}
	for _, sep := range []string{"\r\n", "\n"} {
		f, err := bank.Parse([]byte(strings.Join(lines, sep) + sep))
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Statements) != 2 {
			t.Fatalf("%d statements, want 2", len(f.Statements))
		}
		check(t, f.Statements[0].Entries, []want{
			{"0000011", "123.45", "ACME INDUSTRIE", "FACTURES FA0001 | ET FA0002", false},
			{"0000012", "-5.00", "", "", true},
		})
		if refs := f.Statements[0].Entries[0].CreditorRefs; len(refs) != 1 || refs[0] != "RF18539007547034" {
			t.Errorf("creditor refs %v", refs)
		}
		check(t, f.Statements[1].Entries, []want{{"0000001", "-10.09", "", "", false}})
		if f.Statements[1].Account == f.Statements[0].Account || !strings.HasPrefix(f.Statements[1].Account, "FR") {
			t.Errorf("accounts %s and %s", f.Statements[0].Account, f.Statements[1].Account)
		}
		var lineNos []int
		for _, p := range f.Problems {
			lineNos = append(lineNos, p.Line)
		}
		if len(lineNos) != 4 || lineNos[0] != 8 || lineNos[1] != 9 || lineNos[2] != 10 || lineNos[3] != 11 {
			t.Errorf("problems %v, want lines 8, 9, 10, 11", f.Problems)
		}
	}
	// Without line breaks: 120 characters a record.
	f, err := bank.Parse([]byte(strings.Join(lines[:7], "")))
	if err != nil || len(f.Entries()) != 2 {
		t.Fatalf("unbroken file: %d entries, %v", len(f.Entries()), err)
	}
}

func TestSignedAmount(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		dec  int32
		want string
	}{
		{"0000000060192{", 2, "6019.20"},
		{"0000000000125}", 2, "-12.50"},
		{"0000000000001A", 2, "0.11"},
		{"0000000000001I", 2, "0.19"},
		{"0000000000001J", 2, "-0.11"},
		{"0000000000001R", 2, "-0.19"},
		{"0000000000012E", 0, "125"},
		{"0000000000012E", 3, "0.125"},
	} {
		got, err := bank.SignedAmount(tc.in, tc.dec)
		if err != nil || !got.Equal(decimal.RequireFromString(tc.want)) {
			t.Errorf("SignedAmount(%q, %d) = %s, %v; want %s", tc.in, tc.dec, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "000000000001Z", "00000X0000001A", "99999999999999{"} {
		if _, err := bank.SignedAmount(bad, 2); err == nil {
			t.Errorf("SignedAmount(%q) accepted", bad)
		}
	}
}

func TestRIBToIBANAndRF(t *testing.T) {
	t.Parallel()
	if got, err := bank.RIBToIBAN("30006", "00001", "12345678901"); err != nil || got != demoIBAN {
		t.Errorf("RIBToIBAN = %s, %v", got, err)
	}
	if got, err := bank.CreditorReference("CLI0006 FA0186"); err != nil || got != "RF77CLI0006FA0186" {
		t.Errorf("CreditorReference = %s, %v", got, err)
	}
	for in, want := range map[string]string{
		"RF77CLI0006FA0186":   "CLI0006FA0186",
		"rf77 cli0006-fa0186": "CLI0006FA0186",
		"RF18 5390 0754 7034": "539007547034",
		"RF78CLI0006FA0186":   "",
		"RF77":                "",
		"FR7630006000011234":  "",
	} {
		body, ok := bank.ParseCreditorReference(in)
		if body != want || ok != (want != "") {
			t.Errorf("ParseCreditorReference(%q) = %q, %v; want %q", in, body, ok, want)
		}
	}
}

func TestWritersRoundTrip(t *testing.T) {
	t.Parallel()
	data, _ := os.ReadFile("testdata/camt053-sample.xml")
	f, err := bank.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"001.02", "001.08"} {
		out, err := bank.WriteCAMT053(f.Statements, v)
		if err != nil {
			t.Fatal(err)
		}
		g, err := bank.Parse(out)
		if err != nil || len(g.Problems) > 0 {
			t.Fatalf("%s: %v %v", v, err, g.Problems)
		}
		check(t, g.Entries(), sampleWants(false))
		for i, e := range g.Entries() {
			if e.Identity().String() != f.Entries()[i].Identity().String() {
				t.Errorf("%s entry %d: identity %s, was %s", v, i, e.Identity(), f.Entries()[i].Identity())
			}
		}
	}
	out, err := bank.WriteCFONB120(f.Statements)
	if err != nil {
		t.Fatal(err)
	}
	g, err := bank.Parse(out)
	if err != nil || len(g.Problems) > 0 || len(g.Entries()) != 7 {
		t.Fatalf("CFONB: %v %v %d", err, g.Problems, len(g.Entries()))
	}
	if e := g.Entries()[1]; !e.Amount.Equal(decimal.RequireFromString("12276")) || e.PayerName != "DEVELOGICIEL" {
		t.Errorf("CFONB entry %+v", e)
	}
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	e := bank.Entry{Account: demoIBAN, BankRef: "R1", BookingDate: calendar.New(2026, 12, 4), Amount: decimal.RequireFromString("10.00"), PayerName: "A"}
	same := e
	same.PayerName = "B" // content differs, the bank's reference decides
	if e.Identity().String() != same.Identity().String() {
		t.Error("entries with the same bank reference differ")
	}
	e.BankRef, same.BankRef = "", ""
	if e.Identity().String() == same.Identity().String() {
		t.Error("entries without a reference and with different content are the same")
	}
	again := e
	if e.Identity().String() != again.Identity().String() {
		t.Error("an entry without reference is not stable")
	}
}
