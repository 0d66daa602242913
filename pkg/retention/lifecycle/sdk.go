package lifecycle

import "github.com/aws/aws-sdk-go-v2/service/s3/types"

// SDKRules is the configuration as the SDK's rules (for arca bucket init,
// which sets them with the bucket's other settings).
func (c Configuration) SDKRules() []types.LifecycleRule {
	out := make([]types.LifecycleRule, 0, len(c.Rules))
	for _, r := range c.Rules {
		out = append(out, r.sdk())
	}
	return out
}
