#!/bin/sh
# One-shot set-up of versitygw for Arca (runs in the versitygw image):
#   - one S3 account per service that touches the bucket (uploader, verifier,
#     coordinator), each with its own keys (.env);
#   - the bucket, owned by the root account (an owner may do anything,
#     whatever the policy says, so no service owns it);
#   - the bucket policy generated from cmd/arca/internal/grants
#     (deploy/grants/s3/bucket-policy.json, mounted at /arca-grants): the
#     uploader writes, the verifier reads and writes only verified.json, the
#     coordinator reads, lists and deletes (retention), nobody else.
#     cmd/arca/internal/grants tests the same policy on a real versitygw.
# S3 over https: curl trusts the local CA through S3_CA_FILE, versitygw admin
# (Go) through SSL_CERT_DIR.
# Idempotent: existing users and the bucket are left as they are; the
# policy is put again.
set -eu
admin() {
  versitygw admin --access "$S3_ROOT_ACCESS_KEY" --secret "$S3_ROOT_SECRET_KEY" \
    --endpoint-url "$S3_ENDPOINT" "$@"
}
s3_put_as_root() { # PATH FILE: a SigV4-signed PUT of FILE (curl --aws-sigv4)
  curl -fsS --cacert "$S3_CA_FILE" -o /dev/null -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$S3_ROOT_ACCESS_KEY:$S3_ROOT_SECRET_KEY" \
    -H "x-amz-content-sha256: $(sha256sum "$2" | cut -d' ' -f1)" \
    --data-binary "@$2" "$S3_ENDPOINT/$1"
}

for who in UPLOADER VERIFIER COORDINATOR; do
  eval access=\$S3_${who}_ACCESS_KEY secret=\$S3_${who}_SECRET_KEY
  admin create-user --access "$access" --secret "$secret" --role user 2>/dev/null \
    || echo "s3-init: user $access exists"
done

admin create-bucket --bucket "$S3_BUCKET" --owner "$S3_ROOT_ACCESS_KEY" 2>/dev/null \
  || echo "s3-init: bucket $S3_BUCKET exists"

# The generated policy names each service's access key as ${S3_<SERVICE>_ACCESS_KEY}.
sed -e "s|\${S3_UPLOADER_ACCESS_KEY}|$S3_UPLOADER_ACCESS_KEY|g" \
    -e "s|\${S3_VERIFIER_ACCESS_KEY}|$S3_VERIFIER_ACCESS_KEY|g" \
    -e "s|\${S3_COORDINATOR_ACCESS_KEY}|$S3_COORDINATOR_ACCESS_KEY|g" \
    "${ARCA_GRANTS:-/arca-grants}/s3/bucket-policy.json" > "${TMPDIR:-/tmp}/policy.json"
# "?policy=" rather than "?policy": curl signs an empty query value that way.
s3_put_as_root "$S3_BUCKET?policy=" "${TMPDIR:-/tmp}/policy.json"
echo "s3-init: done"
