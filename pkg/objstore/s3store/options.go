package s3store

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcabackup/arca/pkg/objstore"
)

// objectSettings are the S3 request fields an objstore.Options sets, shared
// by PutObject and CreateMultipartUpload.
type objectSettings struct {
	class     types.StorageClass
	tagging   *string
	sse       types.ServerSideEncryption
	kmsKeyID  *string
	lockMode  types.ObjectLockMode
	lockUntil *time.Time
	legalHold types.ObjectLockLegalHoldStatus
}

func settings(o objstore.Options) objectSettings {
	var s objectSettings
	s.class = types.StorageClass(o.StorageClass)
	if len(o.Tags) > 0 {
		s.tagging = ptr(encodeTags(o.Tags))
	}
	if o.SSEKMSKeyID != "" {
		s.sse, s.kmsKeyID = types.ServerSideEncryptionAwsKms, ptr(o.SSEKMSKeyID)
	}
	if o.Lock.Mode != "" {
		s.lockMode, s.lockUntil = types.ObjectLockMode(o.Lock.Mode), ptr(o.Lock.RetainUntil)
	}
	if o.Lock.LegalHold {
		s.legalHold = types.ObjectLockLegalHoldStatusOn
	}
	return s
}

// encodeTags is the x-amz-tagging header: URL-encoded key=value pairs.
func encodeTags(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(escape(k) + "=" + escape(tags[k]))
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }

func escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
