package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets: the worker's memory (issue 10); the Temporal server's CPU and
// the history events per invoice against the floor's (issue 19).
const (
	TargetWorkerRSS   = 400 << 20
	TargetServerCPU   = 1.2
	TargetEventsRatio = 1.3
)

// printSides writes the table of the floor and relance.
func printSides(w io.Writer, r Report) {
	fmt.Fprintf(w, "N = %d invoices on the %s server, one ladder day = %d s (R1 one day after the start, letters collected half a day; every floor workflow wakes at one instant %s after the first start)\n\n",
		r.N, r.Server, r.DaySeconds, time.Duration(r.DaySeconds)*time.Second*3/2)
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.Debug)
	fmt.Fprintln(tw, "| what\t relance\t floor\t ratio\t")
	fmt.Fprintln(tw, "|---\t---\t---\t---\t")
	row := func(what string, rel, flo float64, unit string, digits int) {
		ratio := "—"
		if flo > 0 {
			ratio = fmt.Sprintf("%.2f", rel/flo)
		}
		fmt.Fprintf(tw, "| %s\t %.*f%s\t %.*f%s\t %s\t\n", what, digits, rel, unit, digits, flo, unit, ratio)
	}
	row("drain of the send moment: R1 letters/s (floor: activities/s)", r.Relance.DrainPerSecond(), r.Floor.DrainPerSecond(), "", 1)
	row("drain time, first to last", (r.Relance.LastDone - r.Relance.FirstDone).Seconds(), (r.Floor.LastDone - r.Floor.FirstDone).Seconds(), " s", 1)
	row("send moment (first done) after the first start", r.Relance.FirstDone.Seconds(), r.Floor.FirstDone.Seconds(), " s", 1)
	row("starts/s", r.Relance.StartsPerSecond(), r.Floor.StartsPerSecond(), "", 1)
	row("history events per invoice", r.Relance.Events, r.Floor.Events, "", 1)
	row("Temporal server CPU per invoice", perInvoiceMS(r.Relance.ServerCPU, r.Relance.Done), perInvoiceMS(r.Floor.ServerCPU, r.Floor.Done), " ms", 1)
	if r.Server == ServerPostgres {
		row("  its PostgreSQL's CPU per invoice", perInvoiceMS(r.Relance.ServerDBCPU, r.Relance.Done), perInvoiceMS(r.Floor.ServerDBCPU, r.Floor.Done), " ms", 1)
		row("  its PostgreSQL's growth per invoice (relance: parked)", perInvoiceKiB(r.Relance.ServerDBBytes, r.Relance.Started), perInvoiceKiB(r.Floor.ServerDBBytes, r.Floor.Started), " KiB", 1)
	}
	row("worker CPU per invoice", perInvoiceMS(r.Relance.WorkerCPU, r.Relance.Done), perInvoiceMS(r.Floor.WorkerCPU, r.Floor.Done), " ms", 1)
	row("worker peak RSS", mib(r.Relance.WorkerPeakRSS), mib(r.Floor.WorkerPeakRSS), " MiB", 0)
	row("worker RSS at the end (relance: parked)", mib(r.Relance.WorkerEndRSS), mib(r.Floor.WorkerEndRSS), " MiB", 0)
	row("server RSS at the end", mib(r.Relance.ServerEndRSS), mib(r.Floor.ServerEndRSS), " MiB", 0)
	tw.Flush()
	l := r.Letters
	fmt.Fprintf(w, "\nletters in the SES emulator: %d received, %d of %d customers reached, %d duplicates (same subject), %d later-level letters, %d missing, %d to unexpected addresses\n",
		l.Received, l.Recipients, r.N, l.Duplicates, l.Later, l.Missing, l.Unexpected)
	if l.Uncertain > 0 {
		fmt.Fprintf(w, "letters the ledger marks uncertain (no answer from SES, not resent): %d, of which %d not in the emulator\n", l.Uncertain, l.UncertainMissing)
	}
	fmt.Fprintf(w, "relance history events per invoice by type: %s\n", kindsLine(r.Relance.EventKinds))
	if len(r.Relance.LetterKinds) > 0 {
		fmt.Fprintf(w, "  of which its customer letter's: %s\n", kindsLine(r.Relance.LetterKinds))
	}
	fmt.Fprintf(w, "floor history events per invoice by type: %s\n", kindsLine(r.Floor.EventKinds))
	if r.Floor.Started == 0 {
		fmt.Fprintf(w, "no floor in this run (-floor=false): no ratios\n")
		if r.Relance.Done+l.UncertainMissing < r.N {
			fmt.Fprintf(w, "INCOMPLETE: out of time with %d of %d letters; rates and CPU cover what was done\n", r.Relance.Done, r.N)
		}
		fmt.Fprintf(w, "targets: worker RSS < %d MiB: %s (%.0f MiB peak); every letter exactly once: %s\n",
			TargetWorkerRSS>>20, yes(r.Relance.WorkerPeakRSS < TargetWorkerRSS), mib(r.Relance.WorkerPeakRSS), yes(l.ExactlyOnce()))
		return
	}
	if r.Relance.Done+l.UncertainMissing < r.N || r.Floor.Done < r.N {
		fmt.Fprintf(w, "INCOMPLETE: out of time with %d of %d letters and %d of %d floor workflows done; rates and CPU cover what was done\n",
			r.Relance.Done, r.N, r.Floor.Done, r.N)
	}
	drain := r.Relance.DrainPerSecond() / r.Floor.DrainPerSecond()
	cpu := perInvoiceMS(r.Relance.ServerCPU+r.Relance.ServerDBCPU, r.Relance.Done) / perInvoiceMS(r.Floor.ServerCPU+r.Floor.ServerDBCPU, r.Floor.Done)
	events := r.Relance.Events / r.Floor.Events
	fmt.Fprintf(w, "headline: drain of the send moment %.2fx the floor's\n", drain)
	fmt.Fprintf(w, "targets: Temporal server CPU per invoice (with its PostgreSQL) <= %.1fx floor: %s (%.2f); events per invoice <= %.1fx floor: %s (%.2f); worker RSS < %d MiB: %s (%.0f MiB peak); every letter exactly once: %s\n",
		TargetServerCPU, yes(cpu <= TargetServerCPU), cpu, TargetEventsRatio, yes(events <= TargetEventsRatio), events,
		TargetWorkerRSS>>20, yes(r.Relance.WorkerPeakRSS < TargetWorkerRSS), mib(r.Relance.WorkerPeakRSS), yes(l.ExactlyOnce()))
}

