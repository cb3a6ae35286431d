package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/store"
)

// companySettings are the settings flags shared by `company add` and
// `company set`; set changes only the flags given (nil: not given).
type companySettings struct {
	LegalName      *string `name:"legal-name" help:"legal name printed on letters"`
	Address        *string `help:"postal address lines separated by '|', e.g. \"12 rue de la Paix|75002 Paris\""`
	City           *string `help:"city letters are dated from (\"Paris, le ...\")"`
	SIRET          *string `name:"siret" help:"SIRET (14 digits, checked)"`
	VAT            *string `name:"vat" help:"intra-community VAT number (FR key checked)"`
	RCS            *string `name:"rcs" help:"RCS registration as printed, e.g. \"Paris B 732 829 320\""`
	IBAN           *string `name:"iban" help:"IBAN printed for payments (checksum checked)"`
	BIC            *string `name:"bic" help:"BIC"`
	SenderEmail    *string `name:"sender-email" help:"address letters are e-mailed from (verified in SES)"`
	SenderName     *string `name:"sender-name" help:"display name of the sender, e.g. \"Service relances ACME\""`
	ReplyTo        *string `name:"reply-to" help:"address customers' replies go to"`
	TimeZone       *string `name:"time-zone" help:"IANA time zone (default Europe/Paris)"`
	Holidays       *string `help:"working-day calendar: FR (French public holidays, default), FR-AM (plus Alsace-Moselle) or none"`
	Language       *string `help:"letters' default language: fr or en (default fr)"`
	SendHour       *int    `name:"send-hour" placeholder:"0-23" help:"hour of the day letters go out (default 9)"`
	SignatoryName  *string `name:"signatory-name" help:"name signing the letters, e.g. \"Claire Martin\""`
	SignatoryTitle *string `name:"signatory-title" help:"signatory's title, e.g. \"Responsable recouvrement\""`
	LegalForm      *string `name:"legal-form" help:"legal form and share capital after the name in the footer, e.g. \"SAS au capital de 10 000 €\""`
	LetterHeader   *string `name:"letter-header" help:"line printed under the letterhead"`
	LetterFooter   *string `name:"letter-footer" help:"line printed above the legal footer"`
	Logo           string  `placeholder:"FILE" help:"PNG or JPEG file (at most 200 KB) printed at the top left of the letterhead; \"none\" removes it"`
	DaySeconds     *int    `name:"day-seconds" placeholder:"N" help:"make one ladder day of the company last N seconds, for demonstrations (0: real days, as in production); dunnings started afterwards use it"`
	answerRules
}

// answerRules are the company's rules for its customers' answers from
// their page (see docs/customer-side.md).
type answerRules struct {
	PaidPauseDays  *int    `name:"paid-pause-days" placeholder:"1-90" help:"days an \"already paid\" answer from the customer's page pauses its invoices (default 10)"`
	PromiseMaxDays *int    `name:"promise-max-days" placeholder:"1-365" help:"furthest date, in days, a customer may promise to pay by on its page (default 30)"`
	DisputeReasons *string `name:"dispute-reasons" help:"reasons a customer picks from to dispute an invoice, separated by '|'"`
}

// setAnswerRules saves the answer rules given on the command line.
func (f *answerRules) setAnswerRules(ctx context.Context, st *store.Store, code string) error {
	if f.PaidPauseDays == nil && f.PromiseMaxDays == nil && f.DisputeReasons == nil {
		return nil
	}
	c, err := st.PortalRules(ctx, code)
	if err != nil {
		return err
	}
	if f.PaidPauseDays != nil {
		c.PaidPauseDays = *f.PaidPauseDays
	}
	if f.PromiseMaxDays != nil {
		c.PromiseMaxDays = *f.PromiseMaxDays
	}
	if f.DisputeReasons != nil {
		c.DisputeReasons = splitLines(*f.DisputeReasons)
	}
	return st.SetAnswerRules(ctx, code, c.PaidPauseDays, c.PromiseMaxDays, c.DisputeReasons)
}

