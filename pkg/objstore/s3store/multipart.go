package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcabackup/arca/pkg/objstore"
)

// CreateMultipart implements objstore.Store. Parts carry SHA-256 checksums,
// so the object gets S3's composite SHA-256.
func (s *Store) CreateMultipart(ctx context.Context, key string, opts ...objstore.Option) (string, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return "", fmt.Errorf("create multipart %s: %w", key, err)
	}
	st := settings(objstore.NewOptions(opts...))
	out, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:                    &s.cfg.Bucket,
		Key:                       aws.String(s.objectKey(key)),
		ChecksumAlgorithm:         types.ChecksumAlgorithmSha256,
		StorageClass:              st.class,
		Tagging:                   st.tagging,
		ServerSideEncryption:      st.sse,
		SSEKMSKeyId:               st.kmsKeyID,
		ObjectLockMode:            st.lockMode,
		ObjectLockRetainUntilDate: st.lockUntil,
		ObjectLockLegalHoldStatus: st.legalHold,
	})
	if err != nil {
		return "", fmt.Errorf("create multipart %s: %w", key, mapError(err))
	}
	return aws.ToString(out.UploadId), nil
}

// UploadPart implements objstore.Store. A body that is not an io.ReadSeeker
// is read into memory first, so that a failed attempt can be retried.
func (s *Store) UploadPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64, sum []byte) (objstore.Part, error) {
	fail := func(err error) (objstore.Part, error) {
		return objstore.Part{}, fmt.Errorf("upload part %d of %s: %w", n, key, err)
	}
	if n < 1 || n > objstore.MaxParts {
		return fail(fmt.Errorf("part number must be 1..%d", objstore.MaxParts))
	}
	if size < 0 || size > objstore.MaxPartSize {
		return fail(fmt.Errorf("part size %d outside 0..%d", size, objstore.MaxPartSize))
	}
	body, sum, err := seekableBody(r, size, sum)
	if err != nil {
		return fail(err)
	}
	out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
		Bucket:            &s.cfg.Bucket,
		Key:               aws.String(s.objectKey(key)),
		UploadId:          &uploadID,
		PartNumber:        aws.Int32(int32(n)),
		Body:              body,
		ContentLength:     aws.Int64(size),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
		ChecksumSHA256:    b64(sum),
	}, func(so *s3.Options) { so.APIOptions = append(so.APIOptions, withPayloadSHA256(sum)) })
	if err != nil {
		return fail(s.uploadGone(ctx, key, uploadID, err))
	}
	return objstore.Part{Number: n, ETag: aws.ToString(out.ETag), SHA256: sum, Size: size}, nil
}

// CompleteMultipart implements objstore.Store.
func (s *Store) CompleteMultipart(ctx context.Context, key, uploadID string, parts []objstore.Part) (objstore.ObjectInfo, error) {
	fail := func(err error) (objstore.ObjectInfo, error) {
		return objstore.ObjectInfo{}, fmt.Errorf("complete multipart %s: %w", key, err)
	}
	if len(parts) == 0 {
		return fail(errors.New("no parts"))
	}
	completed := make([]types.CompletedPart, len(parts))
	digests := make([][]byte, 0, len(parts))
	var size int64
	for i, p := range parts {
		completed[i] = types.CompletedPart{PartNumber: aws.Int32(int32(p.Number)), ETag: aws.String(p.ETag)}
		if p.SHA256 != nil {
			completed[i].ChecksumSHA256 = b64(p.SHA256)
			digests = append(digests, p.SHA256)
		}
		size += p.Size
	}
	out, err := s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          &s.cfg.Bucket,
		Key:             aws.String(s.objectKey(key)),
		UploadId:        &uploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: completed},
	})
	if err != nil {
		return fail(mapError(err))
	}
	info := objstore.ObjectInfo{Key: key, Size: size, ETag: aws.ToString(out.ETag), Parts: len(parts)}
	if len(digests) == len(parts) {
		info.CompositeSHA256 = objstore.CompositeSHA256(digests)
	}
	return info, nil
}

// AbortMultipart implements objstore.Store.
func (s *Store) AbortMultipart(ctx context.Context, key, uploadID string) error {
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: &s.cfg.Bucket, Key: aws.String(s.objectKey(key)), UploadId: &uploadID,
	})
	if err = mapError(err); err != nil && !errors.Is(err, objstore.ErrNoSuchUpload) {
		return fmt.Errorf("abort multipart %s: %w", key, err)
	}
	return nil
}

// uploadGone explains a failed UploadPart. Some servers (versitygw) answer
// a part for an upload that no longer exists by closing the connection
// while the body is still being sent, so the client sees a reset rather
// than NoSuchUpload; asking for the upload's parts tells which it was.
func (s *Store) uploadGone(ctx context.Context, key, uploadID string, err error) error {
	err = mapError(err)
	if errorCode(err) != "" || ctx.Err() != nil {
		return err
	}
	_, lerr := s.client.ListParts(ctx, &s3.ListPartsInput{
		Bucket: &s.cfg.Bucket, Key: aws.String(s.objectKey(key)), UploadId: &uploadID, MaxParts: aws.Int32(1),
	})
	if lerr = mapError(lerr); errors.Is(lerr, objstore.ErrNoSuchUpload) {
		return errors.Join(objstore.ErrNoSuchUpload, err)
	}
	return err
}
