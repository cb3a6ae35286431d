package bank

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/shopspring/decimal"
)

// camtNamespace is the start of every CAMT.053 namespace; the version
// follows (001.02, 001.08...).
const camtNamespace = "urn:iso:std:iso:20022:tech:xsd:camt.053."

// maxAmount bounds an amount to what the ledger stores (numeric(14,2)).
var maxAmount = decimal.New(1, 12)

// ParseCAMT053 reads an ISO 20022 CAMT.053 statement file (versions
// 001.02 and 001.08; elements are matched by local name, so later
// versions of the same shape read too). Only booked entries (Sts BOOK)
// are returned; a malformed entry is a Problem and the others are read.
func ParseCAMT053(data []byte) (File, error) {
	f := File{Format: FormatCAMT053}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	var st *Statement
	var inStmt bool
	rootSeen := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			if !rootSeen {
				return f, fmt.Errorf("%w: malformed XML at line %d: %v", ErrFormat, line, err)
			}
			f.Problems = append(f.Problems, Problem{Line: line, Reason: "malformed XML, the rest of the file is not read: " + err.Error()})
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "Stmt" && inStmt {
				f.Statements = append(f.Statements, *st)
				st, inStmt = nil, false
			}
			continue
		}
		line, _ := d.InputPos()
		if !rootSeen {
			rootSeen = true
			if se.Name.Local != "Document" || !strings.HasPrefix(se.Name.Space, camtNamespace) {
				return f, fmt.Errorf("%w: root element %s in namespace %q is not a CAMT.053 Document", ErrFormat, se.Name.Local, se.Name.Space)
			}
			f.Version = strings.TrimPrefix(se.Name.Space, "urn:iso:std:iso:20022:tech:xsd:")
			continue
		}
		switch se.Name.Local {
		case "BkToCstmrAcctRpt", "BkToCstmrDbtCdtNtfctn":
			return f, fmt.Errorf("%w: %s is a report or a notification, not a statement", ErrFormat, se.Name.Local)
		case "Stmt":
			st, inStmt = &Statement{}, true
		case "Id":
			if inStmt && st.ID == "" && len(st.Entries) == 0 {
				var s string
				if err := d.DecodeElement(&s, &se); err == nil {
					st.ID = strings.TrimSpace(s)
				}
			}
		case "FrToDt":
			if inStmt {
				var v struct {
					FrDtTm string `xml:"FrDtTm"`
					ToDtTm string `xml:"ToDtTm"`
				}
				if err := d.DecodeElement(&v, &se); err == nil {
					st.From, _ = isoDate(v.FrDtTm)
					st.To, _ = isoDate(v.ToDtTm)
				}
			}
		case "Acct":
			if inStmt {
				var v struct {
					Id  accountID `xml:"Id"`
					Ccy string    `xml:"Ccy"`
				}
				if err := d.DecodeElement(&v, &se); err != nil {
					f.Problems = append(f.Problems, Problem{Line: line, Reason: "unreadable account: " + err.Error()})
					continue
				}
				st.Account, st.Currency = v.Id.best(), strings.TrimSpace(v.Ccy)
			}
		case "Bal":
			if inStmt {
				var v balXML
				if err := d.DecodeElement(&v, &se); err == nil {
					v.apply(st)
				}
			}
		case "Ntry":
			if !inStmt {
				continue
			}
			var n ntryXML
			if err := d.DecodeElement(&n, &se); err != nil {
				f.Problems = append(f.Problems, Problem{Line: line, Reason: "unreadable entry: " + err.Error()})
				continue
			}
			e, booked, err := n.entry(st)
			if err != nil {
				f.Problems = append(f.Problems, Problem{Line: line, Reason: err.Error()})
				continue
			}
			if booked {
				e.Line = line
				st.Entries = append(st.Entries, e)
			}
		}
	}
	if inStmt && st != nil {
		f.Statements = append(f.Statements, *st)
	}
	if !rootSeen {
		return f, fmt.Errorf("%w: no XML element", ErrFormat)
	}
	for i, s := range f.Statements {
		if s.Account == "" {
			f.Problems = append(f.Problems, Problem{Reason: fmt.Sprintf("statement %d (%s) names no account: its entries are not read", i+1, s.ID)})
			f.Statements[i].Entries = nil
		}
	}
	return f, nil
}