// apply copies the flags given on the command line onto c.
func (f *companySettings) apply(c *settings.Company) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	if f.Address != nil {
		c.AddressLines = splitLines(*f.Address)
	}
	if f.SendHour != nil {
		c.SendHour = *f.SendHour
	}
	set(&c.LegalName, f.LegalName)
	set(&c.City, f.City)
	set(&c.SIRET, f.SIRET)
	set(&c.VATNumber, f.VAT)
	set(&c.RCS, f.RCS)
	set(&c.IBAN, f.IBAN)
	set(&c.BIC, f.BIC)
	set(&c.SenderEmail, f.SenderEmail)
	set(&c.SenderName, f.SenderName)
	set(&c.ReplyTo, f.ReplyTo)
	set(&c.TimeZone, f.TimeZone)
	set(&c.Holidays, f.Holidays)
	set(&c.Language, f.Language)
	set(&c.SignatoryName, f.SignatoryName)
	set(&c.SignatoryTitle, f.SignatoryTitle)
	set(&c.LegalForm, f.LegalForm)
	set(&c.LetterHeader, f.LetterHeader)
	set(&c.LetterFooter, f.LetterFooter)
}

// check refuses, before anything is saved, the flags no store call would
// check first.
func (f *companySettings) check() error {
	if f.DaySeconds != nil && (*f.DaySeconds < 0 || *f.DaySeconds > 86400) {
		return usageError{fmt.Sprintf("company settings refused, nothing saved:\n  --day-seconds %d: want 0 (real days) to 86400", *f.DaySeconds)}
	}
	return nil
}

// readLogo reads and checks the file given with --logo before anything is
// saved, so that a refused logo leaves the company untouched. It returns
// whether --logo was given and the bytes (nil for "none": remove it).
func (f *companySettings) readLogo() (bool, []byte, error) {
	if f.Logo == "" {
		return false, nil, nil
	}
	if f.Logo == "none" {
		return true, nil, nil
	}
	b, err := os.ReadFile(f.Logo)
	if err != nil {
		return false, nil, fmt.Errorf("company logo: %w", err)
	}
	if _, err := settings.Logo(b); err != nil {
		return false, nil, usageError{fmt.Sprintf("company settings refused, nothing saved:\n  --logo %v", err)}
	}
	return true, b, nil
}

// save saves what the flags give beside the settings row: the logo (read
// by readLogo), the demo day and the answer rules.
func (f *companySettings) save(ctx context.Context, st *store.Store, code string, logoGiven bool, logo []byte) error {
	if logoGiven {
		if err := st.SetCompanyLogo(ctx, code, logo); err != nil {
			return explainSettings(err)
		}
	}
	if f.DaySeconds != nil {
		if err := st.SetDemoDaySeconds(ctx, code, *f.DaySeconds); err != nil {
			return explained{"company settings refused:\n  --day-seconds " + store.ReasonText(err), err}
		}
	}
	return f.setAnswerRules(ctx, st, code)
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "|") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// companyCmd is `starter company`.
type companyCmd struct {
	Add     companyAddCmd     `cmd:"" help:"add a company, with the default ladder, status table and letter templates" audit:""`
	Set     companySetCmd     `cmd:"" help:"change a company's settings (only the flags given)" audit:""`
	Show    companyShowCmd    `cmd:"" help:"show a company's settings"`
	List    companyListCmd    `cmd:"" help:"list the companies"`
	Archive companyArchiveCmd `cmd:"" help:"archive a company: no scan, no letter; its records are kept" audit:""`
	Restore companyRestoreCmd `cmd:"" help:"restore an archived company" audit:""`
}

// companyCode names one company.
type companyCode struct {
	Code string `required:"" placeholder:"CODE" help:"company code, e.g. ACME"`
}

// companyAddCmd is `starter company add`.
type companyAddCmd struct {
	companyCode
	companySettings
}

