package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/store"
)

// companyFlags are the settings flags shared by `company add` and `company
// set`; set changes only the flags given.
type companyFlags struct {
	fs                               *flag.FlagSet
	code, legalName, address, city   *string
	siret, vat, rcs, iban, bic       *string
	senderEmail, senderName, replyTo *string
	timeZone, holidays, language     *string
	sendHour                         *int
	signatoryName, signatoryTitle    *string
	legalForm, header, footer        *string
	logo                             *string
	answers                          answerFlags
}

// answerFlags are the company's rules for its customers' answers from
// their page (see docs/customer-side.md).
type answerFlags struct {
	paidPauseDays, promiseMaxDays *int
	disputeReasons                *string
}

func newCompanyFlags(name string) *companyFlags {
	fs := flags(name)
	return &companyFlags{
		fs:             fs,
		code:           fs.String("code", "", "company code, e.g. ACME (required)"),
		legalName:      fs.String("legal-name", "", "legal name printed on letters"),
		address:        fs.String("address", "", "postal address lines separated by '|', e.g. \"12 rue de la Paix|75002 Paris\""),
		city:           fs.String("city", "", "city letters are dated from (\"Paris, le ...\")"),
		siret:          fs.String("siret", "", "SIRET (14 digits, checked)"),
		vat:            fs.String("vat", "", "intra-community VAT number (FR key checked)"),
		rcs:            fs.String("rcs", "", "RCS registration as printed, e.g. \"Paris B 732 829 320\""),
		iban:           fs.String("iban", "", "IBAN printed for payments (checksum checked)"),
		bic:            fs.String("bic", "", "BIC"),
		senderEmail:    fs.String("sender-email", "", "address letters are e-mailed from (verified in SES)"),
		senderName:     fs.String("sender-name", "", "display name of the sender, e.g. \"Service relances ACME\""),
		replyTo:        fs.String("reply-to", "", "address customers' replies go to"),
		timeZone:       fs.String("time-zone", "", "IANA time zone (default Europe/Paris)"),
		holidays:       fs.String("holidays", "", "working-day calendar: FR (French public holidays, default), FR-AM (plus Alsace-Moselle) or none"),
		language:       fs.String("language", "", "letters' default language: fr or en (default fr)"),
		sendHour:       fs.Int("send-hour", 9, "hour of the day letters go out (0-23)"),
		signatoryName:  fs.String("signatory-name", "", "name signing the letters, e.g. \"Claire Martin\""),
		legalForm:      fs.String("legal-form", "", "legal form and share capital after the name in the footer, e.g. \"SAS au capital de 10 000 €\""),
		logo:           fs.String("logo", "", "PNG or JPEG file (at most 200 KB) printed at the top left of the letterhead; \"none\" removes it"),
		header:         fs.String("letter-header", "", "line printed under the letterhead"),
		footer:         fs.String("letter-footer", "", "line printed above the legal footer"),
		signatoryTitle: fs.String("signatory-title", "", "signatory's title, e.g. \"Responsable recouvrement\""),
		answers: answerFlags{
			paidPauseDays:  fs.Int("paid-pause-days", 10, "days an \"already paid\" answer from the customer's page pauses its invoices (1-90)"),
			promiseMaxDays: fs.Int("promise-max-days", 30, "furthest date, in days, a customer may promise to pay by on its page (1-365)"),
			disputeReasons: fs.String("dispute-reasons", "", "reasons a customer picks from to dispute an invoice, separated by '|'"),
		},
	}
}

// setAnswerRules saves the answer rules given on the command line.
func (f *companyFlags) setAnswerRules(ctx context.Context, st *store.Store, code string) error {
	given := false
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "paid-pause-days", "promise-max-days", "dispute-reasons":
			given = true
		}
	})
	if !given {
		return nil
	}
	c, err := st.PortalRules(ctx, code)
	if err != nil {
		return err
	}
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "paid-pause-days":
			c.PaidPauseDays = *f.answers.paidPauseDays
		case "promise-max-days":
			c.PromiseMaxDays = *f.answers.promiseMaxDays
		case "dispute-reasons":
			c.DisputeReasons = splitLines(*f.answers.disputeReasons)
		}
	})
	return st.SetAnswerRules(ctx, code, c.PaidPauseDays, c.PromiseMaxDays, c.DisputeReasons)
}

// apply copies the flags given on the command line onto c.
func (f *companyFlags) apply(c *settings.Company) {
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "legal-name":
			c.LegalName = *f.legalName
		case "address":
			c.AddressLines = splitLines(*f.address)
		case "city":
			c.City = *f.city
		case "siret":
			c.SIRET = *f.siret
		case "vat":
			c.VATNumber = *f.vat
		case "rcs":
			c.RCS = *f.rcs
		case "iban":
			c.IBAN = *f.iban
		case "bic":
			c.BIC = *f.bic
		case "sender-email":
			c.SenderEmail = *f.senderEmail
		case "sender-name":
			c.SenderName = *f.senderName
		case "reply-to":
			c.ReplyTo = *f.replyTo
		case "time-zone":
			c.TimeZone = *f.timeZone
		case "holidays":
			c.Holidays = *f.holidays
		case "language":
			c.Language = *f.language
		case "send-hour":
			c.SendHour = *f.sendHour
		case "signatory-name":
			c.SignatoryName = *f.signatoryName
		case "signatory-title":
			c.SignatoryTitle = *f.signatoryTitle
		case "legal-form":
			c.LegalForm = *f.legalForm
		case "letter-header":
			c.LetterHeader = *f.header
		case "letter-footer":
			c.LetterFooter = *f.footer
		}
	})
}

