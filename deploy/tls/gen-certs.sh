#!/usr/bin/env bash
# A local certificate authority and one server certificate per service, made
# at deploy time (never committed: the output directory is git-ignored).
#
#   deploy/tls/gen-certs.sh OUT_DIR NAME[,SAN...] ...
#
# OUT_DIR/ca/ca.crt        the CA certificate, alone in its directory (mount
#                          it and point SSL_CERT_DIR or sslrootcert at it)
# OUT_DIR/ca.key           the CA's private key (0600; keep it off the hosts)
# OUT_DIR/NAME.crt, .key   a certificate for DNS name NAME and every SAN
#                          (DNS names or IP addresses), for server and
#                          client use (NATS routes verify each other)
#
# Existing files are kept: run it again to add a name, not to rotate. The
# CA lives 10 years, the certificates 825 days. Examples:
#   deploy/tls/gen-certs.sh deploy/compose/secrets/tls nats-1 nats-2 nats-3 postgres versitygw
#   deploy/tls/gen-certs.sh .arca-cluster/tls localhost,127.0.0.1
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,18p' "$0"; exit 2; }
out=$1; shift
mkdir -p "$out/ca"
umask 077
if [ ! -f "$out/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=Arca local CA" -keyout "$out/ca.key" -out "$out/ca/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  chmod 644 "$out/ca/ca.crt"
  echo "gen-certs: CA $out/ca/ca.crt"
fi
for spec in "$@"; do
  IFS=, read -r -a names <<<"$spec"
  name=${names[0]}
  [ -f "$out/$name.crt" ] && continue
  san=""
  for n in "${names[@]}"; do
    if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then san+="IP:$n,"; else san+="DNS:$n,"; fi
  done
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$out/$name.key" -out "$out/$name.csr" 2>/dev/null
  openssl x509 -req -in "$out/$name.csr" -CA "$out/ca/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
    -days 825 -out "$out/$name.crt" \
    -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "${san%,}") 2>/dev/null
  rm -f "$out/$name.csr"
  chmod 644 "$out/$name.crt"
  # Keys readable by the services' users in the containers (postgres copies
  # its key to a 0600 file it owns at start); the directory stays private.
  chmod 644 "$out/$name.key"
  echo "gen-certs: $out/$name.crt (${san%,})"
done
chmod 755 "$out" "$out/ca"
