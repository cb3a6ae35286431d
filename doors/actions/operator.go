package actions

import (
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
)

// OperatorUpdates are the operator actions on one invoice, by the name
// every door gives them (the API's /v1/invoices/{company}/{number}/{name},
// the web app's buttons, the command line's commands), and the workflow
// update each sends.
var OperatorUpdates = map[string]string{
	"execute": dunning.UpdateExecute,
	"skip":    dunning.UpdateSkip,
	"revert":  dunning.UpdateRevert,
	"pause":   dunning.UpdatePause,
	"resume":  dunning.UpdateResume,
	"comment": dunning.UpdateComment,
}

// ActionDetail is what the audit log keeps of an operator action's
// payload: the reason, the pause's end; not a comment's text.
func ActionDetail(arg any) string {
	switch a := arg.(type) {
	case dunning.PauseRequest:
		if !a.Until.IsZero() {
			return "reason=" + a.Reason + " until=" + a.Until.String()
		}
		return "reason=" + a.Reason
	case dunning.CommentRequest:
		return "comment"
	case dunning.SkipRequest:
		return a.Reason
	case dunning.RevertRequest:
		return a.Reason
	}
	return ""
}

// OperatorInput is what an operator gives with an action: a reason (skip,
// revert, pause), the end of a pause, the text of a comment.
type OperatorInput struct {
	Reason string
	Until  calendar.Date
	Text   string
}

// OperatorRequest is the payload of the update of action name
// (OperatorUpdates) asked by actor; ok is false for an unknown action.
// The workflow checks it (a pause needs a reason, a comment a text).
func OperatorRequest(name, actor string, in OperatorInput) (arg any, ok bool) {
	switch name {
	case "execute":
		return dunning.ExecuteRequest{Actor: actor}, true
	case "skip":
		return dunning.SkipRequest{Actor: actor, Reason: in.Reason}, true
	case "revert":
		return dunning.RevertRequest{Actor: actor, Reason: in.Reason}, true
	case "pause":
		return dunning.PauseRequest{Actor: actor, Reason: in.Reason, Until: in.Until}, true
	case "resume":
		return dunning.ResumeRequest{Actor: actor}, true
	case "comment":
		return dunning.CommentRequest{Actor: actor, Text: in.Text}, true
	}
	return nil, false
}