// charsetReader accepts the encodings statements declare: UTF-8 and, as
// some banks do, ISO-8859-1.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "iso8859-1", "latin1", "iso-8859-15", "windows-1252":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		return strings.NewReader(latin1(b)), nil
	}
	return nil, fmt.Errorf("encoding %q is not supported (UTF-8 or ISO-8859-1)", label)
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

type accountID struct {
	IBAN string `xml:"IBAN"`
	Othr struct {
		Id string `xml:"Id"`
	} `xml:"Othr"`
}

func (a accountID) best() string {
	if a.IBAN != "" {
		return NormalizeIBAN(a.IBAN)
	}
	return NormalizeIBAN(a.Othr.Id)
}

type amtXML struct {
	Value string `xml:",chardata"`
	Ccy   string `xml:"Ccy,attr"`
}

type dateXML struct {
	Dt   string `xml:"Dt"`
	DtTm string `xml:"DtTm"`
}

func (d dateXML) date() (calendar.Date, error) {
	if strings.TrimSpace(d.Dt) != "" {
		return isoDate(d.Dt)
	}
	return isoDate(d.DtTm)
}

// isoDate reads the date part of an ISO date or date-time.
func isoDate(s string) (calendar.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) > 10 {
		s = s[:10]
	}
	if s == "" {
		return calendar.Date{}, errors.New("date missing")
	}
	return calendar.Parse(s)
}

type balXML struct {
	Tp struct {
		CdOrPrtry struct {
			Cd string `xml:"Cd"`
		} `xml:"CdOrPrtry"`
	} `xml:"Tp"`
	Amt       amtXML `xml:"Amt"`
	CdtDbtInd string `xml:"CdtDbtInd"`
}

func (b balXML) apply(st *Statement) {
	v, err := decimal.NewFromString(strings.TrimSpace(b.Amt.Value))
	if err != nil {
		return
	}
	if strings.TrimSpace(b.CdtDbtInd) == "DBIT" {
		v = v.Neg()
	}
	switch strings.TrimSpace(b.Tp.CdOrPrtry.Cd) {
	case "OPBD", "PRCD":
		st.Opening = &v
	case "CLBD":
		st.Closing = &v
	}
}

// status is Sts as text (001.02) or Sts/Cd (001.08 and later).
type status struct {
	Text string `xml:",chardata"`
	Cd   string `xml:"Cd"`
}

func (s status) code() string {
	if c := strings.TrimSpace(s.Cd); c != "" {
		return c
	}
	return strings.TrimSpace(s.Text)
}

// party is a name as 001.02 writes it (Dbtr/Nm) or as 001.08 does
// (Dbtr/Pty/Nm).
type party struct {
	Nm  string `xml:"Nm"`
	Pty struct {
		Nm string `xml:"Nm"`
	} `xml:"Pty"`
}

func (p party) name() string {
	if n := strings.TrimSpace(p.Nm); n != "" {
		return n
	}
	return strings.TrimSpace(p.Pty.Nm)
}

type bkTxCd struct {
	Domn struct {
		Cd   string `xml:"Cd"`
		Fmly struct {
			Cd        string `xml:"Cd"`
			SubFmlyCd string `xml:"SubFmlyCd"`
		} `xml:"Fmly"`
	} `xml:"Domn"`
	Prtry struct {
		Cd string `xml:"Cd"`
	} `xml:"Prtry"`
}

func (b bkTxCd) code() string {
	if b.Domn.Cd != "" {
		return strings.Join([]string{strings.TrimSpace(b.Domn.Cd), strings.TrimSpace(b.Domn.Fmly.Cd), strings.TrimSpace(b.Domn.Fmly.SubFmlyCd)}, "/")
	}
	return strings.TrimSpace(b.Prtry.Cd)
}

