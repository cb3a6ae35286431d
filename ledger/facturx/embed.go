package facturx

import (
	"bytes"
	"fmt"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Embed returns pdf with cii embedded as factur-x.xml: what Read takes
// back. It makes test and demo invoices; it does not make the PDF a
// conforming PDF/A-3 (an invoicing tool's job).
func Embed(pdf, cii []byte) ([]byte, error) {
	conf := model.NewDefaultConfiguration()
	conf.Cmd = model.ADDATTACHMENTS
	ctx, err := api.ReadContext(bytes.NewReader(pdf), conf)
	if err != nil {
		return nil, fmt.Errorf("read the PDF: %w", err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		return nil, fmt.Errorf("validate the PDF: %w", err)
	}
	now := time.Now()
	if err := ctx.AddAttachment(model.Attachment{Reader: bytes.NewReader(cii), ID: AttachmentNames[0], FileName: AttachmentNames[0],
		Desc: "Factur-X invoice", ModTime: &now}, false); err != nil {
		return nil, fmt.Errorf("embed %s: %w", AttachmentNames[0], err)
	}
	var out bytes.Buffer
	if err := api.WriteContext(ctx, &out); err != nil {
		return nil, fmt.Errorf("write the PDF: %w", err)
	}
	return out.Bytes(), nil
}
