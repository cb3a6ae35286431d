package bank

import (
	"sort"
	"strings"
	"unicode"

	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
	"golang.org/x/text/unicode/norm"
)

// Reasons an automatic match was made (several may apply, joined with
// ","), and reasons a credit waits on the Rapprochement screen. They are
// codes: the screens translate them.
const (
	ReasonRF            = "rf_reference"    // a valid ISO 11649 reference naming the customer (and invoices)
	ReasonCustomerRef   = "customer_ref"    // the letter's reference (customer code) in the text
	ReasonInvoiceNumber = "invoice_numbers" // invoice numbers in the remittance text
	ReasonAmountInvoice = "amount_invoice"  // the amount is one open invoice's balance
	ReasonAmountTotal   = "amount_total"    // the amount is the customer's open total
	ReasonPayerIBAN     = "payer_iban"      // the payer's IBAN is known for this customer
	ReasonPayerName     = "payer_name"      // the payer's name is the customer's
	ReasonPartial       = "partial"         // less than the items named: allocated oldest first
	ReasonExcess        = "excess"          // more than the items: the rest on the customer's account
	ReasonOldestFirst   = "oldest_first"    // several items paid, oldest first
	ReasonManual        = "manual"          // matched by hand
	ReasonOnAccount     = "on_account"      // put on the customer's account by hand
	ReasonNotCustomer   = "not_customer"    // marked "not a customer payment"
	ReasonReversalOf    = "reversal_of"     // a return that took back an earlier credit
	ReasonDebit         = "debit"           // money out that is not a return

	WhyNoReference    = "no_reference"       // nothing names the customer or an invoice
	WhySeveral        = "several_customers"  // the clues point to several customers
	WhyAmount         = "amount_differs"     // the customer is likely, the amount is not certain
	WhyIBANConflict   = "iban_conflict"      // the payer's IBAN belongs to another customer
	WhyUnknownNumbers = "unknown_numbers"    // the text names invoice numbers that do not exist
	WhyCurrency       = "currency"           // the credit is not in the invoices' currency
	WhyReversal       = "reversal_unknown"   // a return whose credit is not found
	WhyDuplicate      = "possible_duplicate" // the same entry came in a statement of another format
)

// Item is an invoice or credit note of the company as matching sees it.
type Item struct {
	InvoiceID  int64
	Number     string
	CustomerID int64
	Kind       string // invoice or credit_note
	DueDate    calendar.Date
	Balance    decimal.Decimal
	Currency   string
	Closed     bool
}

// Open reports whether the item still waits for money.
func (it Item) Open() bool {
	return !it.Closed && it.Kind != "credit_note" && it.Balance.IsPositive()
}

// Customer is a customer as matching sees it.
type Customer struct {
	ID        int64
	Code      string
	Name      string
	Unapplied decimal.Decimal // payments on account already held
}

// Book is what matching knows of one company's ledger: every invoice (open
// or not, to recognise numbers), customers, and payer accounts learned.
type Book struct {
	Currency  string // the company's currency for totals (EUR)
	Customers map[int64]*Customer
	Items     []Item
	// PayerIBANs maps a payer IBAN to the customers it was seen paying for.
	PayerIBANs map[string][]int64
	// CompanyID is the company whose ledger this is: a letter's RF
	// reference of another company matches nothing.
	CompanyID int64
	// Letters finds the letter an RF reference was printed on (nil: RF
	// references are read as customer codes only); see FindLetters.
	Letters LetterFinder

	letters    map[string]*letterRef // RF reference -> its letter, looked up
	byID       map[int64][]int       // invoice id -> items
	byKey      map[string][]int      // invoice number key -> items
	byCustCode map[string]int64      // customer code key -> customer
	custKeys   [][]string            // customer code runs, for RF bodies
	prefixes   map[string]bool       // letter prefixes of invoice numbers
	open       map[int64][]int       // customer -> open items, oldest first
}

