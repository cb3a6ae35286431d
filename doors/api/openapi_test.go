package api_test

import (
	"os"
	"strings"
	"testing"
)

// TestOpenAPIDescribesTheFeed keeps docs/openapi.yaml in step with the
// feed's routes (doors/api/feed.go) and the webhook.
func TestOpenAPIDescribesTheFeed(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, route := range []string{
		"/v1/feed/{company}:\n    post:", "/v1/feed/{company}/invoices/{number}/pdf:\n    put:", "/v1/feed/{company}/facturx:\n    post:",
		"/v1/feed/{company}/snapshot:\n    post:", "/v1/feed/{company}/open:\n    get:", "/v1/payments:\n    post:",
	} {
		if !strings.Contains(doc, "  "+route) {
			t.Errorf("docs/openapi.yaml does not describe %q", route)
		}
	}
}
