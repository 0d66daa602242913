package bucketinit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func encryption(ctx context.Context, api API, c Config) (Outcome, string, error) {
	want := c.Encryption
	desc := string(want.Algorithm)
	if want.KMSKeyID != "" {
		desc += " with key " + want.KMSKeyID
	}
	cur, err := api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &c.Bucket})
	// A server that cannot read the setting back may still take it.
	blind := err != nil && unsupported(err)
	if err != nil && !blind && !notFound(err, "ServerSideEncryptionConfigurationNotFoundError") {
		return Failed, "", fmt.Errorf("get bucket encryption: %w", err)
	}
	if err == nil && cur.ServerSideEncryptionConfiguration != nil {
		for _, r := range cur.ServerSideEncryptionConfiguration.Rules {
			if d := r.ApplyServerSideEncryptionByDefault; d != nil && d.SSEAlgorithm == want.Algorithm &&
				aws.ToString(d.KMSMasterKeyID) == want.KMSKeyID {
				return AlreadySet, desc, nil
			}
		}
	}
	def := &types.ServerSideEncryptionByDefault{SSEAlgorithm: want.Algorithm}
	if want.KMSKeyID != "" {
		def.KMSMasterKeyID = aws.String(want.KMSKeyID)
	}
	_, err = api.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &c.Bucket,
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
			Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: def,
				BucketKeyEnabled: aws.Bool(want.Algorithm != types.ServerSideEncryptionAes256)}},
		}})
	if err != nil {
		return Failed, "", fmt.Errorf("put bucket encryption: %w", err)
	}
	if blind {
		return Applied, desc + " (the server cannot read it back)", nil
	}
	return Applied, desc, nil
}
