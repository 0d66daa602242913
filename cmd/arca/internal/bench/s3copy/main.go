// Command s3copy is the baseline's S3 client in scripts/bench-compare.sh:
// what the plan's backup service does with the AWS SDK (one PutObject of the
// encrypted file; one GetObject to restore it), as a process that starts in
// milliseconds, so the baseline is not charged the aws CLI's start-up per
// tenant. The endpoint, region, credentials and CA bundle come from the SDK's
// environment (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_CA_BUNDLE).
//
//	s3copy mb BUCKET
//	s3copy put FILE BUCKET/KEY
//	s3copy get BUCKET/KEY FILE
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "s3copy:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) < 2 {
		return errors.New("usage: s3copy mb BUCKET | put FILE BUCKET/KEY | get BUCKET/KEY FILE")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	switch {
	case args[0] == "mb":
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(args[1])})
		return err
	case args[0] == "put" && len(args) == 3:
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }() // read-only
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		bucket, key, _ := strings.Cut(args[2], "/")
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: f, ContentLength: aws.Int64(fi.Size())})
		return err
	case args[0] == "get" && len(args) == 3:
		bucket, key, _ := strings.Cut(args[1], "/")
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
		if err != nil {
			return err
		}
		defer func() { _ = out.Body.Close() }()
		f, err := os.Create(args[2])
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, out.Body); err != nil {
			_ = f.Close() // the copy's error is the one to report
			return err
		}
		return f.Close()
	}
	return fmt.Errorf("unknown command %q", strings.Join(args, " "))
}
