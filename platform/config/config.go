// Package config reads relance's settings from the environment, once, in
// main. The README's "Configuration" table lists them.
package config

import (
	"log/slog"
	"os"
	"strings"
)

// Config holds every setting of the worker and the starter.
type Config struct {
	TemporalAddress   string // TEMPORAL_ADDRESS
	TemporalNamespace string // TEMPORAL_NAMESPACE
	DatabaseURL       string // DATABASE_URL
	SESEndpoint       string // SES_ENDPOINT: empty for real AWS SES
	SESRegion         string // AWS_REGION
	LogLevel          slog.Level
}

// FromEnv reads the configuration, with local development defaults.
func FromEnv() Config {
	c := Config{
		TemporalAddress:   get("TEMPORAL_ADDRESS", "localhost:7233"),
		TemporalNamespace: get("TEMPORAL_NAMESPACE", "default"),
		DatabaseURL:       get("DATABASE_URL", "postgres://localhost:5432/relance?sslmode=disable"),
		SESEndpoint:       os.Getenv("SES_ENDPOINT"),
		SESRegion:         get("AWS_REGION", "eu-west-3"),
	}
	switch strings.ToLower(os.Getenv("LOG_LEVEL")) {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn":
		c.LogLevel = slog.LevelWarn
	}
	return c
}

// Logger returns the process logger: JSON on stderr if LOG_FORMAT=json,
// text otherwise.
func (c Config) Logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if os.Getenv("LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// Redacted returns the database URL without its password, for logs.
func Redacted(url string) string {
	at := strings.LastIndex(url, "@")
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 {
		return url
	}
	userinfo := url[scheme+3 : at]
	if user, _, ok := strings.Cut(userinfo, ":"); ok {
		return url[:scheme+3] + user + ":***" + url[at:]
	}
	return url
}

func get(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
