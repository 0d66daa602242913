package grants

import (
	"slices"
	"strings"
)

// What no service may do to the bucket, whatever else grants it: change
// the settings `arca bucket init` made, or lift a lock. An explicit Deny
// wins over any Allow, so a broad policy attached by mistake elsewhere
// cannot undo them.
var denyToEveryService = []string{
	"s3:BypassGovernanceRetention",
	"s3:DeleteBucket",
	"s3:DeleteBucketPolicy",
	"s3:PutBucketObjectLockConfiguration",
	"s3:PutBucketPolicy",
	"s3:PutBucketPublicAccessBlock",
	"s3:PutBucketVersioning",
	"s3:PutEncryptionConfiguration",
	"s3:PutLifecycleConfiguration",
}

// deleteActions remove data: only the pruner (the coordinator) has them.
var deleteActions = []string{"s3:DeleteObject", "s3:DeleteObjectVersion"}

// lockActions change an object's retention or legal hold. The uploader
// sets retention on what it writes (extending a lock needs nothing more;
// shortening a GOVERNANCE lock needs s3:BypassGovernanceRetention, denied
// to all); the pruner, which may delete, must never touch a lock.
var lockActions = []string{"s3:PutObjectLegalHold", "s3:PutObjectRetention"}

// BucketInitPolicies are the IAM policy documents `arca bucket init`
// writes, by file name: each service's grant (S3Policy) followed by
// explicit denies, and a deny-all document for the services that have no
// business in the bucket (attach it so that no broader policy lets them
// in). The operator's CLI is left out: it is a person's role, granted by
// the organisation.
//
//	exporter, encryptor, alerter  deny everything on the bucket
//	uploader                      put (and read back) under the prefix; never delete
//	verifier                      read; put only */verified.json; never delete
//	coordinator (the pruner)      read, list, delete under the prefix; never lift or
//	                              shorten a lock, so it deletes only versions whose
//	                              Object Lock retention has expired
func BucketInitPolicies(services []Service, bucket, prefix string) map[string]*Policy {
	base := "arn:aws:s3:::" + bucket
	everything := []string{base, base + "/*"}
	out := map[string]*Policy{}
	for _, s := range services {
		if s.Name == "operator" {
			continue
		}
		p := s.S3Policy(bucket, prefix)
		if p == nil {
			out[s.Name+".json"] = &Policy{Version: "2012-10-17", Statement: []Statement{{
				Sid: sidFor(s.Name, "NoBucket"), Effect: "Deny", Action: []string{"s3:*"}, Resource: everything,
			}}}
			continue
		}
		deny := slices.Clone(denyToEveryService)
		if grants(s, "s3:DeleteObject") {
			deny = append(deny, lockActions...)
		} else {
			deny = append(deny, deleteActions...)
		}
		slices.Sort(deny)
		p.Statement = append(p.Statement, Statement{Sid: sidFor(s.Name, "Never"), Effect: "Deny", Action: deny, Resource: everything})
		out[s.Name+".json"] = p
	}
	// Every request over TLS (the plan: HTTPS obrigatório), for all.
	out["bucket-policy.json"] = &Policy{Version: "2012-10-17", Statement: []Statement{{
		Sid: "ArcaDenyInsecureTransport", Effect: "Deny", Principal: &Principal{AWS: []string{"*"}},
		Action: []string{"s3:*"}, Resource: everything,
		Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
	}}}
	return out
}

func grants(s Service, action string) bool {
	for _, g := range s.S3 {
		if slices.Contains(g.Actions, action) {
			return true
		}
	}
	return false
}

func sidFor(service, what string) string {
	return "Arca" + strings.ToUpper(service[:1]) + service[1:] + what
}

// MFADeleteNote is the note `arca bucket init` writes beside the policies
// (MFA-DELETE.md): what the plan asks for MFA on delete, and how Arca
// meets it.
const MFADeleteNote = `# MFA delete

The plan (backup-strategy.md, "Controle de Acesso") asks for MFA on every delete, with a bucket policy that denies
s3:DeleteObject when aws:MultiFactorAuthPresent is false. Arca does not install that policy, and here is why and
what it does instead.

- Retention is enforced by the pruner (the coordinator, or arca prune): it deletes the backups past retention with
  service credentials, which carry no MFA. The plan's Deny would stop every prune, the bucket would grow for ever, and
  the 30- and 90-day retention the plan also asks for would not hold.
- What MFA delete protects against (stolen credentials deleting backups) is covered by Object Lock: every new object
  version is under the bucket's default retention (arca bucket init sets it from the retention policy), so nobody
  deletes it before that date, the pruner included. In COMPLIANCE mode not even the root account can; in GOVERNANCE
  mode only a principal allowed s3:BypassGovernanceRetention can, and every policy written here denies it.
- The uploader and the verifier cannot delete at all (explicit Deny); a write over an existing key adds a version
  and leaves the locked one in place (versioning is on).

S3's own MFA Delete (a versioning setting) can still be turned on, by the bucket owner's root account with its MFA
device; no API key can do it, so arca bucket init does not:

    aws s3api put-bucket-versioning --bucket BUCKET \
        --versioning-configuration Status=Enabled,MFADelete=Enabled \
        --mfa "arn:aws:iam::ACCOUNT:mfa/root-account-mfa-device CODE"

With it on, permanently deleting a version needs the root account's MFA: the pruner's deletes then leave delete
markers only (the versions stay, and keep costing), so prune's reclaimed space comes back only when the root account
removes the noncurrent versions, or through the lifecycle rule that expires noncurrent versions (lifecycle rules are
not subject to MFA Delete). Turn it on when that trade is wanted.
`
