package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/relance/relance/ledger/feed"
	"github.com/relance/relance/ledger/store"
)

// MaxFeedBody is the largest body the accounting feed accepts: a batch
// with its PDFs in base64, or one PDF (413 beyond).
const MaxFeedBody = 32 << 20

// The accounting feed (docs/invoices-in.md, docs/openapi.yaml): a token
// with the "feed" area; operator role to write, admin role for a real
// snapshot close.
func (s *server) feedRoutes(mux *http.ServeMux) {
	mux.Handle("POST /v1/feed/{company}", s.authedIn(store.AreaFeed, s.feedBatch))
	mux.Handle("PUT /v1/feed/{company}/invoices/{number}/pdf", s.authedIn(store.AreaFeed, s.feedPDF))
	mux.Handle("POST /v1/feed/{company}/facturx", s.authedIn(store.AreaFeed, s.feedFacturX))
	mux.Handle("POST /v1/feed/{company}/snapshot", s.authedIn(store.AreaFeed, s.feedSnapshot))
	mux.Handle("GET /v1/feed/{company}/open", s.authedIn(store.AreaFeed, s.feedOpen))
}

// readFeedBody reads at most MaxFeedBody bytes (413 beyond).
func readFeedBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.ContentLength > MaxFeedBody {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body of %d bytes is larger than the %d bytes accepted", r.ContentLength, MaxFeedBody))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxFeedBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is larger than the %d bytes accepted", MaxFeedBody))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, "could not read the request body: "+err.Error())
		return nil, false
	}
	return body, true
}

// contentType answers 415 and returns false unless the request's media
// type is want.
func contentType(w http.ResponseWriter, r *http.Request, want string) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == want {
		return true
	}
	writeError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type must be %s, not %q", want, r.Header.Get("Content-Type")))
	return false
}

// feedCtx is the context of a feed write: it survives the client going
// away, so that a batch is saved whole and its workflows told.
func feedCtx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), 5*temporalTimeout)
}

func (s *server) feedBatch(w http.ResponseWriter, r *http.Request, c caller) {
	const action = "feed-batch"
	company := r.PathValue("company")
	if !s.allow(w, r, c, store.RoleOperator, action, company) || !contentType(w, r, "application/json") {
		return
	}
	body, ok := readFeedBody(w, r)
	if !ok {
		return
	}
	var b feed.Batch
	if err := decodeStrict(body, &b); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if n := b.Size(); n == 0 || n > feed.MaxItems {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("a batch carries 1 to %d items (customers, invoices, paymentsOnAccount), not %d", feed.MaxItems, n))
		return
	}
	ctx, cancel := feedCtx(r)
	defer cancel()
	rep, err := s.ops.Feed(ctx, company, b)
	switch {
	case errors.Is(err, store.ErrNotFound) && rep.Items == nil:
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown company %s", company))
		return
	case err != nil && rep.Items == nil:
		s.audit(r, c, action, company, store.AuditError, "")
		s.fault(w, r, action, err)
		return
	case err != nil:
		// Saved; only telling some workflows failed: they see it at their next check.
		s.log.Warn("api: feed batch saved, workflows not all told", "request_id", info(r.Context()).id, "err", err)
	}
	s.audit(r, c, action, company, store.AuditOK, fmt.Sprintf("created %d, updated %d, refused %d, failed %d",
		rep.Created, rep.Updated, rep.Refused, rep.Failed))
	writeJSON(w, http.StatusOK, rep)
}

func (s *server) feedPDF(w http.ResponseWriter, r *http.Request, c caller) {
	const action = "feed-pdf"
	company, number := r.PathValue("company"), r.PathValue("number")
	target := company + "/" + number
	if !s.allow(w, r, c, store.RoleOperator, action, target) || !contentType(w, r, "application/pdf") {
		return
	}
	body, ok := readFeedBody(w, r)
	if !ok {
		return
	}
	if !bytes.HasPrefix(body, []byte("%PDF-")) || len(body) > feed.MaxPDF {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the body must be a PDF file (starting with %%PDF-) of at most %d bytes", feed.MaxPDF))
		return
	}
	co, err := s.st.CompanyByCode(r.Context(), company)
	if err == nil {
		err = s.st.SetInvoicePDF(r.Context(), co.ID, number, body)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown invoice %s of company %s: send the invoice first", number, company))
		return
	case err != nil:
		s.audit(r, c, action, target, store.AuditError, "")
		s.fault(w, r, action, err)
		return
	}
	s.audit(r, c, action, target, store.AuditOK, fmt.Sprintf("%d bytes", len(body)))
	writeJSON(w, http.StatusOK, map[string]any{"company": company, "invoice": number, "bytes": len(body)})
}

