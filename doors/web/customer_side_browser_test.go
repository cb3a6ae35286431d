package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/portal"
	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/letters/portallink"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/sesemu"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// customerSideWorld is the browser world with the customer's page: the
// worker's letters carry signed links to the web app's /p/ pages. Its
// client and workers use a namespace of the test's own (the test runs in
// parallel with the others).
func customerSideWorld(t *testing.T) (*world, *sesemu.Emulator, *portallink.Links) {
	t.Helper()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	warn := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ts := temporaltest.Shared(t)
	tc, err := client.Dial(client.Options{HostPort: ts.Address, Namespace: ts.Namespace(t), Logger: tlog.NewStructuredLogger(warn)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	base := "http://localhost:" + port
	links, err := portallink.New([]byte(strings.Repeat("portal-secret-", 4)), base, 60*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	emu := sesemu.StartT(t)
	sender, err := mail.NewSES(ctx, "eu-west-3", emu.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{dunning.TaskQueue, dunning.LetterTaskQueue} {
		w := worker.New(tc, q, worker.Options{})
		workflows.Register(w)
		w.RegisterActivity(&activities.Activities{Store: st, Mailer: sender, Temporal: tc, Log: warn, Portal: links})
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
	}
	ops := &actions.Ops{Store: st, Temporal: tc}
	pages, err := portal.New(ops, links, warn, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Ops: ops, Store: st, Log: warn, Portal: pages.Handler()})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	shot := os.Getenv("RELANCE_SCREENSHOTS")
	if shot == "" {
		shot = filepath.Join(os.TempDir(), "relance-screenshots")
	}
	if err := os.MkdirAll(shot, 0o755); err != nil {
		t.Fatal(err)
	}
	return &world{st: st, tc: tc, ops: ops, base: base, shot: shot}, emu, links
}

var portalLink = regexp.MustCompile(`http://localhost:\d+/p/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

// TestBrowserCustomerAnswers: the customer opens the link of the e-mail
// the SES emulator received (sent as the company sends it: sender name,
// Reply-To), sees its statement and answers the four ways; a tampered or
// expired link and another customer's invoice are refused; the controller
// sees the answers in "Réponses clients" and resumes one.
func TestBrowserCustomerAnswers(t *testing.T) {
	t.Parallel()
	wd, emu, links := customerSideWorld(t)
	ctx := context.Background()
	const code = "PORTAL"
	today := calendar.Of(time.Now().In(paris))
	if _, err := demo.Load(ctx, wd.st, demo.Options{Today: today, DaySeconds: 20, Code: code, EmailDomain: "portal.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := wd.st.Pool.Exec(ctx, `UPDATE companies SET sender_name = 'Négoce Durand – Comptabilité',
		reply_to = 'compta@negoce-durand.example.com' WHERE code = $1`, code); err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(ctx, wd.st, wd.tc, code, today, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, n := range rep.Started {
			_ = wd.tc.TerminateWorkflow(context.Background(), dunning.WorkflowID(code, n), "", "test over")
		}
	})
	wd.user(t, "claire", store.RoleOperator, code)

	// The statement of INFO DEBUTANT (CLI0009) reaches the emulator.
	var msg sesemu.StoredMessage
	eventually(t, 90*time.Second, "CLI0009's statement in the SES emulator", func() bool {
		msgs, err := emu.Messages(ctx)
		if err != nil {
			return false
		}
		for _, m := range msgs {
			if len(m.To) == 1 && m.To[0] == "paul@infodebutant.portal.example.com" && portalLink.MatchString(m.Text) {
				msg = m
				return true
			}
		}
		return false
	})
	if !strings.Contains(msg.From, "Comptabilit") || msg.FromAddress != "relances@negoce-durand.example.com" ||
		len(msg.ReplyTo) != 1 || msg.ReplyTo[0] != "compta@negoce-durand.example.com" {
		t.Errorf("sent as From %q (%s), Reply-To %v", msg.From, msg.FromAddress, msg.ReplyTo)
	}
	if len(msg.Inline) != 1 || msg.Inline[0].ContentType != "image/png" || !strings.Contains(msg.Text, "RF") {
		t.Errorf("e-mail without its QR code image (%d inline parts) or RF reference", len(msg.Inline))
	}
	link := portalLink.FindString(msg.Text)
	if !strings.Contains(msg.HTML, link) {
		t.Errorf("the HTML part lacks the link %s", link)
	}

	t.Logf("statement received at %s", time.Now().Format(time.TimeOnly))
	b := wd.browser(t)
	b.run("open the link of the e-mail", chromedp.Navigate(link), chromedp.WaitVisible(css("#statement")))
	for _, n := range []string{"FA0168", "FA0176", "FA0184"} {
		if b.count(fmt.Sprintf(`#statement tr.item[data-number=%q]`, n)) != 1 {
			t.Errorf("the statement does not list %s", n)
		}
	}
	if !strings.Contains(b.text("#statement"), "AV0021") || !strings.Contains(b.text("#owed"), "17") {
		t.Errorf("statement: credit note or total missing: %s", b.text("#statement"))
	}
	if b.count(`#pay img`) != 1 || b.count(`#letters li`) < 1 {
		t.Errorf("no QR code or no letter listed")
	}
	b.screenshot("portal-01-statement")
	id := func(number string) string {
		n, err := wd.st.InvoiceID(ctx, code, number)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(n)
	}

	// 1. A message to the controller.
	b.run("write a message", chromedp.SendKeys(css("#message"), "Bonjour, pouvez-vous m'appeler ? <script>alert(1)</script>"))
	b.step("send it", "#done", chromedp.Click(css("#form-message button")))
	t.Logf("message answered at %s", time.Now().Format(time.TimeOnly))
	// 2. A dispute of FA0168.
	b.step("dispute FA0168", "#done", chromedp.SetValue(css("#dispute-invoice"), id("FA0168")),
		chromedp.SetValue(css("#reason"), "Marchandise non reçue"),
		chromedp.SendKeys(css("#dispute-text"), "Livraison jamais arrivée"),
		chromedp.Click(css("#form-dispute button")))
	// 3. Already paid FA0184.
	b.step("already paid FA0184", "#done", chromedp.Click(css(`#form-paid input[value="`+id("FA0184")+`"]`)),
		chromedp.SetValue(css("#paid_on"), today.AddDays(-1).String()),
		chromedp.SendKeys(css("#amount"), "6444,00"), chromedp.SendKeys(css("#reference"), "VIR 2026-12 INFODEB"),
		chromedp.Click(css("#form-paid button")))
	// 4. A promise to pay FA0176 in ten days.
	b.step("promise FA0176", "#done", chromedp.Click(css(`#form-promise input[value="`+id("FA0176")+`"]`)),
		chromedp.SetValue(css("#until"), today.AddDays(10).String()),
		chromedp.Click(css("#form-promise button")))
	t.Logf("four answers given at %s", time.Now().Format(time.TimeOnly))
	if !strings.Contains(b.text("#done"), "date promise") {
		t.Errorf("promise answer: %q", b.text("#done"))
	}
	if got := b.count("#history li"); got != 4 {
		t.Errorf("%d answers listed on the page, want 4", got)
	}
	b.screenshot("portal-02-answered")
	answers, err := wd.st.Answers(ctx, store.AnswerFilter{Company: code})
	if err != nil || len(answers) != 4 {
		t.Fatalf("answers: %+v %v", answers, err)
	}
	outcomes := map[string]string{}
	for _, a := range answers {
		outcomes[a.Kind] = a.Outcome
	}
	if !strings.Contains(outcomes["dispute"], "FA0168: paused") || !strings.Contains(outcomes["paid"], "FA0184: paused until") ||
		!strings.Contains(outcomes["promise"], "FA0176: paused until "+today.AddDays(10).String()) || !strings.Contains(outcomes["message"], "commented") {
		t.Errorf("outcomes %v", outcomes)
	}
	if st, err := wd.ops.State(ctx, code, "FA0176"); err != nil || st.PauseReason == "" || st.PausedUntil != today.AddDays(10) {
		t.Errorf("FA0176 after the promise: %+v %v", st, err)
	}

	// Refused links, and nothing of another customer.
	token := strings.TrimPrefix(link[strings.Index(link, "/p/"):], "/p/")
	tampered := wd.base + "/p/" + strings.Replace(token, token[len(token)-2:], flip(token[len(token)-2:]), 1)
	b.run("open a tampered link", chromedp.Navigate(tampered), chromedp.WaitVisible(css("h1")))
	if body := b.text("body"); !strings.Contains(body, "pas valide") || strings.Contains(body, "FA0168") {
		t.Errorf("tampered link shows %q", body)
	}
	b.screenshot("portal-03-tampered")
	cust, _ := wd.st.CustomerByCode(ctx, code, "CLI0009")
	expired := links.URL(cust.ID, 1, time.Now().Add(-61*24*time.Hour))
	b.run("open an expired link", chromedp.Navigate(expired), chromedp.WaitVisible(css("h1")))
	if body := b.text("body"); !strings.Contains(body, "expiré") {
		t.Errorf("expired link shows %q", body)
	}
	other, err := wd.st.InvoiceID(ctx, code, "FA0171")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(fmt.Sprintf("%s/invoices/%d.pdf", link, other))
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("another customer's invoice through CLI0009's link: %v %v", resp.Status, err)
	}
	resp.Body.Close()

	// The controller sees the four answers and resumes the paid one.
	b.signIn("claire")
	b.open("/c/"+code+"/replies", "#replies")
	if n := b.count("#replies tr.reply"); n != 4 {
		t.Errorf("%d answers in the inbox, want 4", n)
	}
	if !strings.Contains(b.text("#replies"), "Bonjour, pouvez-vous m'appeler ? <script>") {
		t.Errorf("the message is not shown as written: %s", b.text("#replies"))
	}
	b.screenshot("portal-04-inbox")
	var paid store.Answer
	for _, a := range answers {
		if a.Kind == store.AnswerPaid {
			paid = a
		}
	}
	b.step("resume the paid invoice", ".flash", chromedp.Click(css(fmt.Sprintf("#fu-resume-%d", paid.ID))))
	if !strings.Contains(b.text(".flash"), "relances reprises") {
		t.Errorf("follow-up message %q", b.text(".flash"))
	}
	if st, err := wd.ops.State(ctx, code, "FA0184"); err != nil || st.PauseReason != "" {
		t.Errorf("FA0184 still paused after the follow-up: %+v %v", st, err)
	}
	b.screenshot("portal-05-followed-up")
	b.open("/c/"+code+"/customers/CLI0009", "#customer-answers")
	if !strings.Contains(b.text("#customer-answers + table"), "Promesse de paiement") {
		t.Errorf("the customer record does not list the answers")
	}
	b.screenshot("portal-06-customer-record")
}

// flip changes two characters of a token.
func flip(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == 'A' {
			out[i] = 'B'
		} else {
			out[i] = 'A'
		}
	}
	return string(out)
}
