package codec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
)

func key(b byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)) }

func TestRoundTripAndRotation(t *testing.T) {
	old, err := Parse("k1=" + key(1))
	if err != nil {
		t.Fatal(err)
	}
	dc := old.DataConverter()
	p, err := dc.ToPayload(map[string]string{"name": "POMMIER Arnaud", "email": "arnaud.pommier@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.Data, []byte("POMMIER")) || string(p.Metadata[MetadataKeyID]) != "k1" || string(p.Metadata["encoding"]) != Encoding {
		t.Fatalf("payload not encrypted: %v", p)
	}
	// Rotation: k2 encrypts now, k1 still decrypts what it wrote.
	rotated, err := Parse("k2=" + key(2) + ", k1=" + key(1))
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]string
	if err := rotated.DataConverter().FromPayload(p, &back); err != nil || back["name"] != "POMMIER Arnaud" {
		t.Fatalf("decode after rotation: %v %v", back, err)
	}
	p2, _ := rotated.DataConverter().ToPayload("x")
	if string(p2.Metadata[MetadataKeyID]) != "k2" {
		t.Errorf("new payloads use key %s, want k2", p2.Metadata[MetadataKeyID])
	}
	// Without the old key: a clear error, never garbage.
	only2, _ := Parse("k2=" + key(2))
	if err := only2.DataConverter().FromPayload(p, &back); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("decode without k1: %v", err)
	}
	// A payload written before encryption reads as it is.
	clear, _ := converter.GetDefaultDataConverter().ToPayload("hello")
	var s string
	if err := rotated.DataConverter().FromPayload(clear, &s); err != nil || s != "hello" {
		t.Errorf("clear payload: %q %v", s, err)
	}
	// Tampering is detected.
	p.Data[len(p.Data)-1] ^= 1
	if err := rotated.DataConverter().FromPayload(p, &back); err == nil {
		t.Error("a tampered payload decoded")
	}
}

func TestParseRefusesBadKeys(t *testing.T) {
	for _, spec := range []string{"", "k1", "k1=notbase64!", "k1=" + base64.StdEncoding.EncodeToString([]byte("short")), "k1=" + key(1) + ",k1=" + key(2)} {
		if _, err := Parse(spec); err == nil {
			t.Errorf("Parse(%q) accepted", spec)
		}
	}
}

func TestCodecServer(t *testing.T) {
	c, _ := Parse("k1=" + key(1))
	h := Handler(c, []string{"http://localhost:8233"}, func(r *http.Request) bool {
		return r.Header.Get("Authorization") == "Bearer good"
	})
	enc, _ := c.DataConverter().ToPayload("POMMIER Arnaud")
	pj, _ := protojson.Marshal(enc)
	body := []byte(`{"payloads":[` + string(pj) + `]}`)

	post := func(origin, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/codec/decode", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := post("http://localhost:8233", "Bearer good")
	if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "http://localhost:8233" {
		t.Fatalf("decode: %d %s %v", rec.Code, rec.Body, rec.Header())
	}
	var out struct{ Payloads []json.RawMessage }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Payloads) != 1 {
		t.Fatalf("answer %s: %v", rec.Body, err)
	}
	var p commonpb.Payload
	if err := protojson.Unmarshal(out.Payloads[0], &p); err != nil || !strings.Contains(string(p.Data), "POMMIER Arnaud") {
		t.Errorf("decoded payload %v %v", &p, err)
	}
	if rec := post("http://localhost:8233", ""); rec.Code != 401 {
		t.Errorf("without a token: %d", rec.Code)
	}
	if rec := post("https://evil.example", "Bearer good"); rec.Code != 403 {
		t.Errorf("other origin: %d", rec.Code)
	}
	pre := httptest.NewRequest("OPTIONS", "/codec/decode", nil)
	pre.Header.Set("Origin", "http://localhost:8233")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, pre)
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "X-Namespace") {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
}
