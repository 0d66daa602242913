// Package awstest is a local HTTP server that speaks the AWS JSON 1.1
// protocol of the KMS and Secrets Manager operations the keyring uses
// (Encrypt, Decrypt; CreateSecret, GetSecretValue, PutSecretValue), so tests
// drive the real SDK clients end to end: X-Amz-Target dispatch, JSON bodies,
// a SigV4 Authorization header required on every request, errors as
// {"__type", "message"}. Ciphertexts are AES-GCM under a key per KMS key id
// and bound to the encryption context, as KMS binds them.
package awstest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Server is the local KMS and Secrets Manager.
type Server struct {
	URL string

	mu      sync.Mutex
	keys    map[string]cipher.AEAD
	secrets map[string][][]byte // versions, newest last; a string value is stored as its bytes
	strs    map[string]bool     // secrets created with SecretString
	calls   map[string]int
}

// New starts a server that stops when the test ends.
func New(t testing.TB) *Server {
	s := &Server{keys: map[string]cipher.AEAD{}, secrets: map[string][][]byte{}, strs: map[string]bool{}, calls: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Config is an SDK configuration that reaches this server with static
// credentials.
func (s *Server) Config() aws.Config {
	return aws.Config{Region: "sa-east-1", BaseEndpoint: aws.String(s.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "test-secret", "")}
}

// CreateKey adds a KMS key under the id (an ARN, usually).
func (s *Server) CreateKey(t testing.TB, id string) {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	b, err := aes.NewCipher(k)
	if err != nil {
		t.Fatal(err)
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[id] = g
}

// DeleteKey removes a KMS key: what it encrypted no longer decrypts.
func (s *Server) DeleteKey(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, id)
}

// PutSecretString stores a string secret (a passphrase).
func (s *Server) PutSecretString(id, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets[id] = append(s.secrets[id], []byte(v))
	s.strs[id] = true
}

// Secret returns the current value of a secret.
func (s *Server) Secret(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.secrets[id]
	if len(v) == 0 {
		return nil, false
	}
	return slices.Clone(v[len(v)-1]), true
}

// Calls is how many times the operation ("TrentService.Encrypt",
// "secretsmanager.GetSecretValue") was called.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

type apiError struct{ Type, Message string }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	fail := func(status int, typ, msg string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", typ)
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		fail(http.StatusBadRequest, "SerializationException", "want POST application/x-amz-json-1.1")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || r.Header.Get("X-Amz-Date") == "" {
		fail(http.StatusBadRequest, "MissingAuthenticationTokenException", "request is not signed with SigV4")
		return
	}
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail(http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	s.mu.Lock()
	s.calls[target]++
	s.mu.Unlock()
	var out any
	var aerr *apiError
	switch target {
	case "TrentService.Encrypt":
		out, aerr = s.encrypt(in)
	case "TrentService.Decrypt":
		out, aerr = s.decrypt(in)
	case "secretsmanager.CreateSecret":
		out, aerr = s.createSecret(in)
	case "secretsmanager.GetSecretValue":
		out, aerr = s.getSecretValue(in)
	case "secretsmanager.PutSecretValue":
		out, aerr = s.putSecretValue(in)
	default:
		aerr = &apiError{"UnknownOperationException", "unknown operation " + target}
	}
	if aerr != nil {
		fail(http.StatusBadRequest, aerr.Type, aerr.Message)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

func str(in map[string]any, k string) string { v, _ := in[k].(string); return v }

// blob decodes a base64 blob field (encoding/json decodes []byte from base64).
func blob(in map[string]any, k string) ([]byte, bool) {
	v, ok := in[k].(string)
	if !ok {
		return nil, false
	}
	var b []byte
	if err := json.Unmarshal([]byte(`"`+v+`"`), &b); err != nil {
		return nil, false
	}
	return b, true
}

func encContext(in map[string]any) []byte {
	m, _ := in["EncryptionContext"].(map[string]any)
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, "%q=%q;", k, m[k])
	}
	return []byte(b.String())
}

// A ciphertext blob is: key id length (1 byte), key id, nonce, sealed.
func (s *Server) encrypt(in map[string]any) (any, *apiError) {
	id := str(in, "KeyId")
	plain, ok := blob(in, "Plaintext")
	if !ok || len(plain) == 0 || len(id) > 255 {
		return nil, &apiError{"ValidationException", "Plaintext and KeyId are required"}
	}
	s.mu.Lock()
	g, found := s.keys[id]
	s.mu.Unlock()
	if !found {
		return nil, &apiError{"NotFoundException", "Key '" + id + "' does not exist"}
	}
	nonce := make([]byte, g.NonceSize())
	_, _ = rand.Read(nonce)
	ct := append([]byte{byte(len(id))}, id...)
	ct = append(ct, nonce...)
	ct = g.Seal(ct, nonce, plain, encContext(in))
	return map[string]any{"CiphertextBlob": ct, "KeyId": id, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

func (s *Server) decrypt(in map[string]any) (any, *apiError) {
	ct, ok := blob(in, "CiphertextBlob")
	invalid := &apiError{"InvalidCiphertextException", "the ciphertext is invalid"}
	if !ok || len(ct) < 1 || len(ct) < 1+int(ct[0]) {
		return nil, invalid
	}
	id := string(ct[1 : 1+ct[0]])
	if want := str(in, "KeyId"); want != "" && want != id {
		return nil, &apiError{"IncorrectKeyException", "the ciphertext was not encrypted under " + want}
	}
	s.mu.Lock()
	g, found := s.keys[id]
	s.mu.Unlock()
	if !found {
		return nil, &apiError{"NotFoundException", "Key '" + id + "' does not exist"}
	}
	rest := ct[1+ct[0]:]
	if len(rest) < g.NonceSize() {
		return nil, invalid
	}
	plain, err := g.Open(nil, rest[:g.NonceSize()], rest[g.NonceSize():], encContext(in))
	if err != nil {
		return nil, invalid
	}
	return map[string]any{"Plaintext": plain, "KeyId": id, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

func (s *Server) arn(name string) string {
	return "arn:aws:secretsmanager:sa-east-1:111122223333:secret:" + name
}

func (s *Server) createSecret(in map[string]any) (any, *apiError) {
	name := str(in, "Name")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.secrets[name]; ok {
		return nil, &apiError{"ResourceExistsException", "the secret " + name + " already exists"}
	}
	if b, ok := blob(in, "SecretBinary"); ok {
		s.secrets[name] = [][]byte{b}
	} else {
		s.secrets[name] = [][]byte{[]byte(str(in, "SecretString"))}
		s.strs[name] = true
	}
	return map[string]any{"ARN": s.arn(name), "Name": name, "VersionId": "v1"}, nil
}

func (s *Server) getSecretValue(in map[string]any) (any, *apiError) {
	name := str(in, "SecretId")
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.secrets[name]
	if len(v) == 0 {
		return nil, &apiError{"ResourceNotFoundException", "Secrets Manager can't find the specified secret."}
	}
	out := map[string]any{"ARN": s.arn(name), "Name": name, "VersionId": fmt.Sprintf("v%d", len(v)),
		"CreatedDate": float64(time.Now().Unix())}
	if s.strs[name] {
		out["SecretString"] = string(v[len(v)-1])
	} else {
		out["SecretBinary"] = v[len(v)-1]
	}
	return out, nil
}

func (s *Server) putSecretValue(in map[string]any) (any, *apiError) {
	name := str(in, "SecretId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.secrets[name]; !ok {
		return nil, &apiError{"ResourceNotFoundException", "Secrets Manager can't find the specified secret."}
	}
	if b, ok := blob(in, "SecretBinary"); ok {
		s.secrets[name] = append(s.secrets[name], b)
		s.strs[name] = false
	} else {
		s.secrets[name] = append(s.secrets[name], []byte(str(in, "SecretString")))
		s.strs[name] = true
	}
	return map[string]any{"ARN": s.arn(name), "Name": name, "VersionId": fmt.Sprintf("v%d", len(s.secrets[name]))}, nil
}
