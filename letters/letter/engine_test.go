package letter

import (
	"bytes"
	"testing"
	texttemplate "text/template"
)

func TestReadEngineError(t *testing.T) {
	t.Parallel()
	_, parseErr := texttemplate.New("R2/fr").Parse("Bonjour\n{{.Name")
	tp := texttemplate.Must(texttemplate.New("before/fr body").Parse("a\nb {{.Customer.Nmae}}"))
	execErr := tp.Execute(&bytes.Buffer{}, struct{ Customer struct{ Name string } }{})
	tests := []struct {
		name string
		err  error
		want EngineFault
	}{
		{"parse", parseErr, EngineFault{Template: "R2/fr", Line: 2, What: "unclosed action"}},
		{"exec", execErr, EngineFault{Template: "before/fr body", Line: 2, Executing: "before/fr body", Node: ".Customer.Nmae",
			What: "can't evaluate field Nmae in type struct { Name string }", Field: "Nmae"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ReadEngineError(tt.err)
			if !ok || got != tt.want {
				t.Errorf("ReadEngineError(%q) = %+v, %v; want %+v", tt.err, got, ok, tt.want)
			}
		})
	}
	if _, ok := ReadEngineError(bytes.ErrTooLarge); ok {
		t.Error("a plain error read as the engine's")
	}
}
