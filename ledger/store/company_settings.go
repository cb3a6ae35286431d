package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/letters/letter"
)

// ErrExists is returned (wrapped) when a record to add is already there.
var ErrExists = errors.New("already exists")

// CompanyInfo is a company's editable settings and whether it is archived.
type CompanyInfo struct {
	settings.Company
	Archived   bool
	ArchivedAt time.Time
	// LogoBytes is the size of the company's logo (0: none); see SetCompanyLogo.
	LogoBytes int
}

// CompanySettings loads the settings of company code.
func (s *Store) CompanySettings(ctx context.Context, code string) (CompanyInfo, error) {
	var c CompanyInfo
	var archived *time.Time
	err := s.Pool.QueryRow(ctx, `
		SELECT code, legal_name, address_lines, city, siret, vat_number, rcs, iban, bic,
		       sender_email, sender_name, reply_to, time_zone, holidays, language, send_hour, archived_at,
		       signatory_name, signatory_title, legal_form, letter_header, letter_footer, coalesce(length(logo), 0)
		FROM companies WHERE code = $1`, code).Scan(
		&c.Code, &c.LegalName, &c.AddressLines, &c.City, &c.SIRET, &c.VATNumber, &c.RCS, &c.IBAN, &c.BIC,
		&c.SenderEmail, &c.SenderName, &c.ReplyTo, &c.TimeZone, &c.Holidays, &c.Language, &c.SendHour, &archived,
		&c.SignatoryName, &c.SignatoryTitle, &c.LegalForm, &c.LetterHeader, &c.LetterFooter, &c.LogoBytes)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("company %s: %w", code, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load company %s: %w", code, err)
	}
	if archived != nil {
		c.Archived, c.ArchivedAt = true, *archived
	}
	return c, nil
}

// CompanyList is every company's settings, archived ones included, by code.
func (s *Store) CompanyList(ctx context.Context) ([]CompanyInfo, error) {
	codes, err := s.allCompanyCodes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]CompanyInfo, 0, len(codes))
	for _, code := range codes {
		c, err := s.CompanySettings(ctx, code)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Store) allCompanyCodes(ctx context.Context) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT code FROM companies ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	return codes, nil
}