// Run adds the company.
func (f *companyAddCmd) Run(ctx context.Context, e *env) error {
	if err := f.check(); err != nil {
		return err
	}
	logoGiven, logo, err := f.readLogo()
	if err != nil {
		return err
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	c := settings.Company{Code: f.Code, SendHour: 9}
	f.apply(&c)
	if _, err := st.AddCompany(ctx, c); err != nil {
		return explainSettings(err)
	}
	if err := f.save(ctx, st, c.Code, logoGiven, logo); err != nil {
		return err
	}
	e.printf("company %s added with the default ladder (R1, R2, R3, MED), status table and letter templates\n", c.Code)
	warnSettings(e, c)
	e.printf("next: `starter import --company %s --customers ... --invoices ...`, then `starter scan --company %s`\n", c.Code, c.Code)
	return nil
}

// companySetCmd is `starter company set`.
type companySetCmd struct {
	companyCode
	companySettings
}

// Run changes the settings given.
func (f *companySetCmd) Run(ctx context.Context, e *env) error {
	if err := f.check(); err != nil {
		return err
	}
	logoGiven, logo, err := f.readLogo()
	if err != nil {
		return err
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	cur, err := st.CompanySettings(ctx, f.Code)
	if err != nil {
		return err
	}
	c := cur.Company
	f.apply(&c)
	if err := st.UpdateCompany(ctx, c); err != nil {
		return explainSettings(err)
	}
	if err := f.save(ctx, st, c.Code, logoGiven, logo); err != nil {
		return err
	}
	e.printf("company %s updated\n", c.Code)
	warnSettings(e, c)
	return nil
}

// companyShowCmd is `starter company show`.
type companyShowCmd struct {
	companyCode
}

// Run shows the company's settings.
func (f *companyShowCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	c, err := st.CompanySettings(ctx, f.Code)
	if err != nil {
		return err
	}
	co, err := st.CompanyByCode(ctx, f.Code)
	if err != nil {
		return err
	}
	showCompany(e, c, co.DemoDaySeconds)
	return nil
}

// companyListCmd is `starter company list`.
type companyListCmd struct{}

// Run lists the companies.
func (companyListCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	all, err := st.CompanyList(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tLEGAL NAME\tSENDER\tTIME ZONE\tSEND HOUR\tSTATE")
	for _, c := range all {
		state := "active"
		if c.Archived {
			state = "archived " + c.ArchivedAt.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", c.Code, c.LegalName, c.SenderEmail, c.TimeZone, c.SendHour, state)
	}
	return tw.Flush()
}

// companyArchiveCmd is `starter company archive`.
type companyArchiveCmd struct {
	companyCode
}

// Run archives the company.
func (f *companyArchiveCmd) Run(ctx context.Context, e *env) error {
	return archiveCompany(ctx, e, f.Code, true)
}

// companyRestoreCmd is `starter company restore`.
type companyRestoreCmd struct {
	companyCode
}

// Run restores the company.
func (f *companyRestoreCmd) Run(ctx context.Context, e *env) error {
	return archiveCompany(ctx, e, f.Code, false)
}

func archiveCompany(ctx context.Context, e *env, code string, archive bool) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.ArchiveCompany(ctx, code, archive); err != nil {
		return err
	}
	what := "restored"
	if archive {
		what = "archived"
	}
	e.printf("company %s %s\n", code, what)
	return nil
}

// explainSettings lists each refused field on its own line.
func explainSettings(err error) error {
	var errs settings.Errors
	if !errors.As(err, &errs) {
		return err
	}
	var b strings.Builder
	b.WriteString("company settings refused, nothing saved:")
	for _, fe := range errs {
		fmt.Fprintf(&b, "\n  --%s %s", fe.Field, fe.Problem)
	}
	return usageError{b.String()}
}

func showCompany(e *env, c store.CompanyInfo, daySeconds int) {
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("code", c.Code)
	row("legal-name", c.LegalName)
	row("address", strings.Join(c.AddressLines, " | "))
	row("city", c.City)
	row("siret", c.SIRET)
	row("vat", c.VATNumber)
	row("rcs", c.RCS)
	row("iban", c.IBAN)
	row("bic", c.BIC)
	row("sender-email", c.SenderEmail)
	row("sender-name", c.SenderName)
	row("reply-to", c.ReplyTo)
	row("time-zone", c.TimeZone)
	row("holidays", c.Holidays)
	row("language", c.Language)
	row("send-hour", strconv.Itoa(c.SendHour))
	row("signatory-name", c.SignatoryName)
	row("signatory-title", c.SignatoryTitle)
	row("legal-form", c.LegalForm)
	row("letter-header", c.LetterHeader)
	row("letter-footer", c.LetterFooter)
	if daySeconds > 0 {
		row("day-seconds", fmt.Sprintf("%d (one ladder day lasts %d s: demonstrations)", daySeconds, daySeconds))
	}
	if c.LogoBytes > 0 {
		row("logo", fmt.Sprintf("%d bytes", c.LogoBytes))
	} else {
		row("logo", "none")
	}
	if c.Archived {
		row("archived", c.ArchivedAt.Format("2006-01-02 15:04"))
	}
	_ = tw.Flush()
}

// statusesCmd is `starter statuses`.
type statusesCmd struct {
	List   statusesListCmd   `cmd:"" help:"list a company's reminder statuses"`
	Set    statusesSetCmd    `cmd:"" help:"add or change a status; running dunnings of customers holding it are told" audit:""`
	Delete statusesDeleteCmd `cmd:"" help:"delete a status no customer holds" audit:""`
}

// companyFlag is --company, required.
type companyFlag struct {
	Company string `required:"" placeholder:"CODE" help:"company code"`
}

// statusesListCmd is `starter statuses list`.
type statusesListCmd struct {
	companyFlag
}

// Run lists the statuses.
func (f *statusesListCmd) Run(ctx context.Context, e *env) error {
	st, co, err := e.company(ctx, f.Company)
	if err != nil {
		return err
	}
	all, err := st.Statuses(ctx, co.ID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tLABEL\tESCALATION\tPROPAGATION\tBLOCKS LETTERS")
	for _, s := range all {
		prop := "independent"
		if s.Inherited {
			prop = "inherited"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", s.Code, s.Label, s.EscalationCode, prop, yesNo(s.Blocks))
	}
	return tw.Flush()
}

// statusesSetCmd is `starter statuses set`.
type statusesSetCmd struct {
	companyFlag
	Code       string `required:"" help:"status code, e.g. LIT"`
	Label      string `required:"" help:"label shown to users, e.g. \"Litige\""`
	Escalation string `help:"code of the status it escalates to"`
	Inherited  bool   `help:"set on a customer, applies to all its open and future invoices (else independent, informational)"`
	Blocks     bool   `help:"no letters while a customer holds it"`
	Actor      string `help:"${actorHelp}"`
}

// Run saves the status.
func (f *statusesSetCmd) Run(ctx context.Context, e *env) error {
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	told, err := o.SaveStatus(ctx, f.Company, store.ReminderStatus{
		Code: f.Code, Label: f.Label, EscalationCode: f.Escalation, Inherited: f.Inherited, Blocks: f.Blocks,
	}, cliActor(f.Actor))
	if err != nil {
		return err
	}
	e.printf("status %s saved; %d running dunning(s) told\n", f.Code, told)
	return nil
}

// statusesDeleteCmd is `starter statuses delete`.
type statusesDeleteCmd struct {
	companyFlag
	Code string `required:"" help:"status code"`
}

// Run deletes the status.
func (f *statusesDeleteCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.DeleteStatus(ctx, f.Company, f.Code); err != nil {
		return err
	}
	e.printf("status %s deleted\n", f.Code)
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// warnSettings prints what the saved settings weaken (settings.Warnings).
func warnSettings(e *env, c settings.Company) {
	for _, w := range settings.Warnings(c) {
		if w.Problem.Code == settings.WarnNoIBAN {
			e.printf("warning: no IBAN: letters carry no payment QR code nor RF reference, and ask for a cheque or the means agreed\n")
		}
	}
}
