package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
)

// ladderData is the ladder editor's data: the levels (as typed after a
// refusal), the refusal, and how many running dunnings keep the old
// ladder.
type ladderData struct {
	Levels  []ladderRow
	Error   string
	Running int
}

// ladderRow is one level as the form shows it.
type ladderRow struct {
	Code, Label, Delay, Channel string
	Fees                        bool
}

// ladderForm is how many empty rows the editor offers below the levels.
const ladderSpareRows = 2

func (s *Server) ladderPage(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "ladder")
	if !ok {
		return
	}
	l, err := s.o.Store.Ladder(r.Context(), co.ID)
	if err != nil {
		s.fault(w, r, "load ladder", err)
		return
	}
	var rows []ladderRow
	for _, lv := range l {
		rows = append(rows, ladderRow{Code: lv.Code, Label: lv.Label, Delay: strconv.Itoa(lv.DelayDays), Channel: string(lv.Channel), Fees: lv.ClaimFees})
	}
	s.renderLadder(w, r, ses, co, rows, "", http.StatusOK)
}

func (s *Server) renderLadder(w http.ResponseWriter, r *http.Request, ses *session, co store.Company, rows []ladderRow, refusal string, status int) {
	running, err := s.o.Store.RunningDunnings(r.Context(), co.Code)
	if err != nil {
		s.fault(w, r, "running dunnings", err)
		return
	}
	for range ladderSpareRows {
		rows = append(rows, ladderRow{Channel: string(ladder.ChannelEmail)})
	}
	p := s.newPage(r, ses, co, "admin", tr(ses.lang(), "adm.ladder"), ladderData{Levels: rows, Error: refusal, Running: running})
	s.render(w, r, status, "admin_ladder", p)
}

// ladderSave reads the levels of the form (rows without a code are left
// out) and saves them through store.SetLadder, whose refusal is shown.
func (s *Server) ladderSave(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "ladder-set")
	if !ok {
		return
	}
	lang := ses.lang()
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, tr(lang, "err.form"))
		return
	}
	codes, labels, delays, channels := r.PostForm["code"], r.PostForm["label"], r.PostForm["delay"], r.PostForm["channel"]
	fees := map[string]bool{}
	for _, f := range r.PostForm["fees"] {
		fees[f] = true
	}
	var rows []ladderRow
	var l ladder.Ladder
	var problems []string
	for i := range codes {
		row := ladderRow{Code: strings.ToUpper(strings.TrimSpace(codes[i]))}
		if i < len(labels) {
			row.Label = strings.TrimSpace(labels[i])
		}
		if i < len(delays) {
			row.Delay = strings.TrimSpace(delays[i])
		}
		if i < len(channels) {
			row.Channel = channels[i]
		}
		row.Fees = fees[strconv.Itoa(i)]
		if row.Code == "" && row.Label == "" {
			continue
		}
		rows = append(rows, row)
		n, err := strconv.Atoi(row.Delay)
		if err != nil {
			problems = append(problems, tr(lang, "adm.ladder.delay", row.Code, row.Delay))
		}
		l = append(l, ladder.Level{Code: row.Code, Label: row.Label, DelayDays: n, Channel: ladder.Channel(row.Channel), ClaimFees: row.Fees})
	}
	var err error
	if len(problems) == 0 {
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		err = s.o.Store.SetLadder(ctx, co.Code, l)
	}
	switch {
	case len(problems) > 0:
	case errors.Is(err, store.ErrInvalid):
		problems = append(problems, refusalIn(lang, err))
	case err != nil:
		s.fault(w, r, "set ladder", err)
		return
	default:
		running, _ := s.o.Store.RunningDunnings(r.Context(), co.Code)
		s.audit(r, ses.User, "ladder-set", co.Code, store.AuditOK, strconv.Itoa(len(l))+" levels")
		s.done(w, r, ses, adminURL(co.Code, "/ladder"), flash{Text: tr(lang, "adm.ladder.saved", len(l), running)})
		return
	}
	s.audit(r, ses.User, "ladder-set", co.Code, store.AuditRefused, strings.Join(problems, "; "))
	s.renderLadder(w, r, ses, co, rows, strings.Join(problems, " "), http.StatusUnprocessableEntity)
}
