package confirm_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/relance/relance/letters/confirm"
	"github.com/relance/relance/letters/letter"
)

func renderWith(t *testing.T, reference string) []byte {
	t.Helper()
	d := letter.SampleData(3)
	d.Reference = reference
	c, err := letter.Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := letter.Render(d, c)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// TestEmulatorStoreFindsTheLetterByItsPDF: a letter is confirmed from the
// emulator's store by the reference its PDF carries; one absent is unknown
// until the waiting period passes, then never accepted.
func TestEmulatorStoreFindsTheLetterByItsPDF(t *testing.T) {
	t.Parallel()
	const ref = "CLI0001-20261207-R1-DBCEFD"
	pdf := renderWith(t, ref)
	if !confirm.Carries(pdf, ref) || confirm.Carries(pdf, "CLI0001-20261207-R1-000000") {
		t.Fatal("Carries does not tell the letter's reference from another")
	}
	at := time.Date(2026, 12, 7, 9, 0, 3, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		type att struct {
			Content string `json:"content"`
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"emails": []map[string]any{
			{"messageId": "other", "subject": "Relevé", "attachments": []att{{base64.StdEncoding.EncodeToString(renderWith(t, "X-1"))}}, "at": at.Unix()},
			{"messageId": "ses-42", "subject": "Relevé", "attachments": []att{{base64.StdEncoding.EncodeToString(pdf)}}, "at": at.Unix()},
		}})
	}))
	defer srv.Close()
	ctx := context.Background()
	tests := []struct {
		ref    string
		since  time.Time
		settle time.Duration
		want   confirm.Verdict
	}{
		{ref, time.Now(), time.Minute, confirm.Accepted},
		{"CLI0002-20261207-R1-AAAAAA", time.Now(), time.Minute, confirm.Unknown},
		{"CLI0002-20261207-R1-AAAAAA", time.Now().Add(-2 * time.Minute), time.Minute, confirm.NeverAccepted},
	}
	for _, tt := range tests {
		f, err := confirm.EmulatorStore{URL: srv.URL, Settle: tt.settle}.Check(ctx, tt.ref, tt.since)
		if err != nil || f.Verdict != tt.want {
			t.Errorf("%s: %+v %v, want %s", tt.ref, f, err, tt.want)
		}
		if tt.want == confirm.Accepted && (f.MessageID != "ses-42" || !f.At.Equal(at)) {
			t.Errorf("%s: found %+v, want ses-42 at %s", tt.ref, f, at)
		}
	}
}
