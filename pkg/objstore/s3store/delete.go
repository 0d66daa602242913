package s3store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Delete implements objstore.Store: it deletes every version of the key by
// version id (a plain DeleteObject in a versioned bucket only adds a delete
// marker and keeps the data). A version under retention or legal hold makes
// it fail with *objstore.LockedError; versions deleted before it stay
// deleted. Servers without versioning calls get a plain DeleteObject.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := objstore.ValidateKey(key); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	okey := s.objectKey(key)
	versions, err := s.versions(ctx, okey)
	if errorCode(err) == "NotImplemented" {
		versions, err = []*string{nil}, nil
	}
	if err != nil {
		return fmt.Errorf("delete %s: %w", key, mapError(err))
	}
	for _, v := range versions {
		_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.cfg.Bucket, Key: &okey, VersionId: v})
		if err == nil || errors.Is(mapError(err), objstore.ErrNotFound) {
			continue
		}
		if lock, ok := s.activeLock(ctx, okey, v); ok {
			return fmt.Errorf("delete %s: %w", key, &objstore.LockedError{Key: key, Lock: lock})
		}
		return fmt.Errorf("delete %s: %w", key, mapError(err))
	}
	return nil
}

// versions lists the version ids (delete markers included) of exactly key.
func (s *Store) versions(ctx context.Context, key string) ([]*string, error) {
	var ids []*string
	in := &s3.ListObjectVersionsInput{Bucket: &s.cfg.Bucket, Prefix: &key}
	for {
		page, err := s.client.ListObjectVersions(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, v := range page.Versions {
			if aws.ToString(v.Key) == key {
				ids = append(ids, v.VersionId)
			}
		}
		for _, m := range page.DeleteMarkers {
			if aws.ToString(m.Key) == key {
				ids = append(ids, m.VersionId)
			}
		}
		if !aws.ToBool(page.IsTruncated) {
			return ids, nil
		}
		in.KeyMarker, in.VersionIdMarker = page.NextKeyMarker, page.NextVersionIdMarker
	}
}

// activeLock reads a version's retention after a refused delete.
func (s *Store) activeLock(ctx context.Context, key string, version *string) (objstore.Lock, bool) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.Bucket, Key: &key, VersionId: version})
	if err != nil {
		return objstore.Lock{}, false
	}
	lock := objstore.Lock{
		Mode:        objstore.LockMode(out.ObjectLockMode),
		RetainUntil: aws.ToTime(out.ObjectLockRetainUntilDate),
		LegalHold:   out.ObjectLockLegalHoldStatus == types.ObjectLockLegalHoldStatusOn,
	}
	return lock, lock.Active(time.Now())
}
