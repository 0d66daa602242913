package s3store

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Get implements objstore.Store. With a zero Range the SDK checks the body
// against the stored full-object SHA-256 (objects written in one piece).
func (s *Store) Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	in := &s3.GetObjectInput{Bucket: &s.cfg.Bucket, Key: aws.String(s.objectKey(key))}
	if rng == (objstore.Range{}) {
		in.ChecksumMode = types.ChecksumModeEnabled
	} else {
		end := ""
		if rng.Length > 0 {
			end = strconv.FormatInt(rng.Offset+rng.Length-1, 10)
		}
		in.Range = aws.String(fmt.Sprintf("bytes=%d-%s", rng.Offset, end))
	}
	out, err := s.client.GetObject(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, mapError(err))
	}
	return out.Body, nil
}

// Stat implements objstore.Store: HeadObject, plus GetObjectTagging when
// the object has tags.
func (s *Store) Stat(ctx context.Context, key string) (objstore.ObjectInfo, error) {
	info, tagged, err := s.head(ctx, key)
	if err != nil || !tagged {
		return info, err
	}
	if info.Tags, err = s.tags(ctx, key); err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, err)
	}
	return info, nil
}

// Head implements objstore.Header: HeadObject alone.
func (s *Store) Head(ctx context.Context, key string) (objstore.ObjectInfo, error) {
	info, _, err := s.head(ctx, key)
	return info, err
}

// head is HeadObject's answer, and whether the object has tags.
func (s *Store) head(ctx context.Context, key string) (objstore.ObjectInfo, bool, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return objstore.ObjectInfo{}, false, fmt.Errorf("stat %s: %w", key, err)
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: &s.cfg.Bucket, Key: aws.String(s.objectKey(key)), ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		return objstore.ObjectInfo{}, false, fmt.Errorf("stat %s: %w", key, mapError(err))
	}
	info := objstore.ObjectInfo{
		Key: key, Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag),
		LastModified: aws.ToTime(out.LastModified), StorageClass: storageClass(out.StorageClass),
		Lock: objstore.Lock{
			Mode:        objstore.LockMode(out.ObjectLockMode),
			RetainUntil: aws.ToTime(out.ObjectLockRetainUntilDate),
			LegalHold:   out.ObjectLockLegalHoldStatus == types.ObjectLockLegalHoldStatusOn,
		},
	}
	if v := aws.ToString(out.ChecksumSHA256); v != "" {
		sum, parts, err := objstore.ParseS3Checksum(v)
		switch {
		case err != nil:
			return objstore.ObjectInfo{}, false, fmt.Errorf("stat %s: %w", key, err)
		case parts > 0 || out.ChecksumType == types.ChecksumTypeComposite:
			info.CompositeSHA256, info.Parts = sum, parts
			if parts == 0 && out.PartsCount != nil {
				info.Parts = int(*out.PartsCount)
			}
		default:
			info.SHA256 = sum
		}
	}
	return info, aws.ToInt32(out.TagCount) > 0, nil
}

func (s *Store) tags(ctx context.Context, key string) (map[string]string, error) {
	out, err := s.client.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: &s.cfg.Bucket, Key: aws.String(s.objectKey(key))})
	if err != nil {
		return nil, mapError(err)
	}
	tags := make(map[string]string, len(out.TagSet))
	for _, t := range out.TagSet {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}

// storageClass reports STANDARD, which S3 leaves out, as "".
func storageClass[T ~string](c T) string {
	if c == "STANDARD" {
		return ""
	}
	return string(c)
}
