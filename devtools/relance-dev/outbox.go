package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/testkit/sesemu"
)

// runOutbox prints what the SES emulator received: the development view of
// "letters going out". With --follow it prints new e-mails as they arrive.
func runOutbox(ctx context.Context, e *env, args []string) error {
	fs := flags("outbox")
	endpoint := fs.String("endpoint", e.cfg.SESEndpoint, "SES emulator URL")
	follow := fs.Bool("follow", false, "keep printing new e-mails")
	duration := fs.Duration("for", 2*time.Minute, "with --follow, stop after this long")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *endpoint == "" {
		return usageError{"outbox: --endpoint or SES_ENDPOINT is required (the emulator's URL)"}
	}
	emu := sesemu.Connect(*endpoint)
	seen := map[string]bool{}
	deadline := time.Now().Add(*duration)
	for {
		msgs, err := emu.Messages(ctx)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if seen[m.MessageID] {
				continue
			}
			seen[m.MessageID] = true
			var files []string
			for _, a := range m.Attachments {
				files = append(files, fmt.Sprintf("%s (%d KB)", a.Filename, (len(a.Data)+1023)/1024))
			}
			e.printf("%s  to %-36s %s  [%s]\n", m.At.Local().Format("15:04:05"), strings.Join(m.To, ","), m.Subject, strings.Join(files, ", "))
		}
		if !*follow || time.Now().After(deadline) {
			e.printf("%d e-mails in the emulator\n", len(seen))
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}
