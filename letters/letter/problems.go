package letter

import "github.com/relance/relance/domain/messages"

// The problems ValidateTemplate finds in a custom template, said from the
// catalogs of package messages; template is the template's name (R2/fr).
var (
	// TemplateLevel: a malformed level code (template, level quoted).
	TemplateLevel = messages.Declare("template.level", "template", "level")
	// TemplateLanguage: a malformed language (template, language quoted).
	TemplateLanguage = messages.Declare("template.language", "template", "language")
	// TemplateKind: an unknown customer kind (template, kind, business,
	// individual; quoted).
	TemplateKind = messages.Declare("template.kind", "template", "kind", "business", "individual")
	// TemplateMinDays: a negative minimum of days overdue (template, days).
	TemplateMinDays = messages.Declare("template.min-days", "template", "days")
	// TemplateEmpty: no source (template).
	TemplateEmpty = messages.Declare("template.empty", "template")
	// TemplateSize: the source is too long (template, bytes, max).
	TemplateSize = messages.Declare("template.size", "template", "bytes", "max")
	// TemplateNoSubject: the subject comes out empty (template).
	TemplateNoSubject = messages.Declare("template.subject", "template")
	// TemplateMissing: blocks the template does not define (template,
	// missing, blocks: every one needed).
	TemplateMissing = messages.Declare("template.missing", "template", "missing", "blocks")
	// TemplateUnknownField: a merge field that does not exist (template,
	// block, line, field, type, member).
	TemplateUnknownField = messages.Declare("template.field", "template", "block", "line", "field", "type", "member")
	// TemplateFault: the template engine refuses the source (template,
	// detail: where and what, in the engine's English).
	TemplateFault = messages.Declare("template.fault", "template", "detail")
)
