package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// runProbe is the health check of the container images (distroless: no
// shell, no curl): GET a URL, succeed on 200.
func runProbe(ctx context.Context, e *env, args []string) error {
	fs := flags("probe")
	url := fs.String("url", "http://127.0.0.1:8080/readyz", "URL to GET; success is HTTP 200")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usageError{"probe: " + err.Error()}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe %s: %w", *url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probe %s: HTTP %d", *url, resp.StatusCode)
	}
	e.printf("%s: ok\n", *url)
	return nil
}