func (s *server) feedSnapshot(w http.ResponseWriter, r *http.Request, c caller) {
	const action = "feed-snapshot"
	company := r.PathValue("company")
	if !contentType(w, r, "application/json") {
		return
	}
	body, ok := readFeedBody(w, r)
	if !ok {
		return
	}
	var snap feed.Snapshot
	if err := decodeStrict(body, &snap); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	need := store.RoleOperator
	if !snap.IsDryRun() {
		need = store.RoleAdmin // closing items needs the admin role
	}
	if !s.allow(w, r, c, need, action, company) {
		return
	}
	ctx, cancel := feedCtx(r)
	defer cancel()
	rep, err := s.ops.Snapshot(ctx, company, snap)
	switch {
	case errors.Is(err, store.ErrInvalid):
		s.audit(r, c, action, company, store.AuditRefused, unwrapInvalid(err))
		writeInvalid(w, http.StatusBadRequest, err)
		return
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown company %s", company))
		return
	case err != nil && len(rep.Closed) == 0:
		s.audit(r, c, action, company, store.AuditError, "")
		s.fault(w, r, action, err)
		return
	case err != nil:
		s.log.Warn("api: snapshot closed items, workflows not all told", "request_id", info(r.Context()).id, "err", err)
	}
	outcome := fmt.Sprintf("dry run: %d of %d open items missing", len(rep.Missing), rep.Open)
	if !rep.DryRun {
		outcome = fmt.Sprintf("closed %d of %d open items, %d workflows told", len(rep.Closed), rep.Open, rep.Told)
	}
	s.audit(r, c, action, company, store.AuditOK, outcome)
	writeJSON(w, http.StatusOK, rep)
}

func (s *server) feedOpen(w http.ResponseWriter, r *http.Request, c caller) {
	company := r.PathValue("company")
	co, err := s.st.CompanyByCode(r.Context(), company)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown company %s", company))
		return
	}
	var items []store.OpenItem
	if err == nil {
		items, err = s.st.OpenItems(r.Context(), co.ID)
	}
	if err != nil {
		s.fault(w, r, "open items", err)
		return
	}
	if items == nil {
		items = []store.OpenItem{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"company": company, "items": items})
}

func (s *server) feedFacturX(w http.ResponseWriter, r *http.Request, c caller) {
	const action = "feed-facturx"
	company := r.PathValue("company")
	if !s.allow(w, r, c, store.RoleOperator, action, company) || !contentType(w, r, "application/pdf") {
		return
	}
	body, ok := readFeedBody(w, r)
	if !ok {
		return
	}
	customer := r.URL.Query().Get("customer")
	ctx, cancel := feedCtx(r)
	defer cancel()
	res, err := s.ops.FacturX(ctx, company, body, customer)
	switch {
	case errors.Is(err, store.ErrInvalid) || (err != nil && store.RefusedByDatabase(err)):
		s.audit(r, c, action, company, store.AuditRefused, unwrapInvalid(err))
		writeInvalid(w, http.StatusUnprocessableEntity, err)
		return
	case errors.Is(err, store.ErrNotFound) && res.Number == "":
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown company %s", company))
		return
	case err != nil && res.Number == "":
		s.audit(r, c, action, company, store.AuditError, "")
		s.fault(w, r, action, err)
		return
	case err != nil:
		s.log.Warn("api: Factur-X saved, workflows not all told", "request_id", info(r.Context()).id, "err", err)
	}
	s.audit(r, c, action, company+"/"+res.Number, store.AuditOK, res.Status)
	writeJSON(w, http.StatusOK, res)
}
