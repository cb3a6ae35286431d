package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/relance/relance/workflows"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/workflow"
)

// versionsCmd is `starter versions`: the open workflows per version marker
// (docs/versioning.md). For every change of workflows.Changes, how many
// open runs recorded each version (the TemporalChangeVersion search
// attribute GetVersion upserts), and how many recorded none. A version is
// retired only once its count, and the count without marker of a change
// asked at the start of every run, is zero.
type versionsCmd struct {
	Before string `placeholder:"INSTANT" help:"also count the open runs of each workflow type started before this instant (RFC 3339, or a date YYYY-MM-DD in UTC): the workflows of an earlier code, for changes not behind a marker"`
}

// Run prints the counts.
func (v *versionsCmd) Run(ctx context.Context, e *env) error {
	var cut time.Time
	if v.Before != "" {
		t, err := parseInstant(v.Before)
		if err != nil {
			return usageError{fmt.Sprintf("--before %q: %v", v.Before, err)}
		}
		cut = t
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	rows, err := versionCounts(ctx, c, workflows.Changes, cut)
	if err != nil {
		return err
	}
	printVersions(e, rows, cut)
	return nil
}

// parseInstant reads an RFC 3339 instant or a date (midnight UTC).
func parseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

// counter counts workflows matching a visibility query (a Temporal client).
type counter interface {
	CountWorkflow(ctx context.Context, req *workflowservice.CountWorkflowExecutionsRequest) (*workflowservice.CountWorkflowExecutionsResponse, error)
}

// versionRow is one line of the report: the open runs of a workflow type
// that recorded Version of Change (Version 0: no marker of it; Change
// empty: every open run of the type).
type versionRow struct {
	Workflow string
	Change   workflows.Change
	Version  workflow.Version
	Open     int64
	Before   int64 // runs of the type started before --before (type rows only)
}

// versionCounts counts, per workflow type, its open runs, then per change
// the open runs of each version 1..Max, and those without marker (the
// type's open runs less the others: a run records one version per
// change).
func versionCounts(ctx context.Context, c counter, changes []workflows.Change, before time.Time) ([]versionRow, error) {
	count := func(q string) (int64, error) {
		r, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: q})
		if err != nil {
			return 0, fmt.Errorf("count workflows (%s): %w", q, err)
		}
		return r.GetCount(), nil
	}
	var rows []versionRow
	open := map[string]int64{}
	for _, ch := range changes {
		typeQuery := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", ch.Workflow)
		if _, done := open[ch.Workflow]; !done {
			n, err := count(typeQuery)
			if err != nil {
				return nil, err
			}
			open[ch.Workflow] = n
			row := versionRow{Workflow: ch.Workflow, Open: n}
			if !before.IsZero() {
				if row.Before, err = count(typeQuery + fmt.Sprintf(" AND StartTime < '%s'", before.UTC().Format(time.RFC3339))); err != nil {
					return nil, err
				}
			}
			rows = append(rows, row)
		}
		marked := int64(0)
		for v := workflow.Version(1); v <= ch.Max; v++ {
			n, err := count(typeQuery + fmt.Sprintf(" AND TemporalChangeVersion = '%s-%d'", ch.ID, v))
			if err != nil {
				return nil, err
			}
			marked += n
			rows = append(rows, versionRow{Workflow: ch.Workflow, Change: ch, Version: v, Open: n})
		}
		rows = append(rows, versionRow{Workflow: ch.Workflow, Change: ch, Version: 0, Open: max(open[ch.Workflow]-marked, 0)})
	}
	return rows, nil
}

// printVersions prints the report as a table.
func printVersions(e *env, rows []versionRow, before time.Time) {
	tw := tabwriter.NewWriter(e.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKFLOW\tCHANGE\tVERSION\tOPEN\tNOTE")
	for _, r := range rows {
		switch {
		case r.Change.ID == "":
			note := "every open run"
			if !before.IsZero() {
				note = fmt.Sprintf("%d started before %s", r.Before, before.UTC().Format(time.RFC3339))
			}
			fmt.Fprintf(tw, "%s\t(all)\t\t%d\t%s\n", r.Workflow, r.Open, note)
		case r.Version == 0:
			note := "not at this change yet, or started before it (DefaultVersion)"
			if r.Change.AtStart {
				note = "started before the change (DefaultVersion)"
			}
			if r.Change.Min > workflow.DefaultVersion {
				note += ": retired, must be 0"
			}
			fmt.Fprintf(tw, "%s\t%s\tnone\t%d\t%s\n", r.Workflow, r.Change.ID, r.Open, note)
		default:
			note := "an earlier version, still supported"
			switch {
			case r.Version < r.Change.Min:
				note = "retired, must be 0"
			case r.Version == r.Change.Max:
				note = strings.TrimPrefix(r.Change.Doc, fmt.Sprintf("%d: ", r.Version))
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", r.Workflow, r.Change.ID, r.Version, r.Open, note)
		}
	}
	_ = tw.Flush()
}
