package letter

import "testing"

// TestEveryMergeFieldIsDescribed keeps the template editor's list whole: a
// field added to Data without a meaning in fieldMeanings fails here.
func TestEveryMergeFieldIsDescribed(t *testing.T) {
	fields := MergeFields()
	seen := map[string]bool{}
	for _, f := range fields {
		seen[f.Name] = true
		if f.Meaning == "" {
			t.Errorf("merge field %s has no meaning in fieldMeanings", f.Name)
		}
	}
	for name := range fieldMeanings {
		if !seen[name] {
			t.Errorf("fieldMeanings describes %s, which Data no longer has", name)
		}
	}
	want := map[string]string{
		".Recipient.Name": "Boulangerie Lefèvre & Fils",
		".Lines.Number":   "FA2026-0101",
		".Date":           "23/11/2026",
		".Fees.Indemnity": "80,00\u202f€",
		".Total":          "",
	}
	for _, f := range fields {
		if w, ok := want[f.Name]; ok && w != "" && f.Example != w {
			t.Errorf("example of %s = %q, want %q", f.Name, f.Example, w)
		}
	}
}