// Print writes the report as a Markdown table and the benchmarks after it.
func Print(w io.Writer, r Report) {
	fmt.Fprintf(w, "machine: %s; load before %s, after %s\n", r.Machine, r.LoadBefore, r.LoadAfter)
	if r.N > 0 {
		printSides(w, r)
	}
	if s := r.Scan; s != nil {
		fmt.Fprintf(w, "\nscan selection: %d invoices, %d due: read in batches of 1000 in %s\n", s.Rows, s.Due, s.Walk.Round(time.Millisecond))
		fmt.Fprintf(w, "plan of one batch:\n%s\nplan of the whole selection in one query:\n%s\n", indent(s.Plan), indent(s.FullPlan))
	}
	if len(r.LetterBench) > 0 {
		fmt.Fprintf(w, "\nletter rendering (go test -bench . -benchmem -cpu 1 ./letter):\n%s\n", indent(strings.Join(r.LetterBench, "\n")))
	}
}

// kindsLine lists event types by decreasing count.
func kindsLine(kinds map[string]float64) string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if kinds[names[i]] != kinds[names[j]] {
			return kinds[names[i]] > kinds[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %.1f", strings.TrimPrefix(k, "EventType"), kinds[k])
	}
	return strings.Join(parts, ", ")
}

func perInvoiceMS(d time.Duration, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(d.Microseconds()) / 1000 / float64(n)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// perInvoiceKiB is bytes per item in KiB (0 without items).
func perInvoiceKiB(bytes int64, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(bytes) / 1024 / float64(n)
}
