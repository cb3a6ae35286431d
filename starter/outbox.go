package main

import (
	"context"
	"fmt"
	"time"
)

func runOutbox(ctx context.Context, e *env, args []string) error {
	return fmt.Errorf("outbox: not yet")
}

var _ = time.Second