// returnSubFamilies are ISO bank transaction sub-families of reversals:
// returned or cancelled transfers, unpaid direct debits.
var returnSubFamilies = map[string]bool{"RRTN": true, "RPCR": true, "UPDD": true, "ARET": true, "PRDD": true}

type txXML struct {
	Refs struct {
		EndToEndId string `xml:"EndToEndId"`
	} `xml:"Refs"`
	RltdPties struct {
		Dbtr     party `xml:"Dbtr"`
		DbtrAcct struct {
			Id accountID `xml:"Id"`
		} `xml:"DbtrAcct"`
		UltmtDbtr party `xml:"UltmtDbtr"`
		Cdtr      party `xml:"Cdtr"`
		CdtrAcct  struct {
			Id accountID `xml:"Id"`
		} `xml:"CdtrAcct"`
	} `xml:"RltdPties"`
	RmtInf struct {
		Ustrd []string `xml:"Ustrd"`
		Strd  []struct {
			CdtrRefInf struct {
				Ref string `xml:"Ref"`
			} `xml:"CdtrRefInf"`
			RfrdDocInf []struct {
				Nb string `xml:"Nb"`
			} `xml:"RfrdDocInf"`
			AddtlRmtInf []string `xml:"AddtlRmtInf"`
		} `xml:"Strd"`
	} `xml:"RmtInf"`
	RtrInf *struct {
		AddtlInf []string `xml:"AddtlInf"`
	} `xml:"RtrInf"`
	BkTxCd     bkTxCd `xml:"BkTxCd"`
	AddtlTxInf string `xml:"AddtlTxInf"`
}

type ntryXML struct {
	NtryRef      string  `xml:"NtryRef"`
	Amt          amtXML  `xml:"Amt"`
	CdtDbtInd    string  `xml:"CdtDbtInd"`
	RvslInd      string  `xml:"RvslInd"`
	Sts          status  `xml:"Sts"`
	BookgDt      dateXML `xml:"BookgDt"`
	ValDt        dateXML `xml:"ValDt"`
	AcctSvcrRef  string  `xml:"AcctSvcrRef"`
	BkTxCd       bkTxCd  `xml:"BkTxCd"`
	AddtlNtryInf string  `xml:"AddtlNtryInf"`
	NtryDtls     []struct {
		TxDtls []txXML `xml:"TxDtls"`
	} `xml:"NtryDtls"`
}

// entry turns a CAMT entry into an Entry; booked is false for pending or
// information-only entries, which are not kept.
func (n ntryXML) entry(st *Statement) (Entry, bool, error) {
	var e Entry
	if sts := n.Sts.code(); sts != "" && sts != "BOOK" {
		return e, false, nil
	}
	amount, err := parseAmount(n.Amt.Value)
	if err != nil {
		return e, false, fmt.Errorf("entry %s: %w", n.ref(), err)
	}
	switch strings.TrimSpace(n.CdtDbtInd) {
	case "CRDT":
	case "DBIT":
		amount = amount.Neg()
	default:
		return e, false, fmt.Errorf("entry %s: CdtDbtInd %q is neither CRDT nor DBIT", n.ref(), n.CdtDbtInd)
	}
	if e.BookingDate, err = n.BookgDt.date(); err != nil {
		return e, false, fmt.Errorf("entry %s: booking date: %w", n.ref(), err)
	}
	e.ValueDate, _ = n.ValDt.date()
	e.Account, e.Amount = st.Account, amount
	e.Currency = strings.TrimSpace(n.Amt.Ccy)
	if e.Currency == "" {
		e.Currency = st.Currency
	}
	if !money.KnownCurrency(e.Currency) {
		return e, false, fmt.Errorf("entry %s: unknown currency %q", n.ref(), e.Currency)
	}
	e.BankRef = clean(n.AcctSvcrRef, 64)
	if e.BankRef == "" {
		e.BankRef = clean(n.NtryRef, 64)
	}
	e.BankCode = n.BkTxCd.code()
	e.Label = clean(n.AddtlNtryInf, 500)
	e.Reversal = strings.EqualFold(strings.TrimSpace(n.RvslInd), "true") || returnSubFamilies[strings.TrimSpace(n.BkTxCd.Domn.Fmly.SubFmlyCd)]
	for _, d := range n.NtryDtls {
		for _, tx := range d.TxDtls {
			e.addTx(tx)
		}
	}
	return e, true, nil
}

