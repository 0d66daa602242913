#!/bin/sh
# One-shot set-up of versitygw for Arca (runs in the versitygw image):
#   - one S3 account per service that touches the bucket (uploader, verifier,
#     coordinator), each with its own keys (.env);
#   - the bucket, owned by the uploader (writes backups);
#   - a bucket policy: the uploader may do everything (versitygw applies a
#     bucket's policy to its owner too), the verifier may read, the
#     coordinator may read, list and delete (retention), nobody else.
# Idempotent: existing users and the bucket are left as they are.
set -eu
admin() {
  versitygw admin --access "$S3_ROOT_ACCESS_KEY" --secret "$S3_ROOT_SECRET_KEY" \
    --endpoint-url "$S3_ENDPOINT" "$@"
}
s3_put_as_uploader() { # PATH FILE: a SigV4-signed PUT of FILE (curl --aws-sigv4)
  curl -fsS -o /dev/null -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$S3_UPLOADER_ACCESS_KEY:$S3_UPLOADER_SECRET_KEY" \
    -H "x-amz-content-sha256: $(sha256sum "$2" | cut -d' ' -f1)" \
    --data-binary "@$2" "$S3_ENDPOINT/$1"
}

for who in UPLOADER VERIFIER COORDINATOR; do
  eval access=\$S3_${who}_ACCESS_KEY secret=\$S3_${who}_SECRET_KEY
  admin create-user --access "$access" --secret "$secret" --role user 2>/dev/null \
    || echo "s3-init: user $access exists"
done

admin create-bucket --bucket "$S3_BUCKET" --owner "$S3_UPLOADER_ACCESS_KEY" 2>/dev/null \
  || echo "s3-init: bucket $S3_BUCKET exists"

cat > /tmp/policy.json <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "UploaderOwns", "Effect": "Allow",
     "Principal": {"AWS": ["$S3_UPLOADER_ACCESS_KEY"]},
     "Action": ["s3:*"],
     "Resource": ["arn:aws:s3:::$S3_BUCKET", "arn:aws:s3:::$S3_BUCKET/*"]},
    {"Sid": "VerifierReads", "Effect": "Allow",
     "Principal": {"AWS": ["$S3_VERIFIER_ACCESS_KEY"]},
     "Action": ["s3:GetObject", "s3:GetObjectTagging", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::$S3_BUCKET", "arn:aws:s3:::$S3_BUCKET/*"]},
    {"Sid": "CoordinatorPrunes", "Effect": "Allow",
     "Principal": {"AWS": ["$S3_COORDINATOR_ACCESS_KEY"]},
     "Action": ["s3:GetObject", "s3:ListBucket", "s3:DeleteObject",
                "s3:ListBucketMultipartUploads", "s3:AbortMultipartUpload"],
     "Resource": ["arn:aws:s3:::$S3_BUCKET", "arn:aws:s3:::$S3_BUCKET/*"]}
  ]
}
JSON
# "?policy=" rather than "?policy": curl signs an empty query value that way.
s3_put_as_uploader "$S3_BUCKET?policy=" /tmp/policy.json
echo "s3-init: done"