// Index prepares b for matching; call it after filling the fields.
func (b *Book) Index() {
	b.byKey, b.byCustCode = map[string][]int{}, map[string]int64{}
	b.prefixes, b.open, b.byID = map[string]bool{}, map[int64][]int{}, map[int64][]int{}
	for i, it := range b.Items {
		b.byID[it.InvoiceID] = append(b.byID[it.InvoiceID], i)
		runs := keyRuns(it.Number)
		b.byKey[strings.Join(runs, "")] = append(b.byKey[strings.Join(runs, "")], i)
		if len(runs) > 0 && isLetters(runs[0]) {
			b.prefixes[runs[0]] = true
		}
		if it.Open() {
			b.open[it.CustomerID] = append(b.open[it.CustomerID], i)
		}
	}
	for id, idx := range b.open {
		sort.SliceStable(idx, func(x, y int) bool { return b.older(b.Items[idx[x]], b.Items[idx[y]]) })
		b.open[id] = idx
	}
	b.custKeys = nil
	for id, c := range b.Customers {
		runs := keyRuns(c.Code)
		if len(runs) == 0 {
			continue
		}
		b.byCustCode[strings.Join(runs, "")] = id
		b.custKeys = append(b.custKeys, runs)
	}
	sort.Slice(b.custKeys, func(i, j int) bool { return len(b.custKeys[i]) > len(b.custKeys[j]) })
}

// Apply records a matched decision in the book, as the ledger will hold
// it once paid: balances lowered, paid items out of the open lists, the
// payer's IBAN learned. A long statement is matched without reading the
// ledger again after each credit.
func (b *Book) Apply(d Decision, payerIBAN string) {
	if d.Status != "matched" {
		return
	}
	for _, a := range d.Allocations {
		if a.InvoiceID == 0 {
			continue
		}
		for i := range b.Items {
			if b.Items[i].InvoiceID == a.InvoiceID {
				b.Items[i].Balance = b.Items[i].Balance.Sub(a.Amount)
			}
		}
	}
	for id, idx := range b.open {
		kept := idx[:0]
		for _, i := range idx {
			if b.Items[i].Open() {
				kept = append(kept, i)
			}
		}
		b.open[id] = kept
	}
	if iban := NormalizeIBAN(payerIBAN); iban != "" && d.CustomerID != 0 {
		for _, id := range b.PayerIBANs[iban] {
			if id == d.CustomerID {
				return
			}
		}
		b.PayerIBANs[iban] = append(b.PayerIBANs[iban], d.CustomerID)
	}
}

func (b *Book) older(x, y Item) bool {
	switch {
	case x.DueDate != y.DueDate && !x.DueDate.IsZero() && !y.DueDate.IsZero():
		return x.DueDate.Before(y.DueDate)
	case x.DueDate.IsZero() != y.DueDate.IsZero():
		return !x.DueDate.IsZero()
	}
	return x.Number < y.Number
}

// Allocation is a part of a credit given to an invoice, or to the
// customer's account when InvoiceID is 0.
type Allocation struct {
	CustomerID int64           `json:"customerId"`
	InvoiceID  int64           `json:"invoiceId,omitempty"`
	Number     string          `json:"number,omitempty"`
	Amount     decimal.Decimal `json:"amount"`
}

// Suggestion is a likely match shown on the Rapprochement screen, best
// first.
type Suggestion struct {
	CustomerID  int64        `json:"customerId"`
	Score       int          `json:"score"`
	Why         []string     `json:"why"`
	Allocations []Allocation `json:"allocations"`
}

// Decision is what matching makes of one transaction.
type Decision struct {
	Status      string // matched, exception, debit (reversals are decided by the caller)
	CustomerID  int64
	Allocations []Allocation
	Reasons     []string
	Suggestions []Suggestion
}

// Reason joins the decision's reasons.
func (d Decision) Reason() string { return strings.Join(d.Reasons, ",") }

// clue is what the transaction says about one customer.
type clue struct {
	customer  int64
	rf        bool  // a valid RF reference names it
	code      bool  // its code is in the text
	items     []int // invoices named (by RF body or text)
	iban      bool
	nameScore float64
}

