package grants

import (
	"encoding/json"
	"slices"
)

// S3Grant is a set of actions on the bucket's keys (or on the bucket
// itself, for listings).
type S3Grant struct {
	Actions []string
	// Keys is a pattern under the prefix ("*" when empty).
	Keys string
	// Bucket: the actions apply to the bucket, not to keys (ListBucket...).
	Bucket bool
}

// Policy is an IAM policy document.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Policy.
type Statement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}

// S3Policy is the IAM policy of a service on bucket under prefix; nil when
// the service has no business in the bucket.
func (s Service) S3Policy(bucket, prefix string) *Policy {
	if len(s.S3) == 0 {
		return nil
	}
	p := &Policy{Version: "2012-10-17"}
	base := "arn:aws:s3:::" + bucket
	for i, g := range s.S3 {
		res := base
		if !g.Bucket {
			keys := g.Keys
			if keys == "" {
				keys = "*"
			}
			res = base + "/" + prefix + "/" + keys
			if prefix == "" {
				res = base + "/" + keys
			}
		}
		actions := slices.Clone(g.Actions)
		slices.Sort(actions)
		p.Statement = append(p.Statement, Statement{
			Sid: sid(s.Name, i), Effect: "Allow", Action: actions, Resource: []string{res},
		})
	}
	return p
}

func sid(service string, i int) string {
	b := []byte(service)
	if len(b) > 0 && b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return "Arca" + string(b) + string(rune('0'+i))
}

// PolicyJSON renders a policy as indented JSON with a final newline.
func PolicyJSON(p *Policy) []byte {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		panic(err) // plain structs always marshal
	}
	return append(b, '\n')
}
