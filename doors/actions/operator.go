package actions

import "github.com/relance/relance/domain/dunning"

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
