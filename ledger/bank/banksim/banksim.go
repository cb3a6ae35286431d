// Package banksim makes a month of a real-shaped ledger (a few hundred
// customers, invoices, credit notes, instalments) and the bank statements
// its customers' payments would produce, with the remittance texts real
// payers write: the letter's RF reference, invoice numbers in free text
// written loosely, a typo, several invoices in one transfer, a deposit, no
// reference at all, a payer whose name is not the customer's, returned
// transfers, bank fees. Run imports the statements day after day through
// the caller's import function and measures the matching against what
// each payer meant.
package banksim

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// Options shape a month.
type Options struct {
	Seed      uint64
	Company   string        // company code, created with the account below
	Account   string        // the company's IBAN
	Customers int           // a few hundred
	Month     calendar.Date // first day of the month of the statements
}

// Defaults fills the options' zero values.
func (o *Options) Defaults() {
	if o.Company == "" {
		o.Company = "SIMU"
	}
	if o.Account == "" {
		// Not the demo company's account: both may live in one database.
		o.Account, _ = bank.RIBToIBAN("30004", "00823", "00012345678")
	}
	if o.Customers == 0 {
		o.Customers = 300
	}
	if o.Month.IsZero() {
		o.Month = calendar.New(2026, 11, 1)
	}
}

// Customer is a generated customer.
type Customer struct {
	Code, Name, Kind string
	IBAN             string
	payer            string // how its bank writes its name
}

// Invoice is a generated invoice or credit note.
type Invoice struct {
	Number, Customer, Kind string
	Issue, Due             calendar.Date
	Amount                 decimal.Decimal
	Instalments            []store.Instalment
}

// Kind of payment a payer made (what the simulation measures by).
const (
	KindRF        = "rf_reference"
	KindLetterRef = "letter_reference"
	KindNumber    = "invoice_number"
	KindSeveral   = "several_invoices"
	KindTypo      = "typo"
	KindPartial   = "partial"
	KindExcess    = "excess"
	KindNoRef     = "no_reference"
	KindOtherName = "other_payer_name"
	KindKnownIBAN = "known_iban_no_reference"
	KindInstal    = "instalment"
	KindCreditNet = "net_of_credit_note"
	KindReversal  = "reversal"
	KindFee       = "bank_fee"
)

// Truth is what a payer meant by one entry.
type Truth struct {
	Kind      string
	Customer  string
	Invoices  []string // the invoices it pays (any of them may get money)
	OnAccount bool     // part of it may go on the customer's account
	Reverses  string   // for a return: the bank reference of the credit
}

// Month is a generated ledger and its statements.
type Month struct {
	Options   Options
	Customers []Customer
	Invoices  []Invoice
	// Days are the statement files, one a working day, in formats that
	// change from day to day (CAMT.053 001.02, 001.08, CFONB 120).
	Days []Day
	// Truth by bank reference.
	Truth map[string]Truth
}

// Day is one day's statement file.
type Day struct {
	Date   calendar.Date
	Format string
	File   []byte
}

var (
	trades   = []string{"Boulangerie", "Garage", "Cabinet", "Atelier", "Transports", "Menuiserie", "Pharmacie", "Hôtel", "Imprimerie", "Librairie", "Fromagerie", "Plomberie", "Électricité", "Restaurant", "Fleurs", "Optique", "Carrosserie", "Boucherie", "Architecture", "Informatique"}
	surnames = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas"}
	givens   = []string{"Marie", "Jean", "Pierre", "Sophie", "Luc", "Claire", "Paul", "Anne", "Marc", "Julie", "Éric", "Nathalie"}
	forms    = []string{"SARL", "SAS", "SA", "EURL", ""}
	places   = []string{"du Centre", "de la Gare", "des Lilas", "du Port", "Saint-Michel", "de l'Étoile", "du Marché", "des Alpes"}
)

