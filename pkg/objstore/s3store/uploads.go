package s3store

import (
	"context"
	"fmt"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arcabackup/arca/pkg/objstore"
)

// ListMultipartUploads implements objstore.Store, a page at a time.
func (s *Store) ListMultipartUploads(ctx context.Context, prefix string) iter.Seq2[objstore.Upload, error] {
	return func(yield func(objstore.Upload, error) bool) {
		in := &s3.ListMultipartUploadsInput{Bucket: &s.cfg.Bucket, Prefix: aws.String(s.listPrefix(prefix))}
		for {
			page, err := s.client.ListMultipartUploads(ctx, in)
			if err != nil {
				yield(objstore.Upload{}, fmt.Errorf("list multipart uploads %s: %w", prefix, mapError(err)))
				return
			}
			for _, u := range page.Uploads {
				up := objstore.Upload{Key: s.storeKey(aws.ToString(u.Key)), UploadID: aws.ToString(u.UploadId), Initiated: aws.ToTime(u.Initiated)}
				if !yield(up, nil) {
					return
				}
			}
			if !aws.ToBool(page.IsTruncated) {
				return
			}
			in.KeyMarker, in.UploadIdMarker = page.NextKeyMarker, page.NextUploadIdMarker
		}
	}
}
