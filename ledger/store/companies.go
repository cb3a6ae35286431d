package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/shopspring/decimal"
)

// Company is a creditor.
type Company struct {
	ID             int64
	Code           string
	LegalName      string
	AddressLines   []string
	City           string
	SIRET          string
	VATNumber      string
	RCS            string
	IBAN           string
	BIC            string
	SenderEmail    string
	Phone          string
	TimeZone       string
	Language       string
	SendHour       int
	DemoDaySeconds int // 0 in production
	// SignatoryName and SignatoryTitle sign the letters ("Claire Martin",
	// "Responsable du recouvrement"); empty: the department signs.
	SignatoryName  string
	SignatoryTitle string
	// LegalForm, LetterHeader and LetterFooter are printed on the letters
	// (see settings.Company).
	LegalForm    string
	LetterHeader string
	LetterFooter string
	// Logo is the PNG or JPEG printed at the top left of the letterhead
	// (nil: none).
	Logo []byte
	// SenderName is the display name of the e-mails' From, ReplyTo the
	// address replies go to ("" : the sender's).
	SenderName string
	ReplyTo    string
}

// ReminderStatus is a row of the status table (seed 004).
type ReminderStatus struct {
	Code           string
	Label          string
	EscalationCode string
	Inherited      bool // inherited by all the customer's invoices, or independent
	Blocks         bool // no letters while set
}

// DefaultStatuses is the status table a new company starts with.
func DefaultStatuses() []ReminderStatus {
	return []ReminderStatus{
		{Code: "R1", Label: "Relance 1", EscalationCode: "R2"},
		{Code: "R2", Label: "Relance 2", EscalationCode: "R3"},
		{Code: "R3", Label: "Relance 3", EscalationCode: "MED"},
		{Code: "MED", Label: "Mise en demeure"},
		{Code: "CTX", Label: "Contentieux", Inherited: true, Blocks: true},
		{Code: "NPR", Label: "Ne pas relancer", Inherited: true, Blocks: true},
	}
}

// CreateCompany inserts c with the default ladder and status table, or
// updates its details if the code exists (ladder and statuses untouched).
// It returns the company's ID.
func (s *Store) CreateCompany(ctx context.Context, c Company) (int64, error) {
	if c.TimeZone == "" {
		c.TimeZone = "Europe/Paris"
	}
	if c.Language == "" {
		c.Language = "fr"
	}
	if c.SendHour == 0 {
		c.SendHour = 9
	}
	var demo *int
	if c.DemoDaySeconds > 0 {
		demo = &c.DemoDaySeconds
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var inserted bool
		err := tx.QueryRow(ctx, `
			INSERT INTO companies (code, legal_name, address_lines, city, siret, vat_number, rcs, iban, bic,
			                       sender_email, phone, time_zone, language, send_hour, demo_day_seconds)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
			ON CONFLICT (code) DO UPDATE SET legal_name = EXCLUDED.legal_name, address_lines = EXCLUDED.address_lines,
			    city = EXCLUDED.city, siret = EXCLUDED.siret, vat_number = EXCLUDED.vat_number, rcs = EXCLUDED.rcs,
			    iban = EXCLUDED.iban, bic = EXCLUDED.bic, sender_email = EXCLUDED.sender_email, phone = EXCLUDED.phone,
			    time_zone = EXCLUDED.time_zone, language = EXCLUDED.language, send_hour = EXCLUDED.send_hour,
			    demo_day_seconds = EXCLUDED.demo_day_seconds
			RETURNING id, xmax = 0`,
			c.Code, c.LegalName, nonNil(c.AddressLines), c.City, c.SIRET, c.VATNumber, c.RCS, c.IBAN, c.BIC,
			c.SenderEmail, c.Phone, c.TimeZone, c.Language, c.SendHour, demo).Scan(&id, &inserted)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE companies SET signatory_name = $2, signatory_title = $3 WHERE id = $1`,
			id, c.SignatoryName, c.SignatoryTitle); err != nil {
			return err
		}
		if !inserted {
			return nil
		}
		if err := insertLadder(ctx, tx, id, ladder.Default()); err != nil {
			return err
		}
		return insertStatuses(ctx, tx, id, DefaultStatuses())
	})
	if err != nil {
		return 0, fmt.Errorf("create company %s: %w", c.Code, err)
	}
	return id, nil
}

// SetLadder replaces a company's ladder after validating it. Running
// workflows keep the ladder they started with.
func (s *Store) SetLadder(ctx context.Context, company string, l ladder.Ladder) error {
	if err := l.Validate(); err != nil {
		return fmt.Errorf("set ladder of %s: %w", company, Invalid(err))
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM companies WHERE code = $1`, company).Scan(&id); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("company %s: %w", company, ErrNotFound)
			}
			return fmt.Errorf("set ladder of %s: %w", company, err)
		}
		if err := s.checkLadderTemplates(ctx, tx, id, l); err != nil {
			return fmt.Errorf("set ladder of %s: %w", company, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM ladder_levels WHERE company_id = $1`, id); err != nil {
			return fmt.Errorf("set ladder of %s: %w", company, err)
		}
		if err := insertLadder(ctx, tx, id, l); err != nil {
			return fmt.Errorf("set ladder of %s: %w", company, err)
		}
		return nil
	})
}

// insertLadder writes the levels of company id in order.
func insertLadder(ctx context.Context, tx pgx.Tx, id int64, l ladder.Ladder) error {
	for i, lv := range l {
		if _, err := tx.Exec(ctx, `
			INSERT INTO ladder_levels (company_id, position, code, label, delay_days, channel, claim_fees)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`,
			id, i+1, lv.Code, lv.Label, lv.DelayDays, string(lv.Channel), lv.ClaimFees); err != nil {
			return fmt.Errorf("level %s: %w", lv.Code, err)
		}
	}
	return nil
}

// Ladder returns a company's levels in order.
func (s *Store) Ladder(ctx context.Context, companyID int64) (ladder.Ladder, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT code, label, delay_days, channel, claim_fees FROM ladder_levels
		WHERE company_id = $1 ORDER BY position`, companyID)
	if err != nil {
		return nil, fmt.Errorf("load ladder of company %d: %w", companyID, err)
	}
	l, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ladder.Level, error) {
		var lv ladder.Level
		var ch string
		err := r.Scan(&lv.Code, &lv.Label, &lv.DelayDays, &ch, &lv.ClaimFees)
		lv.Channel = ladder.Channel(ch)
		return lv, err
	})
	if err != nil {
		return nil, fmt.Errorf("load ladder of company %d: %w", companyID, err)
	}
	return l, nil
}

