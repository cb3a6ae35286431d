// Package codec encrypts Temporal payloads (workflow inputs and results,
// signals, updates, queries, activity arguments, memos, summaries, failure
// messages) with AES-256-GCM before they leave the process, so that the
// Temporal server and anyone reading its histories see no customer data.
//
// Keys come from the environment (PAYLOAD_KEYS): "id=base64key" entries
// separated by commas, the first one encrypts, every one decrypts. Each
// encrypted payload names its key ID in its metadata, so a key can be
// rotated: put the new key first, keep the old ones until the histories
// they encrypted have expired. Payloads written before encryption was
// turned on are read as they are.
//
// Handler serves the Temporal UI's codec server protocol (POST
// .../encode and .../decode) so the UI can show payloads to people who
// may see them.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// EnvKeys is the environment variable holding the keys.
const EnvKeys = "PAYLOAD_KEYS"

// Metadata of an encrypted payload.
const (
	// Encoding is the metadata "encoding" value of an encrypted payload.
	Encoding = "binary/encrypted"
	// MetadataKeyID names the key a payload was encrypted with.
	MetadataKeyID = "encryption-key-id"
)

// Codec is a converter.PayloadCodec encrypting with AES-256-GCM.
type Codec struct {
	current string
	keys    map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New returns a codec encrypting with the key currentID. keys maps key IDs
// to 32-byte keys.
func New(currentID string, keys map[string][]byte) (*Codec, error) {
	c := &Codec{current: currentID, keys: map[string]cipher.AEAD{}}
	for id, k := range keys {
		if id == "" || strings.ContainsAny(id, "=,") {
			return nil, fmt.Errorf("codec: key ID %q: want a non-empty name without '=' or ','", id)
		}
		if len(k) != 32 {
			return nil, fmt.Errorf("codec: key %s has %d bytes, want 32 (AES-256; openssl rand -base64 32)", id, len(k))
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("codec: key %s: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("codec: key %s: %w", id, err)
		}
		c.keys[id] = aead
	}
	if _, ok := c.keys[currentID]; !ok {
		return nil, fmt.Errorf("codec: no key with ID %q", currentID)
	}
	return c, nil
}

// Parse reads keys written as in PAYLOAD_KEYS ("k2=base64,k1=base64"):
// the first encrypts.
func Parse(spec string) (*Codec, error) {
	keys := map[string][]byte{}
	current := ""
	for _, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		id, b64, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, fmt.Errorf("codec: %s entry %q: want id=base64key", EnvKeys, id)
		}
		k, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("codec: %s key %s is not base64: %w", EnvKeys, id, err)
		}
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("codec: %s names key %s twice", EnvKeys, id)
		}
		keys[id] = k
		if current == "" {
			current = id
		}
	}
	if current == "" {
		return nil, fmt.Errorf("codec: %s has no key", EnvKeys)
	}
	return New(current, keys)
}

// FromEnv returns the codec of PAYLOAD_KEYS, or nil when it is unset
// (payloads in clear: development only).
func FromEnv() (*Codec, error) {
	spec := os.Getenv(EnvKeys)
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	return Parse(spec)
}

// KeyID is the ID of the key that encrypts.
func (c *Codec) KeyID() string { return c.current }

// Encode encrypts each payload with the current key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	aead := c.keys[c.current]
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("codec: encode: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("codec: encode: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{converter.MetadataEncoding: []byte(Encoding), MetadataKeyID: []byte(c.current)},
			Data:     aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// ErrUnknownKey is returned (wrapped) when a payload names a key the codec
// does not have.
var ErrUnknownKey = errors.New("payload encrypted with an unknown key")

// Decode decrypts the payloads encrypted by a codec with one of its keys
// and passes the others through.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.keys[id]
		if !ok {
			return nil, fmt.Errorf("codec: decode: %w %q (add it to %s)", ErrUnknownKey, id, EnvKeys)
		}
		if len(p.Data) < aead.NonceSize() {
			return nil, fmt.Errorf("codec: decode: payload of key %s is too short", id)
		}
		nonce, sealed := p.Data[:aead.NonceSize()], p.Data[aead.NonceSize():]
		plain, err := aead.Open(nil, nonce, sealed, []byte(id))
		if err != nil {
			return nil, fmt.Errorf("codec: decode with key %s: %w", id, err)
		}
		var orig commonpb.Payload
		if err := proto.Unmarshal(plain, &orig); err != nil {
			return nil, fmt.Errorf("codec: decode with key %s: %w", id, err)
		}
		out[i] = &orig
	}
	return out, nil
}

// DataConverter returns the default data converter with c's encryption;
// with a nil c, the default data converter.
func (c *Codec) DataConverter() converter.DataConverter {
	if c == nil {
		return converter.GetDefaultDataConverter()
	}
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter returns a failure converter that moves error messages
// and stack traces into an encoded payload, so they are encrypted too
// (they can name a customer); with a nil c, the default one.
func (c *Codec) FailureConverter() converter.FailureConverter {
	if c == nil {
		return temporal.GetDefaultFailureConverter()
	}
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter: c.DataConverter(), EncodeCommonAttributes: true,
	})
}