// Generate makes a month from opts (the same seed gives the same month).
func Generate(opts Options) Month {
	opts.Defaults()
	r := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed))
	m := Month{Options: opts, Truth: map[string]Truth{}}
	usedNames := map[string]bool{}
	for i := 0; i < opts.Customers; i++ {
		c := Customer{Code: fmt.Sprintf("C%05d", i+1), Kind: "business"}
		for {
			if r.IntN(5) == 0 {
				c.Kind = "individual"
				c.Name = strings.ToUpper(pick(r, surnames)) + " " + pick(r, givens)
			} else {
				c.Name = strings.TrimSpace(pick(r, trades) + " " + pick(r, surnames) + " " + pick(r, []string{"", "", pick(r, places)}) + " " + pick(r, forms))
				c.Name = strings.Join(strings.Fields(c.Name), " ")
			}
			if !usedNames[c.Name] {
				break
			}
		}
		usedNames[c.Name] = true
		c.payer = payerName(r, c)
		c.IBAN, _ = bank.RIBToIBAN(fmt.Sprintf("%05d", 10000+r.IntN(89999)), fmt.Sprintf("%05d", r.IntN(99999)), fmt.Sprintf("%011d", r.Int64N(99999999999)))
		m.Customers = append(m.Customers, c)
	}
	// Invoices issued over the two previous months, due in the month or
	// before; some customers also have a credit note, a few invoices are
	// paid in three instalments.
	next := 1000
	monthEnd := opts.Month.UTC().AddDate(0, 1, -1)
	for _, c := range m.Customers {
		n := 1 + r.IntN(3)
		for k := 0; k < n; k++ {
			due := opts.Month.AddDays(r.IntN(monthEnd.Day()) - 10)
			inv := Invoice{Number: fmt.Sprintf("FC%06d", next), Customer: c.Code, Kind: "invoice", Due: due, Issue: due.AddDays(-30),
				Amount: decimal.New(int64(3000+r.IntN(1500000)), -2)}
			next++
			if r.IntN(25) == 0 {
				third := inv.Amount.Div(decimal.NewFromInt(3)).Round(2)
				inv.Instalments = []store.Instalment{
					{Seq: 1, DueDate: due, Amount: third, Balance: third},
					{Seq: 2, DueDate: due.AddDays(30), Amount: third, Balance: third},
					{Seq: 3, DueDate: due.AddDays(60), Amount: inv.Amount.Sub(third.Mul(decimal.NewFromInt(2))), Balance: inv.Amount.Sub(third.Mul(decimal.NewFromInt(2)))},
				}
			}
			m.Invoices = append(m.Invoices, inv)
		}
		if r.IntN(15) == 0 {
			m.Invoices = append(m.Invoices, Invoice{Number: fmt.Sprintf("AV%06d", next), Customer: c.Code, Kind: "credit_note",
				Issue: opts.Month.AddDays(-5), Due: opts.Month.AddDays(-5), Amount: decimal.New(-int64(1000+r.IntN(20000)), -2)})
			next++
		}
	}
	m.payments(r)
	return m
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// payerName is how a customer's bank writes its name: upper case, accents
// gone, legal form sometimes dropped or put first.
func payerName(r *rand.Rand, c Customer) string {
	name := strings.ToUpper(stripAccents(c.Name))
	switch r.IntN(4) {
	case 0:
		for _, f := range forms {
			if f != "" && strings.HasSuffix(name, " "+f) {
				return f + " " + strings.TrimSuffix(name, " "+f)
			}
		}
	case 1:
		for _, f := range forms {
			if f != "" && strings.HasSuffix(name, " "+f) {
				return strings.TrimSuffix(name, " "+f)
			}
		}
	}
	if c.Kind == "individual" {
		parts := strings.Fields(name)
		return "M " + strings.Join(append(parts[1:], parts[0]), " ")
	}
	return name
}

func stripAccents(s string) string {
	return strings.NewReplacer("é", "e", "è", "e", "ê", "e", "É", "E", "à", "a", "ç", "c", "ô", "o", "î", "i", "ï", "i", "ü", "u", "'", " ").Replace(s)
}

// entryPlan is a payment before it is written into a statement.
type entryPlan struct {
	day   int
	entry bank.Entry
	truth Truth
}

