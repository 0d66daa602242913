package grants

import (
	"encoding/json"
	"slices"
	"strings"
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
	Sid       string     `json:"Sid"`
	Effect    string     `json:"Effect"`
	Principal *Principal `json:"Principal,omitempty"`
	Action    []string   `json:"Action"`
	Resource  []string   `json:"Resource"`
	// Condition is IAM's condition block (operator → key → value).
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// Principal names who a bucket-policy statement is for.
type Principal struct {
	AWS []string `json:"AWS"`
}

// BucketPolicy is the same grants as one bucket policy, each statement
// for the principal (access key, or account ARN) principal returns for its
// service: for S3 servers without per-user IAM policies (versitygw, which
// deploy/compose uses).
func BucketPolicy(services []Service, bucket, prefix string, principal func(service string) string) *Policy {
	out := &Policy{Version: "2012-10-17"}
	for _, s := range services {
		p := s.S3Policy(bucket, prefix)
		if p == nil {
			continue
		}
		for _, st := range p.Statement {
			st.Principal = &Principal{AWS: []string{principal(s.Name)}}
			out.Statement = append(out.Statement, st)
		}
	}
	return out
}

// S3KeyVar is the environment variable holding a service's S3 access key
// in deploy/compose (.env).
func S3KeyVar(service string) string { return "S3_" + strings.ToUpper(service) + "_ACCESS_KEY" }

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