// Match decides what a credit pays. It matches only when certain: the
// clues (references, invoice numbers, payer account, payer name, amount)
// point to one customer and the amount fits; otherwise the decision is an
// exception with ranked suggestions.
func (b *Book) Match(e Entry) Decision {
	if !e.Credit() {
		return Decision{Status: "debit", Reasons: []string{ReasonDebit}}
	}
	clues := map[int64]*clue{}
	get := func(id int64) *clue {
		c := clues[id]
		if c == nil {
			c = &clue{customer: id}
			clues[id] = c
		}
		return c
	}
	unknown := false
	// RF references: a valid one is exact (its check digits prove it).
	validRF := false
	// A letter's reference names exactly the letter's items; others name a
	// customer code (and invoice numbers).
	for _, ref := range rfRefs(e) {
		if cust, items, known, ok := b.readLetterRef(ref); known {
			if ok {
				c := get(cust)
				c.rf, validRF = true, true
				c.items = appendNew(c.items, items...)
			}
			continue
		}
		body, _ := ParseCreditorReference(ref)
		if cust, items, ok := b.readRFBody(body); ok {
			c := get(cust)
			c.rf, validRF = true, true
			c.items = appendNew(c.items, items...)
		}
	}
	// Invoice numbers and customer codes in the text.
	text := e.Text()
	if !validRF {
		found, unresolved := b.numbersIn(text)
		unknown = unresolved
		for _, i := range found {
			c := get(b.Items[i].CustomerID)
			c.items = appendNew(c.items, i)
		}
		for _, id := range b.codesIn(text) {
			get(id).code = true
		}
	}
	// The payer's account.
	if iban := NormalizeIBAN(e.PayerIBAN); iban != "" {
		if ids := b.PayerIBANs[iban]; len(ids) == 1 {
			get(ids[0]).iban = true
		}
	}
	// The payer's name.
	// The payer's name, or the customer's name written in the text ("PAIEMENT
	// POUR ..." from a payer whose name is not the customer's).
	for id, c := range b.Customers {
		s := max(nameScore(e.PayerName, c.Name), nameInText(text, c.Name))
		if s >= 0.5 {
			get(id).nameScore = s
		}
	}
	if e.Currency != "" && b.Currency != "" && e.Currency != b.Currency {
		return b.exception(e, clues, WhyCurrency)
	}
	// Strong clues: references. They must name one customer.
	var strong []*clue
	for _, c := range clues {
		if c.rf || c.code || len(c.items) > 0 {
			strong = append(strong, c)
		}
	}
	ibanOwner := int64(0)
	if ids := b.PayerIBANs[NormalizeIBAN(e.PayerIBAN)]; len(ids) == 1 {
		ibanOwner = ids[0]
	}
	if len(strong) > 1 {
		return b.exception(e, clues, WhySeveral)
	}
	if len(strong) == 1 {
		c := strong[0]
		if ibanOwner != 0 && ibanOwner != c.customer {
			return b.exception(e, clues, WhyIBANConflict)
		}
		if other := b.otherNamed(clues, c.customer); !c.rf && !c.iban && c.nameScore < 0.5 && other != 0 {
			if other < 0 {
				return b.exception(e, clues, WhySeveral)
			}
			// The numbers point to one customer, the payer's name to
			// another: a typo in the number when the amount is exactly
			// what the named customer owes, and nobody else.
			if d, ok := b.byAmount(e, other, ReasonPayerName); ok && b.amountUnique(e.Amount, other) {
				return d
			}
			return b.exception(e, clues, WhySeveral)
		}
		corroborated := c.rf || c.iban || c.nameScore >= 0.5
		if d, ok := b.fromReference(e, c, corroborated, unknown); ok {
			return d
		}
		return b.exception(e, clues, WhyAmount)
	}
	// No reference: the payer's known IBAN, or the name with an amount
	// that fits exactly.
	if ibanOwner != 0 {
		if d, ok := b.byAmount(e, ibanOwner, ReasonPayerIBAN); ok {
			return d
		}
		return b.exception(e, clues, WhyAmount)
	}
	var named []int64
	for id, c := range clues {
		if c.nameScore >= 0.5 {
			named = append(named, id)
		}
	}
	var fits []Decision
	for _, id := range named {
		if d, ok := b.byAmount(e, id, ReasonPayerName); ok {
			fits = append(fits, d)
		}
	}
	if len(fits) == 1 && b.amountUnique(e.Amount, fits[0].CustomerID) {
		return fits[0]
	}
	switch {
	case len(fits) > 1:
		return b.exception(e, clues, WhySeveral)
	case unknown:
		return b.exception(e, clues, WhyUnknownNumbers)
	}
	return b.exception(e, clues, WhyNoReference)
}