// readLogo reads and checks the file given with --logo before anything is
// saved, so that a refused logo leaves the company untouched. It returns
// whether --logo was given and the bytes (nil for "none": remove it).
func (f *companyFlags) readLogo() (bool, []byte, error) {
	if *f.logo == "" {
		return false, nil, nil
	}
	if *f.logo == "none" {
		return true, nil, nil
	}
	b, err := os.ReadFile(*f.logo)
	if err != nil {
		return false, nil, fmt.Errorf("company logo: %w", err)
	}
	if _, err := settings.Logo(b); err != nil {
		return false, nil, usageError{fmt.Sprintf("company settings refused, nothing saved:\n  --logo %v", err)}
	}
	return true, b, nil
}

// setLogo saves the logo readLogo returned, when --logo was given.
func (f *companyFlags) setLogo(ctx context.Context, st *store.Store, given bool, logo []byte) error {
	if !given {
		return nil
	}
	if err := st.SetCompanyLogo(ctx, *f.code, logo); err != nil {
		return explainSettings(err)
	}
	return nil
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

const companyUsage = "company: add|set --code C [settings flags] | show --code C | list | archive|restore --code C"

func runCompany(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		return usageError{companyUsage}
	}
	sub := args[0]
	f := newCompanyFlags("company " + sub)
	if err := parse(f.fs, args[1:]); err != nil {
		return err
	}
	if sub != "list" && *f.code == "" {
		return usageError{"company " + sub + ": --code is required"}
	}
	logoGiven, logo, err := f.readLogo()
	if err != nil {
		return err
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		c := settings.Company{Code: *f.code, SendHour: 9}
		f.apply(&c)
		if _, err := st.AddCompany(ctx, c); err != nil {
			return explainSettings(err)
		}
		if err := f.setLogo(ctx, st, logoGiven, logo); err != nil {
			return err
		}
		if err := f.setAnswerRules(ctx, st, c.Code); err != nil {
			return err
		}
		e.printf("company %s added with the default ladder (R1, R2, R3, MED), status table and letter templates\n", c.Code)
		warnSettings(e, c)
		e.printf("next: `starter import --company %s --customers ... --invoices ...`, then `starter scan --company %s`\n", c.Code, c.Code)
		return nil
	case "set":
		cur, err := st.CompanySettings(ctx, *f.code)
		if err != nil {
			return err
		}
		c := cur.Company
		f.apply(&c)
		if err := st.UpdateCompany(ctx, c); err != nil {
			return explainSettings(err)
		}
		if err := f.setLogo(ctx, st, logoGiven, logo); err != nil {
			return err
		}
		if err := f.setAnswerRules(ctx, st, c.Code); err != nil {
			return err
		}
		e.printf("company %s updated\n", c.Code)
		warnSettings(e, c)
		return nil
	case "show":
		c, err := st.CompanySettings(ctx, *f.code)
		if err != nil {
			return err
		}
		showCompany(e, c)
		return nil
	case "list":
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
	case "archive", "restore":
		if err := st.ArchiveCompany(ctx, *f.code, sub == "archive"); err != nil {
			return err
		}
		e.printf("company %s %sd\n", *f.code, sub)
		return nil
	}
	return usageError{companyUsage}
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

func showCompany(e *env, c store.CompanyInfo) {
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

const statusesUsage = "statuses: list --company C | set --company C --code X --label L [--escalation Y] [--inherited] [--blocks] | delete --company C --code X"

func runStatuses(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		return usageError{statusesUsage}
	}
	sub := args[0]
	fs := flags("statuses " + sub)
	company := fs.String("company", "", "company code (required)")
	code := fs.String("code", "", "status code, e.g. LIT")
	label := fs.String("label", "", "label shown to users, e.g. \"Litige\"")
	escalation := fs.String("escalation", "", "code of the status it escalates to")
	inherited := fs.Bool("inherited", false, "set on a customer, applies to all its open and future invoices (else independent, informational)")
	blocks := fs.Bool("blocks", false, "no letters while a customer holds it")
	actor := fs.String("actor", "", actorHelp)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *company == "" {
		return usageError{"statuses: --company is required"}
	}
	switch sub {
	case "list":
		st, co, err := e.company(ctx, *company)
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
	case "set":
		if *code == "" || *label == "" {
			return usageError{"statuses set: --code and --label are required"}
		}
		o, err := e.ops(ctx)
		if err != nil {
			return err
		}
		told, err := o.SaveStatus(ctx, *company, store.ReminderStatus{
			Code: *code, Label: *label, EscalationCode: *escalation, Inherited: *inherited, Blocks: *blocks,
		}, cliActor(*actor))
		if err != nil {
			return err
		}
		e.printf("status %s saved; %d running dunning(s) told\n", *code, told)
		return nil
	case "delete":
		if *code == "" {
			return usageError{"statuses delete: --code is required"}
		}
		st, err := e.store(ctx)
		if err != nil {
			return err
		}
		if err := st.DeleteStatus(ctx, *company, *code); err != nil {
			return err
		}
		e.printf("status %s deleted\n", *code)
		return nil
	}
	return usageError{statusesUsage}
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
