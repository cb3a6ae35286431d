// Package temporalclient builds the Temporal client options every relance
// process dials with: the connection from the SDK's environment
// configuration (go.temporal.io/sdk/contrib/envconfig: TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, or a profile of a
// TOML file named by TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE), so the
// same binaries reach a local dev server, a self-hosted cluster with mTLS
// or Temporal Cloud; the payload encryption of package codec
// (PAYLOAD_KEYS); and the SDK metrics of package metrics.
package temporalclient

import (
	"fmt"
	"log/slog"

	"github.com/relance/relance/platform/codec"
	"github.com/relance/relance/platform/metrics"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	tlog "go.temporal.io/sdk/log"
)

// Options returns the client options from the environment, logging
// through log. It fails on a malformed configuration (a TLS file that
// cannot be read, a bad PAYLOAD_KEYS), never silently falls back to an
// unencrypted or insecure connection.
func Options(log *slog.Logger) (client.Options, error) {
	opts, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{})
	if err != nil {
		return client.Options{}, fmt.Errorf("Temporal client configuration: %w", err)
	}
	if opts.HostPort == "" {
		opts.HostPort = client.DefaultHostPort
	}
	if opts.Namespace == "" {
		opts.Namespace = client.DefaultNamespace
	}
	c, err := codec.FromEnv()
	if err != nil {
		return client.Options{}, err
	}
	opts.DataConverter = c.DataConverter()
	opts.FailureConverter = c.FailureConverter()
	opts.MetricsHandler = metrics.Temporal()
	if log != nil {
		opts.Logger = tlog.NewStructuredLogger(log)
	}
	return opts, nil
}

// Encrypted reports whether payloads are encrypted (PAYLOAD_KEYS set).
func Encrypted() bool {
	c, err := codec.FromEnv()
	return err == nil && c != nil
}