// fromReference matches a credit whose references name customer c's items
// (or only the customer).
func (b *Book) fromReference(e Entry, c *clue, corroborated, unknown bool) (Decision, bool) {
	why := []string{}
	switch {
	case c.rf:
		why = append(why, ReasonRF)
	case len(c.items) > 0:
		why = append(why, ReasonInvoiceNumber)
	default:
		why = append(why, ReasonCustomerRef)
	}
	if c.iban {
		why = append(why, ReasonPayerIBAN)
	}
	var named []int
	for _, i := range c.items {
		if b.Items[i].Open() {
			named = append(named, i)
		}
	}
	sort.SliceStable(named, func(x, y int) bool { return b.older(b.Items[named[x]], b.Items[named[y]]) })
	if len(c.items) == 0 {
		// Only the customer is named (letter reference, RF on the code).
		// The amount must be its open total, one of its items, or, with an
		// exact RF reference, anything (oldest first).
		if d, ok := b.byAmount(e, c.customer, why...); ok {
			return d, true
		}
		if c.rf {
			return b.oldestFirst(e, c.customer, b.open[c.customer], why), true
		}
		return Decision{}, false
	}
	sum := decimal.Zero
	for _, i := range named {
		sum = sum.Add(b.Items[i].Balance)
	}
	switch {
	case len(named) > 0 && e.Amount.Equal(sum):
		return b.oldestFirst(e, c.customer, named, why), true
	case len(named) > 1 && b.oneOf(named, e.Amount) >= 0:
		// Several numbers quoted, the amount pays exactly one of them.
		return b.oldestFirst(e, c.customer, []int{b.oneOf(named, e.Amount)}, append(why, ReasonAmountInvoice)), true
	case !corroborated:
		return Decision{}, false
	case b.oneOfOthers(c.customer, named, e.Amount) >= 0:
		// The number quoted does not fit the amount, which is exactly
		// another open item of the same customer: a typo in the number.
		return b.oldestFirst(e, c.customer, []int{b.oneOfOthers(c.customer, named, e.Amount)}, append(why, ReasonAmountInvoice)), true
	case len(named) > 0 && e.Amount.LessThan(sum):
		return b.oldestFirst(e, c.customer, named, why), true
	case unknown:
		// More than the items named, and a number that matches nothing:
		// perhaps a typo for another invoice.
		return Decision{}, false
	default:
		// More than the items named (or they are already paid): the rest
		// goes on the customer's account.
		return b.oldestFirst(e, c.customer, named, why), true
	}
}

// otherNamed reports whether the payer's name is another customer's than
// id.
func (b *Book) otherNamed(clues map[int64]*clue, id int64) int64 {
	found := int64(0)
	for other, c := range clues {
		if other != id && c.nameScore >= 0.75 {
			if found != 0 {
				return -1
			}
			found = other
		}
	}
	return found
}

// oneOfOthers is the only open item of customer id, outside named, whose
// balance is amount (-1 when none or several).
func (b *Book) oneOfOthers(id int64, named []int, amount decimal.Decimal) int {
	var others []int
	for _, i := range b.open[id] {
		in := false
		for _, n := range named {
			in = in || n == i
		}
		if !in {
			others = append(others, i)
		}
	}
	return b.oneOf(others, amount)
}