// CompanyByCode loads a company.
func (s *Store) CompanyByCode(ctx context.Context, code string) (Company, error) {
	var c Company
	var demo *int
	err := s.Pool.QueryRow(ctx, `
		SELECT id, code, legal_name, address_lines, city, siret, vat_number, rcs, iban, bic,
		       sender_email, phone, time_zone, language, send_hour, demo_day_seconds,
		       signatory_name, signatory_title, legal_form, letter_header, letter_footer, logo,
		       sender_name, reply_to
		FROM companies WHERE code = $1`, code).Scan(
		&c.ID, &c.Code, &c.LegalName, &c.AddressLines, &c.City, &c.SIRET, &c.VATNumber, &c.RCS, &c.IBAN, &c.BIC,
		&c.SenderEmail, &c.Phone, &c.TimeZone, &c.Language, &c.SendHour, &demo,
		&c.SignatoryName, &c.SignatoryTitle, &c.LegalForm, &c.LetterHeader, &c.LetterFooter, &c.Logo,
		&c.SenderName, &c.ReplyTo)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("company %s: %w", code, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load company %s: %w", code, err)
	}
	if demo != nil {
		c.DemoDaySeconds = *demo
	}
	return c, nil
}

// CompanyCodes lists the code of every company that is not archived, in
// order (the scan of all companies goes through them).
func (s *Store) CompanyCodes(ctx context.Context) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT code FROM companies WHERE archived_at IS NULL ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	return codes, nil
}

// Customer is a debtor.
type Customer struct {
	ID             int64
	Code           string
	Name           string
	Contact        string
	Emails         []string
	AddressLines   []string
	Language       string
	Kind           string // business or individual
	Channel        string // email or print
	Family         string
	SalesRep       string
	PaymentMethod  string
	CreditLimit    *decimal.Decimal
	ReminderStatus string
	DoNotRemind    bool
}

// UpsertCustomer inserts or updates a customer of company and returns its ID.
func (s *Store) UpsertCustomer(ctx context.Context, companyID int64, c Customer) (int64, error) {
	if c.Language == "" {
		c.Language = "fr"
	}
	if c.Kind == "" {
		c.Kind = "business"
	}
	if c.Channel == "" {
		c.Channel = "email"
	}
	var id int64
	err := s.Pool.QueryRow(ctx, `
		INSERT INTO customers (company_id, code, name, contact, emails, address_lines, language, kind, channel,
		                       family, sales_rep, payment_method, credit_limit, reminder_status, do_not_remind)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,NULLIF($14,''),$15)
		ON CONFLICT (company_id, code) DO UPDATE SET name = EXCLUDED.name, contact = EXCLUDED.contact,
		    emails = EXCLUDED.emails, address_lines = EXCLUDED.address_lines, language = EXCLUDED.language,
		    kind = EXCLUDED.kind, channel = EXCLUDED.channel, family = EXCLUDED.family, sales_rep = EXCLUDED.sales_rep,
		    payment_method = EXCLUDED.payment_method, credit_limit = EXCLUDED.credit_limit
		RETURNING id`,
		companyID, c.Code, c.Name, c.Contact, nonNil(c.Emails), nonNil(c.AddressLines), c.Language, c.Kind, c.Channel,
		c.Family, c.SalesRep, c.PaymentMethod, c.CreditLimit, c.ReminderStatus, c.DoNotRemind).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save customer %s: %w", c.Code, err)
	}
	return id, nil
}

