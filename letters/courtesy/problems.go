package courtesy

import (
	"fmt"

	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/letters/letter"
)

// Why Validate (or Render) refuses a courtesy text, said from the catalogs
// of package messages. Each is returned wrapped with ErrInvalid.
var (
	// BadKind: a kind other than before or thanks (kind quoted).
	BadKind = messages.Declare("courtesy.kind", "kind")
	// BadLanguage: a malformed language (language quoted).
	BadLanguage = messages.Declare("courtesy.language", "language")
	// BadCustomerKind: an unknown customer kind (kind quoted).
	BadCustomerKind = messages.Declare("courtesy.customer-kind", "kind")
	// TooLong: subject and body longer than MaxSize (kb: MaxSize in KB).
	TooLong = messages.Declare("courtesy.size", "kb")
	// NotUTF8: a text that is not UTF-8.
	NotUTF8 = messages.Declare("courtesy.utf8")
	// EmptyBody: an empty body.
	EmptyBody = messages.Declare("courtesy.empty-body")
	// EmptySubject: a subject that comes out empty.
	EmptySubject = messages.Declare("courtesy.empty-subject")
	// UnknownField: a merge field that does not exist (field, as written
	// in a template: {{.Name}}).
	UnknownField = messages.Declare("courtesy.field", "field")
	// SubjectFault: the engine refuses the subject (line, detail: the
	// engine's words).
	SubjectFault = messages.Declare("courtesy.subject.fault", "line", "detail")
	// BodyFault: the engine refuses the body (line, detail).
	BodyFault = messages.Declare("courtesy.body.fault", "line", "detail")
)

// invalid returns p as a refusal of the text: it matches ErrInvalid and
// holds p.
func invalid(p messages.Problem) error { return fmt.Errorf("%w: %w", ErrInvalid, p) }

// engineProblem says an error of the template engine on the subject or
// the body (part).
func engineProblem(part string, err error) error {
	f, ok := letter.ReadEngineError(err)
	switch {
	case ok && f.Field != "":
		return invalid(UnknownField.With("{{." + f.Field + "}}"))
	case !ok:
		f.What = err.Error()
	}
	if part == "subject" {
		return invalid(SubjectFault.With(f.Line, f.What))
	}
	return invalid(BodyFault.With(f.Line, f.What))
}