func (b *Book) oneOf(items []int, amount decimal.Decimal) int {
	found := -1
	for _, i := range items {
		if b.Items[i].Balance.Equal(amount) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// byAmount matches a credit of customer id whose amount is the customer's
// open total or exactly one of its open items.
func (b *Book) byAmount(e Entry, id int64, why ...string) (Decision, bool) {
	open := b.open[id]
	total := decimal.Zero
	for _, i := range open {
		total = total.Add(b.Items[i].Balance)
	}
	if len(open) > 0 && e.Amount.Equal(total) {
		return b.oldestFirst(e, id, open, append(why, ReasonAmountTotal)), true
	}
	if i := b.oneOf(open, e.Amount); i >= 0 {
		return b.oldestFirst(e, id, []int{i}, append(why, ReasonAmountInvoice)), true
	}
	return Decision{}, false
}

// amountUnique reports whether no other customer's open total or single
// open item equals amount (a name match with an amount shared by another
// customer is not certain).
func (b *Book) amountUnique(amount decimal.Decimal, id int64) bool {
	for cust, open := range b.open {
		if cust == id {
			continue
		}
		total := decimal.Zero
		for _, i := range open {
			total = total.Add(b.Items[i].Balance)
			if b.Items[i].Balance.Equal(amount) {
				return false
			}
		}
		if total.Equal(amount) {
			return false
		}
	}
	return true
}

// oldestFirst allocates the credit to items (already oldest first) and the
// rest to the customer's account.
func (b *Book) oldestFirst(e Entry, id int64, items []int, why []string) Decision {
	d := Decision{Status: "matched", CustomerID: id}
	left := e.Amount
	paid := 0
	for _, i := range items {
		if !left.IsPositive() {
			break
		}
		it := b.Items[i]
		take := decimal.Min(left, it.Balance)
		d.Allocations = append(d.Allocations, Allocation{CustomerID: id, InvoiceID: it.InvoiceID, Number: it.Number, Amount: take})
		left = left.Sub(take)
		paid++
	}
	switch {
	case left.IsPositive():
		d.Allocations = append(d.Allocations, Allocation{CustomerID: id, Amount: left})
		why = append(why, ReasonExcess)
	case paid > 0 && !d.Allocations[paid-1].Amount.Equal(b.Items[items[paid-1]].Balance):
		why = append(why, ReasonPartial)
	}
	if paid > 1 {
		why = append(why, ReasonOldestFirst)
	}
	d.Reasons = uniq(why)
	return d
}

// exception ranks the clues into suggestions.
func (b *Book) exception(e Entry, clues map[int64]*clue, why string) Decision {
	d := Decision{Status: "exception", Reasons: []string{why}}
	for id, c := range clues {
		s := Suggestion{CustomerID: id}
		if c.rf {
			s.Score += 60
			s.Why = append(s.Why, ReasonRF)
		}
		if c.code {
			s.Score += 40
			s.Why = append(s.Why, ReasonCustomerRef)
		}
		if len(c.items) > 0 {
			s.Score += 40
			s.Why = append(s.Why, ReasonInvoiceNumber)
		}
		if c.iban {
			s.Score += 35
			s.Why = append(s.Why, ReasonPayerIBAN)
		}
		if c.nameScore > 0 {
			s.Score += int(30 * c.nameScore)
			s.Why = append(s.Why, ReasonPayerName)
		}
		items := []int{}
		for _, i := range c.items {
			if b.Items[i].Open() {
				items = append(items, i)
			}
		}
		var alloc Decision
		if am, ok := b.byAmount(e, id); ok && len(items) == 0 {
			alloc = am
			s.Score += 20
			s.Why = append(s.Why, am.Reasons...)
		} else {
			if len(items) == 0 {
				items = b.open[id]
			}
			sort.SliceStable(items, func(x, y int) bool { return b.older(b.Items[items[x]], b.Items[items[y]]) })
			alloc = b.oldestFirst(e, id, items, nil)
		}
		s.Allocations = alloc.Allocations
		s.Why = uniq(s.Why)
		d.Suggestions = append(d.Suggestions, s)
	}
	// Without any clue, the customers owing exactly this amount.
	if len(d.Suggestions) == 0 {
		for id := range b.open {
			if am, ok := b.byAmount(e, id); ok {
				d.Suggestions = append(d.Suggestions, Suggestion{CustomerID: id, Score: 15, Why: am.Reasons, Allocations: am.Allocations})
			}
		}
	}
	sort.SliceStable(d.Suggestions, func(i, j int) bool {
		if d.Suggestions[i].Score != d.Suggestions[j].Score {
			return d.Suggestions[i].Score > d.Suggestions[j].Score
		}
		return d.Suggestions[i].CustomerID < d.Suggestions[j].CustomerID
	})
	if len(d.Suggestions) > 5 {
		d.Suggestions = d.Suggestions[:5]
	}
	return d
}

// readRFBody reads the body of an RF reference: a customer code, then
// optionally invoice numbers of that customer.
func (b *Book) readRFBody(body string) (int64, []int, bool) {
	runs := keyRuns(body)
	for _, ck := range b.custKeys {
		if len(ck) > len(runs) || strings.Join(runs[:len(ck)], "") != strings.Join(ck, "") {
			continue
		}
		cust := b.byCustCode[strings.Join(ck, "")]
		rest := runs[len(ck):]
		var items []int
		for len(rest) > 0 {
			n := 0
			for k := min(len(rest), 4); k >= 1; k-- {
				for _, i := range b.byKey[strings.Join(rest[:k], "")] {
					if b.Items[i].CustomerID == cust {
						items, n = append(items, i), k
					}
				}
				if n > 0 {
					break
				}
			}
			if n == 0 {
				return cust, nil, len(rest) == 0 // unreadable rest: the customer only
			}
			rest = rest[n:]
		}
		return cust, items, true
	}
	return 0, nil, false
}

// numbersIn finds the invoices whose numbers the text quotes, loosely
// (spaces, dashes, case, leading zeros); unresolved is set when the text
// quotes something shaped like an invoice number that is no invoice.
func (b *Book) numbersIn(text string) (found []int, unresolved bool) {
	toks := tokens(text)
	for i := 0; i < len(toks); i++ {
		matched := 0
		for k := min(len(toks)-i, 4); k >= 1; k-- {
			if !joinable(toks[i : i+k]) {
				continue
			}
			var key strings.Builder
			for _, t := range toks[i : i+k] {
				key.WriteString(t.key)
			}
			if idx := b.byKey[key.String()]; len(idx) > 0 && !(k == 1 && isLetters(toks[i].key)) {
				found = appendNew(found, idx...)
				matched = k
				break
			}
		}
		if matched > 0 {
			i += matched - 1
			continue
		}
		// A known prefix followed by digits that match no invoice.
		if b.prefixes[toks[i].key] && i+1 < len(toks) && !isLetters(toks[i+1].key) && toks[i+1].gap <= 1 {
			unresolved = true
		}
	}
	return found, unresolved
}

// codesIn finds the customers whose code the text quotes (the letters'
// reference starts with it).
func (b *Book) codesIn(text string) []int64 {
	toks := tokens(text)
	var out []int64
	for i := range toks {
		for k := min(len(toks)-i, 3); k >= 2; k-- {
			if !joinable(toks[i : i+k]) {
				continue
			}
			var key strings.Builder
			for _, t := range toks[i : i+k] {
				key.WriteString(t.key)
			}
			if id, ok := b.byCustCode[key.String()]; ok {
				out = appendNew64(out, id)
				break
			}
		}
	}
	return out
}

// token is a run of letters or of digits (leading zeros dropped) and the
// number of separator characters before it.
type token struct {
	key string
	gap int
}

func tokens(text string) []token {
	var out []token
	var cur strings.Builder
	kind, gap := 0, 0 // kind 1 letters, 2 digits
	flush := func() {
		if cur.Len() > 0 {
			k := cur.String()
			if kind == 2 {
				k = strings.TrimLeft(k, "0")
				if k == "" {
					k = "0"
				}
			}
			out = append(out, token{key: k, gap: gap})
			gap = 0
		}
		cur.Reset()
	}
	for _, r := range strings.ToUpper(stripAccents(text)) {
		switch {
		case r >= 'A' && r <= 'Z':
			if kind != 1 {
				flush()
			}
			kind = 1
			cur.WriteRune(r)
		case r >= '0' && r <= '9':
			if kind != 2 {
				flush()
			}
			kind = 2
			cur.WriteRune(r)
		default:
			flush()
			kind = 0
			if r == ' ' || r == '-' || r == '.' || r == '/' || r == '_' || r == '#' || r == ':' {
				gap++
			} else {
				gap += 10 // "|" and others end a number
			}
		}
	}
	flush()
	return out
}

// joinable reports whether tokens may form one number: separated by at
// most two separator characters each.
func joinable(ts []token) bool {
	for _, t := range ts[1:] {
		if t.gap > 2 {
			return false
		}
	}
	return true
}

// keyRuns splits a number or code into its letter and digit runs, upper
// case, leading zeros of digit runs dropped: FA-0168 and fa 168 give FA,
// 168.
func keyRuns(s string) []string {
	var out []string
	for _, t := range tokens(s) {
		out = append(out, t.key)
	}
	return out
}

// rfCandidates finds RF references written in free text, possibly with
// spaces.
func rfCandidates(text string) []string {
	up := strings.ToUpper(text)
	var out []string
	for i := strings.Index(up, "RF"); i >= 0; {
		var b strings.Builder
		for _, r := range up[i:] {
			if r == ' ' || r == '-' {
				continue
			}
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') || b.Len() >= 25 {
				break
			}
			b.WriteRune(r)
		}
		// The longest prefix that is a valid reference.
		s := b.String()
		for n := len(s); n >= 5; n-- {
			if _, ok := ParseCreditorReference(s[:n]); ok {
				out = append(out, s[:n])
				break
			}
		}
		next := strings.Index(up[i+2:], "RF")
		if next < 0 {
			break
		}
		i += 2 + next
	}
	return out
}

// legalWords are left out when names are compared.
var legalWords = map[string]bool{"SA": true, "SAS": true, "SARL": true, "EURL": true, "SASU": true, "SCI": true, "SNC": true,
	"M": true, "MME": true, "MR": true, "MLLE": true, "STE": true, "SOCIETE": true, "ETS": true, "LTD": true, "GMBH": true,
	"ET": true, "DE": true, "DU": true, "LA": true, "LE": true, "LES": true, "DES": true, "AUX": true, "THE": true, "SEPA": true, "VIR": true}

func nameWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToUpper(stripAccents(s)), func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		if !legalWords[w] && len(w) > 1 {
			out = append(out, w)
		}
	}
	return out
}

