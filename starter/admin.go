package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/platform/progress"
	"github.com/relance/relance/workflows"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// migrateCmd is `starter migrate`.
type migrateCmd struct{}

// Run applies the schema (opening the store migrates it).
func (migrateCmd) Run(ctx context.Context, e *env) error {
	if _, err := e.store(ctx); err != nil {
		return err
	}
	e.printf("schema up to date\n")
	return nil
}

// demoCmd is `starter demo`.
type demoCmd struct {
	DaySeconds  int    `name:"day-seconds" placeholder:"N" help:"make one ladder day last this many seconds (demonstrations only; starter company set --day-seconds changes it later)"`
	Date        string `placeholder:"YYYY-MM-DD" help:"working date the invoices are aged from (default today)"`
	EmailDomain string `name:"email-domain" default:"example.com" help:"domain of the demo customers' e-mail addresses"`
}

// Run loads the demo company.
func (c *demoCmd) Run(ctx context.Context, e *env) error {
	today, err := dateOrToday(c.Date, "Europe/Paris")
	if err != nil {
		return err
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	n, err := demo.Load(ctx, st, demo.Options{Today: today, DaySeconds: c.DaySeconds, EmailDomain: c.EmailDomain})
	if err != nil {
		return err
	}
	e.printf("demo company %s loaded: %d invoices aged from %s", demo.Company, n, today)
	if c.DaySeconds > 0 {
		e.printf(", one ladder day = %d s", c.DaySeconds)
	}
	e.printf("\n")
	return nil
}

// setupCmd is `starter setup`.
type setupCmd struct{}

// Run registers the missing search attributes.
func (setupCmd) Run(ctx context.Context, e *env) error {
	c, err := e.client()
	if err != nil {
		return err
	}
	existing, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: e.cfg.TemporalNamespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := map[string]enums.IndexedValueType{}
	for _, sa := range dunning.SearchAttributeTypes {
		if _, ok := existing.GetCustomAttributes()[sa.Name]; ok {
			continue
		}
		missing[sa.Name] = enums.IndexedValueType(enums.IndexedValueType_value["INDEXED_VALUE_TYPE_"+strings.ToUpper(sa.Type)])
	}
	if len(missing) > 0 {
		if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
			Namespace: e.cfg.TemporalNamespace, SearchAttributes: missing,
		}); err != nil {
			return fmt.Errorf("add search attributes: %w", err)
		}
	}
	e.printf("search attributes: %d registered now, %d already there\n", len(missing), len(dunning.SearchAttributeTypes)-len(missing))
	return nil
}

// searchAttributesCmd is `starter search-attributes`.
type searchAttributesCmd struct {
	Flags bool `help:"print as 'temporal server start-dev' flags"`
}

// Run prints the search attributes.
func (c *searchAttributesCmd) Run(_ context.Context, e *env) error {
	for _, sa := range dunning.SearchAttributeTypes {
		if c.Flags {
			e.printf("--search-attribute %s=%s ", sa.Name, sa.Type)
		} else {
			e.printf("%s\t%s\n", sa.Name, sa.Type)
		}
	}
	if c.Flags {
		e.printf("\n")
	}
	return nil
}

// scanCmd is `starter scan`.
type scanCmd struct {
	Company   string `placeholder:"CODE" help:"company code (default: every company not archived, the demo company included)"`
	Date      string `placeholder:"YYYY-MM-DD" help:"working date (default today in the company's time zone)"`
	JSON      bool   `name:"json" help:"print the report as JSON"`
	Reconcile bool   `help:"first compare the ledger's running dunnings with Temporal's visibility and correct them"`
}