// payments decides who pays what in the month, and how they write it.
func (m *Month) payments(r *rand.Rand) {
	byCustomer := map[string][]int{}
	for i, inv := range m.Invoices {
		byCustomer[inv.Customer] = append(byCustomer[inv.Customer], i)
	}
	days := workingDays(m.Options.Month)
	var plans []entryPlan
	ref := 0
	newEntry := func(day int, c Customer, amount decimal.Decimal) bank.Entry {
		ref++
		return bank.Entry{Account: m.Options.Account, BankRef: fmt.Sprintf("%07d", ref), BookingDate: days[day], ValueDate: days[day],
			Amount: amount, Currency: "EUR", BankCode: "PMNT/RCDT/ESCT", PayerName: c.payer, PayerIBAN: c.IBAN}
	}
	paidOnce := map[string]bool{}
	for _, c := range m.Customers {
		// About 85 % of customers pay something in the month.
		if r.IntN(100) >= 85 {
			continue
		}
		var open []int
		var credit []int
		for _, i := range byCustomer[c.Code] {
			if m.Invoices[i].Kind == "credit_note" {
				credit = append(credit, i)
			} else {
				open = append(open, i)
			}
		}
		sort.Slice(open, func(a, b int) bool { return m.Invoices[open[a]].Due.Before(m.Invoices[open[b]].Due) })
		day := r.IntN(len(days) - 3)
		inv := m.Invoices[open[0]]
		e := newEntry(day, c, inv.Amount)
		t := Truth{Customer: c.Code, Invoices: []string{inv.Number}}
		roll := r.IntN(100)
		switch {
		case len(inv.Instalments) > 0:
			t.Kind = KindInstal
			e.Amount = inv.Instalments[0].Amount
			e.Remittance = []string{fmt.Sprintf("ECHEANCE 1/3 FACTURE %s", inv.Number)}
		case len(credit) > 0 && roll < 50:
			t.Kind = KindCreditNet
			cn := m.Invoices[credit[0]]
			e.Amount = inv.Amount.Add(cn.Amount)
			e.Remittance = []string{fmt.Sprintf("%s MOINS AVOIR %s", inv.Number, cn.Number)}
		case roll < 28:
			t.Kind = KindRF
			rf, _ := bank.CreditorReference(c.Code + inv.Number)
			e.CreditorRefs = []string{rf}
			if r.IntN(3) == 0 { // written in the free text, in groups of four
				e.CreditorRefs = nil
				e.Remittance = []string{groups(rf)}
			}
		case roll < 33:
			t.Kind = KindLetterRef
			total := decimal.Zero
			t.Invoices = nil
			for _, i := range open {
				total = total.Add(m.Invoices[i].Amount)
				t.Invoices = append(t.Invoices, m.Invoices[i].Number)
			}
			if hasInstalments(m, open) {
				t.Kind = KindRF
				rf, _ := bank.CreditorReference(c.Code + inv.Number)
				e.CreditorRefs = []string{rf}
				t.Invoices = []string{inv.Number}
				break
			}
			e.Amount = total
			if r.IntN(2) == 0 {
				rf, _ := bank.CreditorReference(c.Code)
				e.CreditorRefs = []string{rf}
			} else {
				e.Remittance = []string{fmt.Sprintf("VOTRE REF %s-%s-R1-%06X", c.Code, days[day].String()[:7], r.IntN(1<<24))}
			}
		case roll < 58:
			t.Kind = KindNumber
			e.Remittance = []string{loosely(r, inv.Number)}
		case roll < 66 && len(open) > 1 && !hasInstalments(m, open[:2]):
			t.Kind = KindSeveral
			second := m.Invoices[open[1]]
			e.Amount = inv.Amount.Add(second.Amount)
			t.Invoices = append(t.Invoices, second.Number)
			e.Remittance = []string{fmt.Sprintf("FACT %s ET %s", loosely(r, inv.Number), loosely(r, second.Number))}
		case roll < 70:
			t.Kind = KindTypo
			e.Remittance = []string{"FACTURE " + typo(r, inv.Number)}
		case roll < 76:
			t.Kind = KindPartial
			e.Amount = inv.Amount.Mul(decimal.NewFromFloat(0.3 + 0.4*r.Float64())).Round(0)
			e.Remittance = []string{"ACOMPTE SUR " + loosely(r, inv.Number)}
		case roll < 79:
			t.Kind = KindExcess
			t.OnAccount = true
			e.Amount = inv.Amount.Add(decimal.NewFromInt(int64(1 + r.IntN(50))))
			e.Remittance = []string{"REGLEMENT " + inv.Number + " + ACOMPTE COMMANDE"}
		case roll < 91:
			t.Kind = KindNoRef
		default:
			t.Kind = KindOtherName
			e.PayerName = pick(r, []string{"SCI LES TILLEULS", "HOLDING " + strings.ToUpper(pick(r, surnames)), "M " + strings.ToUpper(pick(r, givens)+" "+pick(r, surnames)), "CABINET COMPTABLE AUDIT PLUS"})
			e.PayerIBAN = ""
			if r.IntN(2) == 0 {
				e.Remittance = []string{"PAIEMENT POUR " + strings.ToUpper(stripAccents(c.Name))}
			}
		}
		plans = append(plans, entryPlan{day, e, t})
		paidOnce[c.Code] = true
		// Some pay a second invoice later in the month without any
		// reference: their IBAN is known by then.
		if len(open) > 1 && t.Kind != KindSeveral && t.Kind != KindLetterRef && r.IntN(4) == 0 && day+2 < len(days) && len(m.Invoices[open[1]].Instalments) == 0 {
			second := m.Invoices[open[1]]
			e2 := newEntry(day+1+r.IntN(len(days)-day-2), c, second.Amount)
			plans = append(plans, entryPlan{indexOf(days, e2.BookingDate), e2, Truth{Kind: KindKnownIBAN, Customer: c.Code, Invoices: []string{second.Number}}})
		}
	}
	// Returned transfers: a few credits come back a few days later.
	var returnable []int
	for i, p := range plans {
		if p.day < len(days)-4 && p.truth.Kind != KindOtherName && p.truth.Kind != KindSeveral {
			returnable = append(returnable, i)
		}
	}
	for k := 0; k < max(2, len(plans)/60) && len(returnable) > 0; k++ {
		i := returnable[r.IntN(len(returnable))]
		orig := plans[i]
		c := Customer{payer: orig.entry.PayerName, IBAN: orig.entry.PayerIBAN}
		day := orig.day + 1 + r.IntN(3)
		e := newEntry(day, c, orig.entry.Amount.Neg())
		e.Reversal = true
		e.BankCode = "PMNT/RCDT/RRTN"
		e.Label = "RETOUR VIR " + orig.entry.PayerName
		e.Remittance = []string{fmt.Sprintf("RETOUR VIREMENT %s MOTIF AC04 COMPTE CLOS", orig.entry.BankRef)}
		plans = append(plans, entryPlan{day, e, Truth{Kind: KindReversal, Customer: orig.truth.Customer, Reverses: orig.entry.BankRef}})
	}
	// Bank fees.
	for _, day := range []int{0, len(days) / 2, len(days) - 1} {
		e := newEntry(day, Customer{}, decimal.New(-int64(250+r.IntN(3000)), -2))
		e.BankCode, e.PayerName, e.PayerIBAN = "ACMT/MDOP/CHRG", "", ""
		e.Remittance = []string{"FRAIS TENUE DE COMPTE"}
		plans = append(plans, entryPlan{day, e, Truth{Kind: KindFee}})
	}
	sort.SliceStable(plans, func(a, b int) bool { return plans[a].day < plans[b].day })
	balance := decimal.NewFromInt(50000)
	for d, date := range days {
		st := bank.Statement{Account: m.Options.Account, Currency: "EUR", ID: fmt.Sprintf("%s-%s", m.Options.Account, date), From: date, To: date}
		open := balance
		st.Opening = &open
		for _, p := range plans {
			if p.day == d {
				st.Entries = append(st.Entries, p.entry)
				balance = balance.Add(p.entry.Amount)
				m.Truth[p.entry.BankRef] = p.truth
			}
		}
		closing := balance
		st.Closing = &closing
		var file []byte
		var format string
		switch d % 3 {
		case 0:
			format = "camt.053.001.02"
			file, _ = bank.WriteCAMT053([]bank.Statement{st}, "001.02")
		case 1:
			format = "camt.053.001.08"
			file, _ = bank.WriteCAMT053([]bank.Statement{st}, "001.08")
		default:
			format = bank.FormatCFONB120
			file, _ = bank.WriteCFONB120([]bank.Statement{st})
		}
		m.Days = append(m.Days, Day{Date: date, Format: format, File: file})
	}
}