// SetDoNotRemind sets or clears a customer's do-not-remind flag.
func (s *Store) SetDoNotRemind(ctx context.Context, company, customer string, on bool) error {
	tag, err := s.Pool.Exec(ctx, `
		UPDATE customers SET do_not_remind = $3
		WHERE code = $2 AND company_id = (SELECT id FROM companies WHERE code = $1)`, company, customer, on)
	if err != nil {
		return fmt.Errorf("set do-not-remind on customer %s: %w", customer, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("customer %s of %s: %w", customer, company, ErrNotFound)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SetCustomerStatus gives a customer a reminder status from the company's
// table (seed 004), keeping the one it replaces as the previous status. An
// empty code clears it. It reports whether the change matters to the
// customer's invoices (the old or the new status is inherited).
func (s *Store) SetCustomerStatus(ctx context.Context, company, customer, code string) (inherited bool, err error) {
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var companyID int64
		var current *string
		err := tx.QueryRow(ctx, `
			SELECT c.id, cu.reminder_status FROM customers cu JOIN companies c ON c.id = cu.company_id
			WHERE c.code = $1 AND cu.code = $2 FOR UPDATE OF cu`, company, customer).Scan(&companyID, &current)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("customer %s of %s: %w", customer, company, ErrNotFound)
		}
		if err != nil {
			return err
		}
		codes := []string{code}
		if current != nil {
			codes = append(codes, *current)
		}
		if code != "" {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reminder_statuses WHERE company_id = $1 AND code = $2)`,
				companyID, code).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return Invalid(NoStatus.With(strconv.Quote(code), company))
			}
		}
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reminder_statuses WHERE company_id = $1 AND code = ANY($2) AND propagation = 'inherited')`,
			companyID, codes).Scan(&inherited); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE customers SET previous_status = reminder_status, reminder_status = NULLIF($3, '')
			WHERE company_id = $1 AND code = $2`, companyID, customer, code)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("set status of customer %s: %w", customer, err)
	}
	return inherited, nil
}

// OpenWorkflowsOf lists the IDs of a customer's running dunning
// workflows (active, held, paused or unresolved): one per invoice
// (dunning.WorkflowID) and one per instalment of an invoice dunned by
// instalment (dunning.InstalmentWorkflowID, "...#2").
func (s *Store) OpenWorkflowsOf(ctx context.Context, company, customer string) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT i.number, 0 FROM invoices i JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		WHERE c.code = $1 AND cu.code = $2 AND i.dunning_status IN ('active', 'held', 'paused', 'unresolved')
		UNION ALL
		SELECT i.number, n.seq FROM instalments n JOIN invoices i ON i.id = n.invoice_id
		JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		WHERE c.code = $1 AND cu.code = $2 AND n.dunning_status IN ('active', 'held', 'paused', 'unresolved')
		ORDER BY 1, 2`, company, customer)
	if err != nil {
		return nil, fmt.Errorf("open dunnings of %s: %w", customer, err)
	}
	var out []string
	var number string
	var seq int
	_, err = pgx.ForEachRow(rows, []any{&number, &seq}, func() error {
		if seq > 0 {
			out = append(out, dunning.InstalmentWorkflowID(company, number, seq))
		} else {
			out = append(out, dunning.WorkflowID(company, number))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open dunnings of %s: %w", customer, err)
	}
	return out, nil
}

// OpenInvoicesOf lists the numbers of a customer's invoices whose dunning
// runs (active, held, paused or unresolved).
func (s *Store) OpenInvoicesOf(ctx context.Context, company, customer string) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT i.number FROM invoices i JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		WHERE c.code = $1 AND cu.code = $2 AND i.dunning_status IN ('active', 'held', 'paused', 'unresolved')
		ORDER BY i.number`, company, customer)
	if err != nil {
		return nil, fmt.Errorf("open invoices of %s: %w", customer, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("open invoices of %s: %w", customer, err)
	}
	return out, nil
}
