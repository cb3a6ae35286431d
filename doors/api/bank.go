package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/store"
)

// HeaderFileName names the statement file posted to /v1/bank/statements
// (kept with the import, for the controllers).
const HeaderFileName = "X-Relance-File-Name"

// bankStatement receives a statement file (CAMT.053 or CFONB 120) as the
// raw request body, from an EBICS client or a bank connector holding an
// operator token. ?company=CODE restricts the file to that company's
// account; a token limited to some companies may import only their
// accounts' statements. The answer is the import's report; a file that
// brings nothing (unreadable, unknown account) is a 422.
func (s *server) bankStatement(w http.ResponseWriter, r *http.Request, c caller) {
	company := r.URL.Query().Get("company")
	const action = "bank-statement"
	target := company + "/bank"
	if !s.allow(w, r, c, store.RoleOperator, action, target) {
		return
	}
	if r.ContentLength > bank.MaxFileSize {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a statement file has at most %d bytes", bank.MaxFileSize))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, bank.MaxFileSize))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a statement file has at most %d bytes", bank.MaxFileSize))
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "could not read the request body: "+err.Error())
		return
	}
	name := r.Header.Get(HeaderFileName)
	rep, err := s.ops.ImportStatement(context.WithoutCancel(r.Context()), data, bank.ImportOptions{
		Company: company, Scope: c.scope, FileName: name, Channel: "api", Actor: c.name})
	detail := fmt.Sprintf("%s: %d new, %d known, %d rejected, %d matched, %d exceptions", rep.Format, rep.New, rep.Known, rep.Rejected, rep.Matched, rep.Exceptions)
	switch {
	case errors.Is(err, bank.ErrFormat) || errors.Is(err, bank.ErrNothing):
		s.audit(r, c, action, target, store.AuditRefused, err.Error())
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": err.Error(), "report": rep})
	case err != nil:
		s.audit(r, c, action, target, store.AuditError, detail)
		s.fault(w, r, action, err)
	default:
		s.audit(r, c, action, target, store.AuditOK, detail)
		writeJSON(w, http.StatusOK, rep)
	}
}

// bankTransactions lists a company's bank transactions (?status=exception
// for the ones waiting on the Rapprochement screen).
func (s *server) bankTransactions(w http.ResponseWriter, r *http.Request, c caller) {
	company := r.URL.Query().Get("company")
	if company == "" {
		writeError(w, http.StatusBadRequest, "name the company: ?company=CODE")
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	txs, err := bank.NewLedger(s.st).List(r.Context(), company, r.URL.Query().Get("status"), limit)
	if err != nil {
		s.fault(w, r, "bank transactions", err)
		return
	}
	if txs == nil {
		txs = []bank.Transaction{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"company": company, "transactions": txs})
}
