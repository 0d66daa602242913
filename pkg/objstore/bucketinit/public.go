package bucketinit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func publicAccess(ctx context.Context, api API, c Config) (Outcome, string, error) {
	const desc = "public ACLs blocked and ignored, public policies blocked and restricted"
	cur, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &c.Bucket})
	// A server that cannot read the setting back may still take it.
	blind := err != nil && unsupported(err)
	if err != nil && !blind && !notFound(err, "NoSuchPublicAccessBlockConfiguration") {
		return Failed, "", fmt.Errorf("get public access block: %w", err)
	}
	if err == nil && cur.PublicAccessBlockConfiguration != nil {
		p := cur.PublicAccessBlockConfiguration
		if aws.ToBool(p.BlockPublicAcls) && aws.ToBool(p.IgnorePublicAcls) && aws.ToBool(p.BlockPublicPolicy) && aws.ToBool(p.RestrictPublicBuckets) {
			return AlreadySet, desc, nil
		}
	}
	_, err = api.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &c.Bucket,
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		}})
	if err != nil {
		return Failed, "", fmt.Errorf("put public access block: %w", err)
	}
	if blind {
		return Applied, desc + " (the server cannot read it back)", nil
	}
	return Applied, desc, nil
}
