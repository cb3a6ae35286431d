// Package metrics holds relance's Prometheus metrics (letters by outcome,
// payments, webhook answers, scans, letter render time) and an adapter
// that exposes the Temporal SDK's own metrics on the same registry. The
// worker and the HTTP server serve them at /metrics with Handler.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry is the registry every relance metric and the Temporal SDK's
// metrics live in, with the Go runtime and process collectors.
var Registry = prometheus.NewRegistry()

// Letter outcomes, the values of the outcome label of LettersTotal.
const (
	LetterSent      = "sent"      // accepted by SES
	LetterPrint     = "print"     // queued for printing
	LetterUncertain = "uncertain" // the request left and no answer came back: someone must look
	LetterFailed    = "failed"    // SES refused it, or it could not be built
)

var (
	letters = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "relance_letters_total",
		Help: "Letters by outcome: sent, print, uncertain, failed.",
	}, []string{"outcome"})
	payments = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "relance_payments_total",
		Help: "Payments received through the webhook by result: recorded, duplicate.",
	}, []string{"result"})
	webhook = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "relance_webhook_answers_total",
		Help: "Answers of the payment webhook by HTTP status.",
	}, []string{"status"})
	scans = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "relance_scan_invoices_total",
		Help: "Invoices seen by scans, by what the scan did: started, running, skipped, failed.",
	}, []string{"result"})
	render = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "relance_letter_render_seconds",
		Help:    "Time to build a letter's PDF.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	})
)

func init() {
	Registry.MustRegister(letters, payments, webhook, scans, render,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range []string{LetterSent, LetterPrint, LetterUncertain, LetterFailed} {
		letters.WithLabelValues(o) // present at zero, so alerts on increase() work from the start
	}
}

// Letter counts one letter with outcome (LetterSent, LetterPrint,
// LetterUncertain, LetterFailed).
func Letter(outcome string) { letters.WithLabelValues(outcome).Inc() }

// Payment counts one payment received through the webhook.
func Payment(duplicate bool) {
	if duplicate {
		payments.WithLabelValues("duplicate").Inc()
		return
	}
	payments.WithLabelValues("recorded").Inc()
}

// WebhookAnswer counts one answer of the payment webhook.
func WebhookAnswer(status int) { webhook.WithLabelValues(strconv.Itoa(status)).Inc() }

// Scanned counts n invoices a scan handled with result (started, running,
// skipped).
func Scanned(result string, n int) {
	if n > 0 {
		scans.WithLabelValues(result).Add(float64(n))
	}
}

// RenderTime records how long building one letter took.
func RenderTime(d time.Duration) { render.Observe(d.Seconds()) }

// Handler serves the registry in the Prometheus text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry})
}
