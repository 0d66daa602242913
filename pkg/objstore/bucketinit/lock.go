package bucketinit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func objectLock(ctx context.Context, api API, c Config) (Outcome, string, error) {
	want := c.ObjectLock
	desc := fmt.Sprintf("%s, %d days by default", want.Mode, want.Days)
	cur, err := api.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: &c.Bucket})
	if err != nil && !notFound(err, "ObjectLockConfigurationNotFoundError") {
		return Failed, "", fmt.Errorf("get object lock configuration: %w", err)
	}
	if err == nil && cur.ObjectLockConfiguration != nil {
		olc := cur.ObjectLockConfiguration
		if r := olc.Rule; olc.ObjectLockEnabled == types.ObjectLockEnabledEnabled && r != nil && r.DefaultRetention != nil &&
			r.DefaultRetention.Mode == want.Mode && aws.ToInt32(r.DefaultRetention.Days) == want.Days &&
			aws.ToInt32(r.DefaultRetention.Years) == 0 {
			return AlreadySet, desc, nil
		}
	}
	_, err = api.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: &c.Bucket,
		ObjectLockConfiguration: &types.ObjectLockConfiguration{
			ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule:              &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: want.Mode, Days: aws.Int32(want.Days)}},
		}})
	if err != nil {
		return Failed, "", fmt.Errorf("put object lock configuration: %w", err)
	}
	return Applied, desc, nil
}