func hasInstalments(m *Month, idx []int) bool {
	for _, i := range idx {
		if len(m.Invoices[i].Instalments) > 0 {
			return true
		}
	}
	return false
}

func indexOf(days []calendar.Date, d calendar.Date) int {
	for i, x := range days {
		if x == d {
			return i
		}
	}
	return 0
}

func workingDays(first calendar.Date) []calendar.Date {
	var out []calendar.Date
	for d := first; d.UTC().Month() == first.UTC().Month(); d = d.AddDays(1) {
		if wd := d.UTC().Weekday(); wd != 0 && wd != 6 {
			out = append(out, d)
		}
	}
	return out
}

// loosely writes an invoice number as payers do: FC000123, FC 123,
// fc-000123, FC0123, Facture n FC123.
func loosely(r *rand.Rand, number string) string {
	prefix := strings.TrimRight(number, "0123456789")
	digits := strings.TrimLeft(strings.TrimPrefix(number, prefix), "0")
	switch r.IntN(6) {
	case 0:
		return prefix + " " + digits
	case 1:
		return strings.ToLower(prefix) + "-" + strings.TrimPrefix(number, prefix)
	case 2:
		return prefix + "0" + digits
	case 3:
		return "N " + prefix + digits
	}
	return number
}

// typo changes one digit of a number or swaps two.
func typo(r *rand.Rand, number string) string {
	b := []byte(number)
	i := len(b) - 1 - r.IntN(3)
	if r.IntN(2) == 0 && b[i] != b[i-1] {
		b[i], b[i-1] = b[i-1], b[i]
	} else {
		b[i] = '0' + (b[i]-'0'+1+byte(r.IntN(8)))%10
	}
	return string(b)
}

// groups writes a reference in groups of four characters.
func groups(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), " ")
}
