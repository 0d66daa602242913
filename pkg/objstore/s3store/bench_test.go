package s3store_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
)

// BenchmarkUpload compares, on the same bytes against versitygw on loopback:
//
//   - PutObject: one plain PUT (the server's PUT bandwidth),
//
//   - SDKUploadManager: the SDK's transfermanager fed one stream (16 MiB
//     parts, 4 concurrent, SHA-256 checksums),
//
//   - Multipart4: our CreateMultipart / UploadPart x4 goroutines / Complete,
//     as the uploader replicas do it.
//
//     go test -run '^$' -bench Upload -benchtime 1x ./s3store   (ARCA_BENCH_MIB=512)
func BenchmarkUpload(b *testing.B) {
	size := int64(512)
	if v, err := strconv.ParseInt(os.Getenv("ARCA_BENCH_MIB"), 10, 64); err == nil {
		size = v
	}
	size *= objstore.MiB
	data := make([]byte, size)
	_, _ = rand.NewChaCha8([32]byte{9}).Read(data) // ChaCha8 never fails
	bucket := "arca-bench-" + strconv.Itoa(rand.IntN(1e9))
	if err := gw.CreateBucket(context.Background(), bucket, false); err != nil {
		b.Fatal(err)
	}
	store, err := s3store.New(context.Background(), s3store.Config{
		Endpoint: gw.Endpoint, Region: gw.Region, Bucket: bucket, PathStyle: true,
		AccessKey: gw.AccessKey, SecretKey: gw.SecretKey,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	b.Run("PutObject", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			_, err := store.Client().PutObject(ctx, &s3.PutObjectInput{
				Bucket: &bucket, Key: aws.String("put"), Body: bytes.NewReader(data), ContentLength: aws.Int64(size),
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SDKUploadManager", func(b *testing.B) {
		tm := transfermanager.New(store.Client(), func(o *transfermanager.Options) {
			o.PartSizeBytes, o.Concurrency = 16*objstore.MiB, 4
			o.ChecksumAlgorithm = tmtypes.ChecksumAlgorithmSha256
		})
		b.SetBytes(size)
		for b.Loop() {
			_, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
				Bucket: &bucket, Key: aws.String("manager"), Body: struct{ io.Reader }{bytes.NewReader(data)},
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Multipart4", func(b *testing.B) {
		partSize, _ := objstore.PartSize(size)
		b.SetBytes(size)
		for b.Loop() {
			uploadConcurrently(b, store, "ours", data, partSize, 4)
		}
	})
}

func uploadConcurrently(b *testing.B, s objstore.Store, key string, data []byte, partSize int64, workers int) {
	ctx := context.Background()
	id, err := s.CreateMultipart(ctx, key)
	if err != nil {
		b.Fatal(err)
	}
	n := (int64(len(data)) + partSize - 1) / partSize
	parts := make([]objstore.Part, n)
	jobs := make(chan int64)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				chunk := data[i*partSize : min(int64(len(data)), (i+1)*partSize)]
				p, err := s.UploadPart(ctx, key, id, int(i+1), bytes.NewReader(chunk), int64(len(chunk)), nil)
				if err != nil {
					b.Error(err)
					continue
				}
				parts[i] = p
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if _, err := s.CompleteMultipart(ctx, key, id, parts); err != nil {
		b.Fatal(err)
	}
}
