package codec

import (
	"net/http"
	"slices"
	"strings"

	"go.temporal.io/sdk/converter"
)

// Handler serves the Temporal UI's codec server protocol under its mount
// point: POST .../encode and .../decode with {"payloads": [...]}. The
// browser calls it from the Temporal UI's origin, so it answers CORS
// preflights for the origins allowed (e.g. http://localhost:8233) and
// nobody else. authorize decides who may see decoded payloads (a
// relance API token, or the identity a proxy in front vouches for); it
// answers 401 otherwise.
func Handler(c *Codec, origins []string, authorize func(*http.Request) bool) http.Handler {
	inner := converter.NewPayloadCodecHTTPHandler(c)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && slices.Contains(origins, origin) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization")
			h.Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusOK)
			return
		}
		if origin != "" && !slices.Contains(origins, origin) {
			http.Error(w, "origin not allowed", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodPost || !(strings.HasSuffix(r.URL.Path, "/encode") || strings.HasSuffix(r.URL.Path, "/decode")) {
			http.Error(w, "POST .../encode or .../decode", http.StatusNotFound)
			return
		}
		if authorize != nil && !authorize(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="relance codec"`)
			http.Error(w, "who may see payloads: send Authorization: Bearer <token>", http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	})
}