// nameScore compares a payer's name with a customer's name: the share of
// the customer's significant words found in the payer's name (0 to 1).
func nameScore(payer, customer string) float64 {
	p, c := nameWords(payer), nameWords(customer)
	if len(p) == 0 || len(c) == 0 {
		return 0
	}
	in := map[string]bool{}
	for _, w := range p {
		in[w] = true
	}
	hit := 0
	for _, w := range c {
		if in[w] {
			hit++
		}
	}
	// Words glued together ("DEVELOGICIEL" for "Dévelogiciel SARL").
	if hit == 0 && strings.Join(p, "") == strings.Join(c, "") {
		return 1
	}
	return float64(hit) / float64(max(len(c), len(p)))
}

// nameInText reports 1 when every significant word of a customer's name
// (at least two) is in text, else 0.
func nameInText(text, customer string) float64 {
	c := nameWords(customer)
	if len(c) < 2 {
		return 0
	}
	in := map[string]bool{}
	for _, w := range nameWords(text) {
		in[w] = true
	}
	for _, w := range c {
		if !in[w] {
			return 0
		}
	}
	return 1
}

func stripAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isLetters(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

func appendNew(list []int, v ...int) []int {
	for _, x := range v {
		seen := false
		for _, y := range list {
			seen = seen || x == y
		}
		if !seen {
			list = append(list, x)
		}
	}
	return list
}

func appendNew64(list []int64, v int64) []int64 {
	for _, y := range list {
		if y == v {
			return list
		}
	}
	return append(list, v)
}

func uniq(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