// Run scans the company, or every company.
func (s *scanCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	codes := []string{s.Company}
	if s.Company == "" {
		if codes, err = st.CompanyCodes(ctx); err != nil {
			return err
		}
	}
	var reports []wire.ScanReport
	for _, code := range codes {
		co, err := st.CompanyByCode(ctx, code)
		if err != nil {
			return err
		}
		on, err := dateOrToday(s.Date, co.TimeZone)
		if err != nil {
			return err
		}
		if s.Reconcile {
			rr, err := scan.Reconcile(ctx, st, c, code, e.log)
			if err != nil {
				return err
			}
			if !s.JSON {
				e.printf("reconcile %s: %d running in Temporal, %d recorded now, %d ended now (%d to start again)\n",
					code, rr.Running, rr.Recorded, rr.Ended, rr.Restartable)
			}
		}
		bar := progress.New(e.progress, 0, "scan "+code)
		rep, err := scan.RunWithProgress(ctx, st, c, code, on, e.log, func(done, total int) {
			bar.SetTotal(total)
			bar.Set(done)
		})
		bar.Done()
		if err != nil {
			return err
		}
		reports = append(reports, rep)
	}
	if s.JSON {
		enc := json.NewEncoder(e.out)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	for _, rep := range reports {
		printReport(e, rep)
	}
	return nil
}

func printReport(e *env, rep wire.ScanReport) {
	e.printf("scan of %s on %s: %d considered, %d started, %d already running, %d skipped, %d failed\n",
		rep.Company, rep.Date, rep.Considered, rep.StartedCount, rep.AlreadyRunningCount, rep.SkippedCount, rep.FailedCount)
	if rep.LiveCount > 0 {
		e.printf("  %d dunnings running (the ledger's record): not considered, no call to Temporal\n", rep.LiveCount)
	}
	if len(rep.Started) > 0 {
		e.printf("  started: %s\n", sampleLine(rep.Started, rep.StartedCount))
	}
	if len(rep.AlreadyRunning) > 0 {
		e.printf("  already running: %s\n", sampleLine(rep.AlreadyRunning, rep.AlreadyRunningCount))
	}
	for _, s := range rep.Skipped {
		e.printf("  skipped %s: %s\n", s.Invoice, s.Reason)
	}
	for _, s := range rep.Notes {
		e.printf("  note %s: %s\n", s.Invoice, s.Reason)
	}
	for _, s := range rep.Failed {
		e.printf("  FAILED %s: %s\n", s.Invoice, s.Reason)
	}
	if more := rep.SkippedCount + rep.NotesCount + rep.FailedCount - len(rep.Skipped) - len(rep.Notes) - len(rep.Failed); more > 0 {
		e.printf("  ... and %d more skipped, noted or failed (each is in the log)\n", more)
	}
}

// sampleLine shows the first invoice numbers of a list of total and how
// many more there are.
func sampleLine(first []string, total int) string {
	s := strings.Join(first, ", ")
	if total > len(first) {
		s += fmt.Sprintf(", ... (%d more)", total-len(first))
	}
	return s
}

// scheduleCmd is `starter schedule`.
type scheduleCmd struct {
	Company string `required:"" placeholder:"CODE" help:"company code"`
	At      string `default:"07:00" placeholder:"HH:MM" help:"time of day of the scan, in the company's time zone"`
}

// Run creates or updates the company's daily scan Schedule.
func (s *scheduleCmd) Run(ctx context.Context, e *env) error {
	t, err := time.Parse("15:04", s.At)
	if err != nil {
		return usageError{fmt.Sprintf("schedule: --at %q is not HH:MM", s.At)}
	}
	_, co, err := e.company(ctx, s.Company)
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	id := "scan/" + co.Code
	spec := client.ScheduleSpec{
		Calendars:    []client.ScheduleCalendarSpec{{Hour: []client.ScheduleRange{{Start: t.Hour()}}, Minute: []client.ScheduleRange{{Start: t.Minute()}}}},
		TimeZoneName: co.TimeZone,
	}
	action := &client.ScheduleWorkflowAction{
		ID: id, Workflow: workflows.DailyScanWorkflowType, TaskQueue: dunning.TaskQueue,
		Args: []any{wire.ScanInput{Company: co.Code}},
	}
	_, err = c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: id, Spec: spec, Action: action, Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP,
		Note: "daily scan of overdue invoices (relance)",
	})
	switch {
	case errors.Is(err, temporal.ErrScheduleAlreadyRunning):
		err = c.ScheduleClient().GetHandle(ctx, id).Update(ctx, client.ScheduleUpdateOptions{
			DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
				in.Description.Schedule.Spec = &spec
				in.Description.Schedule.Action = action
				return &client.ScheduleUpdate{Schedule: &in.Description.Schedule}, nil
			},
		})
		if err != nil {
			return fmt.Errorf("update schedule %s: %w", id, err)
		}
		e.printf("schedule %s updated: daily at %s %s\n", id, s.At, co.TimeZone)
	case err != nil:
		return fmt.Errorf("create schedule %s: %w", id, err)
	default:
		e.printf("schedule %s created: daily at %s %s\n", id, s.At, co.TimeZone)
	}
	return nil
}

// dateOrToday parses s, or returns today in the time zone tz.
func dateOrToday(s, tz string) (calendar.Date, error) {
	if s != "" {
		d, err := calendar.Parse(s)
		if err != nil {
			return d, usageError{err.Error()}
		}
		return d, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return calendar.Date{}, fmt.Errorf("time zone %q: %w", tz, err)
	}
	return ladder.Clock{Location: loc}.Today(time.Now()), nil
}
