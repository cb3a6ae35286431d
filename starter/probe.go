package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// probeCmd is `starter probe`, the health check of the container images (distroless: no
// shell, no curl): GET a URL, succeed on 200.
type probeCmd struct {
	URL string `name:"url" default:"http://127.0.0.1:8080/readyz" help:"URL to GET; success is HTTP 200"`
}

// Run GETs the URL.
func (c *probeCmd) Run(ctx context.Context, e *env) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL, nil)
	if err != nil {
		return usageError{"probe: " + err.Error()}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe %s: %w", c.URL, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probe %s: HTTP %d", c.URL, resp.StatusCode)
	}
	e.printf("%s: ok\n", c.URL)
	return nil
}