func (n ntryXML) ref() string {
	if r := strings.TrimSpace(n.AcctSvcrRef); r != "" {
		return clean(r, 64)
	}
	return clean(n.NtryRef, 64)
}

func (e *Entry) addTx(tx txXML) {
	if e.EndToEndID == "" {
		if id := clean(tx.Refs.EndToEndId, 64); !strings.EqualFold(id, "NOTPROVIDED") {
			e.EndToEndID = id
		}
	}
	p := tx.RltdPties
	if e.PayerName == "" {
		e.PayerName = clean(firstOf(p.Dbtr.name(), p.UltmtDbtr.name()), 140)
		if e.PayerName == "" && !e.Credit() {
			e.PayerName = clean(p.Cdtr.name(), 140)
		}
	}
	if e.PayerIBAN == "" {
		e.PayerIBAN = p.DbtrAcct.Id.best()
		if e.PayerIBAN == "" && !e.Credit() {
			e.PayerIBAN = p.CdtrAcct.Id.best()
		}
	}
	for _, u := range tx.RmtInf.Ustrd {
		if u = clean(u, 500); u != "" {
			e.Remittance = append(e.Remittance, u)
		}
	}
	for _, s := range tx.RmtInf.Strd {
		if r := clean(s.CdtrRefInf.Ref, 64); r != "" {
			e.CreditorRefs = append(e.CreditorRefs, r)
		}
		for _, doc := range s.RfrdDocInf {
			if nb := clean(doc.Nb, 64); nb != "" {
				e.Remittance = append(e.Remittance, nb)
			}
		}
		for _, a := range s.AddtlRmtInf {
			if a = clean(a, 500); a != "" {
				e.Remittance = append(e.Remittance, a)
			}
		}
	}
	if tx.RtrInf != nil {
		e.Reversal = true
		for _, a := range tx.RtrInf.AddtlInf {
			if a = clean(a, 500); a != "" {
				e.Remittance = append(e.Remittance, a)
			}
		}
	}
	if returnSubFamilies[strings.TrimSpace(tx.BkTxCd.Domn.Fmly.SubFmlyCd)] {
		e.Reversal = true
	}
	if a := clean(tx.AddtlTxInf, 500); a != "" && e.Label == "" {
		e.Label = a
	}
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// parseAmount reads a non-negative amount with at most two decimals that
// the ledger can hold.
func parseAmount(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	v, err := decimal.NewFromString(s)
	switch {
	case s == "":
		return v, errors.New("amount missing")
	case err != nil || strings.ContainsAny(s, "eE"):
		return v, fmt.Errorf("amount %q is not a decimal number", trunc(s, 30))
	case v.IsNegative():
		return v, fmt.Errorf("amount %s is negative (the sign is CdtDbtInd)", s)
	case !v.Equal(v.Round(2)):
		return v, fmt.Errorf("amount %s has more than two decimals", s)
	case v.Abs().GreaterThanOrEqual(maxAmount):
		return v, fmt.Errorf("amount %s is too large", trunc(s, 30))
	}
	return v, nil
}

// clean trims s, turns control characters into spaces, collapses runs of
// spaces and cuts s to at most n runes.
func clean(s string, n int) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		if r < 0x20 || r == 0x7f || r == '\uFFFD' {
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return trunc(strings.TrimSpace(b.String()), n)
}

func trunc(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
