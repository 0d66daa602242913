package s3store

import (
	"context"
	"fmt"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arcabackup/arca/pkg/objstore"
)

// List implements objstore.Store with ListObjectsV2, a page at a time.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error] {
	return func(yield func(objstore.ObjectInfo, error) bool) {
		pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
			Bucket: &s.cfg.Bucket, Prefix: aws.String(s.listPrefix(prefix)), MaxKeys: aws.Int32(s.cfg.ListPageSize),
		})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield(objstore.ObjectInfo{}, fmt.Errorf("list %s: %w", prefix, mapError(err)))
				return
			}
			for _, o := range page.Contents {
				info := objstore.ObjectInfo{
					Key: s.storeKey(aws.ToString(o.Key)), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag),
					LastModified: aws.ToTime(o.LastModified), StorageClass: storageClass(o.StorageClass),
				}
				if !yield(info, nil) {
					return
				}
			}
		}
	}
}
