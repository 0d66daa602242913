package s3store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Put implements objstore.Store. Up to one part size goes in a single
// PutObject; more, or an unknown size that turns out larger, goes in a
// sequential multipart upload, one part in memory at a time.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	o := objstore.NewOptions(opts...)
	partSize := s.cfg.PartSize
	if size > partSize {
		p, err := objstore.PartSize(size)
		if err != nil {
			return objstore.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
		}
		partSize = max(p, partSize)
	}
	whole := sha256.New()
	src := io.TeeReader(r, whole)
	if size >= 0 {
		src = io.TeeReader(io.LimitReader(r, size+1), whole) // one more byte reveals a longer reader
	}
	bufSize := partSize
	if size >= 0 && size < partSize {
		bufSize = size + 1
	}
	buf := make([]byte, bufSize)
	n, err := io.ReadFull(src, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return objstore.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	if n < len(buf) || bufSize < partSize { // the reader ended: one request
		if size >= 0 && int64(n) != size {
			return objstore.ObjectInfo{}, fmt.Errorf("put %s: read %d bytes, expected %d", key, n, size)
		}
		return s.putObject(ctx, key, buf[:n], whole.Sum(nil), o)
	}
	return s.putMultipart(ctx, key, buf, n, src, size, whole, o)
}

func (s *Store) putObject(ctx context.Context, key string, data, sum []byte, o objstore.Options) (objstore.ObjectInfo, error) {
	if o.SHA256 != nil && !bytes.Equal(o.SHA256, sum) {
		return objstore.ObjectInfo{}, fmt.Errorf("put %s: %w", key, objstore.ErrChecksumMismatch)
	}
	st := settings(o)
	out, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:                    &s.cfg.Bucket,
		Key:                       aws.String(s.objectKey(key)),
		Body:                      bytes.NewReader(data),
		ContentLength:             aws.Int64(int64(len(data))),
		ChecksumSHA256:            b64(sum),
		StorageClass:              st.class,
		Tagging:                   st.tagging,
		ServerSideEncryption:      st.sse,
		SSEKMSKeyId:               st.kmsKeyID,
		ObjectLockMode:            st.lockMode,
		ObjectLockRetainUntilDate: st.lockUntil,
		ObjectLockLegalHoldStatus: st.legalHold,
	}, func(so *s3.Options) { so.APIOptions = append(so.APIOptions, withPayloadSHA256(sum)) })
	if err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("put %s: %w", key, mapError(err))
	}
	return objstore.ObjectInfo{Key: key, Size: int64(len(data)), ETag: aws.ToString(out.ETag), SHA256: sum,
		StorageClass: o.StorageClass, Tags: o.Tags, Lock: o.Lock}, nil
}

// putMultipart uploads buf[:n] as part 1, then the rest of src part by part.
func (s *Store) putMultipart(ctx context.Context, key string, buf []byte, n int, src io.Reader, size int64, whole interface{ Sum([]byte) []byte }, o objstore.Options) (info objstore.ObjectInfo, err error) {
	id, err := s.CreateMultipart(ctx, key, withOptions(o))
	if err != nil {
		return info, fmt.Errorf("put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = s.AbortMultipart(context.WithoutCancel(ctx), key, id)
		}
	}()
	var parts []objstore.Part
	var total int64
	for number := 1; n > 0; number++ {
		p, err := s.UploadPart(ctx, key, id, number, bytes.NewReader(buf[:n]), int64(n), nil)
		if err != nil {
			return info, fmt.Errorf("put %s: %w", key, err)
		}
		parts, total = append(parts, p), total+int64(n)
		n, err = io.ReadFull(src, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return info, fmt.Errorf("put %s: %w", key, err)
		}
	}
	if size >= 0 && total != size {
		return info, fmt.Errorf("put %s: read %d bytes, expected %d", key, total, size)
	}
	sum := whole.Sum(nil)
	if o.SHA256 != nil && !bytes.Equal(o.SHA256, sum) {
		return info, fmt.Errorf("put %s: %w", key, objstore.ErrChecksumMismatch)
	}
	info, err = s.CompleteMultipart(ctx, key, id, parts)
	if err != nil {
		return info, fmt.Errorf("put %s: %w", key, err)
	}
	info.SHA256 = sum
	return info, nil
}

// withOptions passes already-applied options on.
func withOptions(o objstore.Options) objstore.Option {
	return func(dst *objstore.Options) { *dst = o }
}