// AddCompany checks c (settings.Check) and creates the company with the
// default ladder and status table (letters use the embedded default
// templates until the company writes its own). A code already taken is an
// error wrapping ErrExists; invalid settings are settings.Errors, wrapped
// with ErrInvalid.
func (s *Store) AddCompany(ctx context.Context, c settings.Company) (int64, error) {
	c = withDefaults(c)
	if err := settings.Check(c); err != nil {
		return 0, Invalid(err)
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO companies (code, legal_name, address_lines, city, siret, vat_number, rcs, iban, bic,
			                       sender_email, sender_name, reply_to, time_zone, holidays, language, send_hour,
			                       signatory_name, signatory_title, legal_form, letter_header, letter_footer)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)
			ON CONFLICT (code) DO NOTHING RETURNING id`,
			c.Code, c.LegalName, nonNil(c.AddressLines), c.City, c.SIRET, c.VATNumber, c.RCS, c.IBAN, c.BIC,
			c.SenderEmail, c.SenderName, c.ReplyTo, c.TimeZone, c.Holidays, c.Language, c.SendHour,
			c.SignatoryName, c.SignatoryTitle, c.LegalForm, c.LetterHeader, c.LetterFooter).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("company %s: %w", c.Code, ErrExists)
		}
		if err != nil {
			return err
		}
		if err := insertLadder(ctx, tx, id, ladder.Default()); err != nil {
			return err
		}
		return insertStatuses(ctx, tx, id, DefaultStatuses())
	})
	if err != nil {
		return 0, fmt.Errorf("add company %s: %w", c.Code, err)
	}
	return id, nil
}

// UpdateCompany checks c and replaces the settings of the company with c's
// code. Its ladder, statuses, templates, customers and invoices stay.
func (s *Store) UpdateCompany(ctx context.Context, c settings.Company) error {
	c = withDefaults(c)
	if err := settings.Check(c); err != nil {
		return Invalid(err)
	}
	tag, err := s.Pool.Exec(ctx, `
		UPDATE companies SET legal_name = $2, address_lines = $3, city = $4, siret = $5, vat_number = $6, rcs = $7,
		       iban = $8, bic = $9, sender_email = $10, sender_name = $11, reply_to = $12, time_zone = $13,
		       language = $14, send_hour = $15, holidays = $16,
		       signatory_name = $17, signatory_title = $18, legal_form = $19, letter_header = $20, letter_footer = $21
		WHERE code = $1`,
		c.Code, c.LegalName, nonNil(c.AddressLines), c.City, c.SIRET, c.VATNumber, c.RCS, c.IBAN, c.BIC,
		c.SenderEmail, c.SenderName, c.ReplyTo, c.TimeZone, c.Language, c.SendHour, c.Holidays,
		c.SignatoryName, c.SignatoryTitle, c.LegalForm, c.LetterHeader, c.LetterFooter)
	if err != nil {
		return fmt.Errorf("update company %s: %w", c.Code, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("company %s: %w", c.Code, ErrNotFound)
	}
	return nil
}

// ArchiveCompany archives (on) or restores (off) a company. An archived
// company keeps its data but is no longer scanned: its running dunnings
// go on until they end.
func (s *Store) ArchiveCompany(ctx context.Context, code string, on bool) error {
	tag, err := s.Pool.Exec(ctx, `
		UPDATE companies SET archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) END WHERE code = $1`, code, on)
	if err != nil {
		return fmt.Errorf("archive company %s: %w", code, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("company %s: %w", code, ErrNotFound)
	}
	return nil
}

func withDefaults(c settings.Company) settings.Company {
	if c.TimeZone == "" {
		c.TimeZone = "Europe/Paris"
	}
	if c.Language == "" {
		c.Language = "fr"
	}
	if c.Holidays == "" {
		c.Holidays = string(calendar.HolidaysFrance)
	}
	return c
}

func insertStatuses(ctx context.Context, tx pgx.Tx, companyID int64, statuses []ReminderStatus) error {
	for _, st := range statuses {
		if err := upsertStatus(ctx, tx, companyID, st); err != nil {
			return err
		}
	}
	return nil
}

func upsertStatus(ctx context.Context, tx pgx.Tx, companyID int64, st ReminderStatus) error {
	prop := "independent"
	if st.Inherited {
		prop = "inherited"
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO reminder_statuses (company_id, code, label, escalation_code, propagation, blocks_reminders)
		VALUES ($1,$2,$3,NULLIF($4,''),$5,$6)
		ON CONFLICT (company_id, code) DO UPDATE SET label = EXCLUDED.label, escalation_code = EXCLUDED.escalation_code,
		    propagation = EXCLUDED.propagation, blocks_reminders = EXCLUDED.blocks_reminders`,
		companyID, st.Code, st.Label, st.EscalationCode, prop, st.Blocks)
	if err != nil {
		return fmt.Errorf("save status %s: %w", st.Code, err)
	}
	return nil
}

// checkLadderTemplates refuses a ladder with a level that has no letter
// template (embedded default or the company's own) in a language that the
// company or one of its customers uses: such a level could never send.
func (s *Store) checkLadderTemplates(ctx context.Context, tx pgx.Tx, companyID int64, l ladder.Ladder) error {
	rows, err := tx.Query(ctx, `
		SELECT language FROM companies WHERE id = $1
		UNION SELECT language FROM customers WHERE company_id = $1
		ORDER BY 1`, companyID)
	if err != nil {
		return err
	}
	langs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	custom, err := s.Templates(ctx, companyID)
	if err != nil {
		return err
	}
	var missing []string
	for _, lv := range l {
		for _, lang := range langs {
			if letter.HasTemplate(lang, lv.Code) || hasCustomTemplate(custom, lv.Code, lang) {
				continue
			}
			missing = append(missing, lv.Code+" in "+lang)
		}
	}
	if len(missing) > 0 {
		return Invalid(NoTemplate.With(strings.Join(missing, ", ")))
	}
	return nil
}

func hasCustomTemplate(custom []letter.Template, level, lang string) bool {
	for _, t := range custom {
		t = t.Normalized()
		if t.Level == strings.ToUpper(level) && t.Language == lang && t.CustomerKind == letter.KindAny {
			return true
		}
	}
	return false
}

// RunningDunnings counts the company's invoices whose dunning runs (active,
// held, paused or unresolved): they keep the ladder they started with when
// the ladder changes.
func (s *Store) RunningDunnings(ctx context.Context, company string) (int, error) {
	var n int
	err := s.Pool.QueryRow(ctx, `
		SELECT count(*) FROM invoices i JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND i.dunning_status IN ('active', 'held', 'paused', 'unresolved')`, company).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("running dunnings of %s: %w", company, err)
	}
	return n, nil
}
