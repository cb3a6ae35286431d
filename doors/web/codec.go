package web

import (
	"net/http"
	"os"
	"strings"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/platform/codec"
)

// withCodec mounts the payload codec endpoint (/codec/encode,
// /codec/decode: the Temporal UI's codec server) in front of h when
// payloads are encrypted (PAYLOAD_KEYS). Browsers may call it from the
// origins in CODEC_CORS_ORIGINS (default the local Temporal UI); callers
// need an API token reaching every company (the UI's "pass the user access
// token", or a proxy in front that adds it).
func withCodec(h http.Handler, st *store.Store) (http.Handler, error) {
	c, err := codec.FromEnv()
	if err != nil || c == nil {
		return h, err
	}
	origins := strings.Split(os.Getenv("CODEC_CORS_ORIGINS"), ",")
	if os.Getenv("CODEC_CORS_ORIGINS") == "" {
		origins = []string{"http://localhost:8233", "http://127.0.0.1:8233"}
	}
	authorize := func(r *http.Request) bool {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return false
		}
		t, err := st.TokenByHash(r.Context(), store.HashToken(strings.TrimSpace(token)))
		return err == nil && t.Companies == nil && t.Role.Allows(store.RoleViewer)
	}
	mux := http.NewServeMux()
	mux.Handle("/codec/", codec.Handler(c, origins, authorize))
	mux.Handle("/", h)
	return mux, nil
}
