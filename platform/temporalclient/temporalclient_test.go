package temporalclient

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOptionsFromEnvironment(t *testing.T) {
	t.Setenv("TEMPORAL_ADDRESS", "relance.a1b2c.tmprl.cloud:7233")
	t.Setenv("TEMPORAL_NAMESPACE", "relance.a1b2c")
	t.Setenv("TEMPORAL_API_KEY", "secret-key")
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "none.toml"))
	t.Setenv("PAYLOAD_KEYS", "k1="+base64.StdEncoding.EncodeToString(make([]byte, 32)))
	o, err := Options(nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.HostPort != "relance.a1b2c.tmprl.cloud:7233" || o.Namespace != "relance.a1b2c" || o.Credentials == nil ||
		o.ConnectionOptions.TLS == nil || o.DataConverter == nil || o.MetricsHandler == nil {
		t.Errorf("options = %+v", o)
	}
	p, err := o.DataConverter.ToPayload("POMMIER Arnaud")
	if err != nil || strings.Contains(string(p.Data), "POMMIER") {
		t.Errorf("payload not encrypted: %v %v", p, err)
	}
}

func TestOptionsDefaultsAndErrors(t *testing.T) {
	for _, k := range []string{"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_TLS", "PAYLOAD_KEYS", "TEMPORAL_PROFILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "none.toml"))
	o, err := Options(nil)
	if err != nil || o.HostPort != "localhost:7233" || o.Namespace != "default" || o.ConnectionOptions.TLS != nil {
		t.Errorf("defaults: %+v %v", o, err)
	}
	t.Setenv("PAYLOAD_KEYS", "k1=short")
	if _, err := Options(nil); err == nil {
		t.Error("a bad PAYLOAD_KEYS was accepted")
	}
	t.Setenv("PAYLOAD_KEYS", "")
	t.Setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", "/nonexistent/cert.pem")
	t.Setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", "/nonexistent/key.pem")
	if _, err := Options(nil); err == nil {
		t.Error("an unreadable client certificate was accepted")
	}
}
