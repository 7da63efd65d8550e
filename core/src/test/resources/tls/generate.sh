#!/usr/bin/env bash
# Regenerates every test certificate and key in this folder with the local openssl
# (OpenSSL 3.x); nothing is downloaded. Validity is 100 years, except expired.pem.
#
#   ca.pem / ca.key                  "luanio test CA" (the CA the tests trust)
#   int.pem / int.key                an intermediate CA signed by ca
#   server.pem / server.key          localhost, 127.0.0.1, ::1 signed by ca (PKCS#8 RSA key)
#   server-chain.pem / server-int.key  leaf for the same names signed by int, followed by int.pem
#   wrong-host.pem / wrong-host.key  wrong.example only, signed by ca
#   expired.pem / expired.key        localhost/127.0.0.1, signed by ca, valid 2000-2001 only
#   other-ca.pem / other-ca.key      a second CA the tests never trust ("unknown CA")
#   unknown-ca.pem / unknown-ca.key  localhost/127.0.0.1 signed by other-ca
#   sni.pem / sni.key                sni.test, signed by ca (the SNI virtual host)
#   client.pem / client.key          client certificate (RSA, PKCS#8), signed by ca
#   client.pkcs1.key                 the same key as client.key in PKCS#1 (BEGIN RSA PRIVATE KEY)
#   client-ec.pem / client-ec.key    client certificate (EC P-256), key in SEC1 (BEGIN EC PRIVATE KEY)
#   client-ec.pkcs8.key              the same key as client-ec.key in PKCS#8
#   client-ec-params.key             the same key with its "EC PARAMETERS" block first (ecparam -genkey style)
#   ec384.sec1.key / ec384.pkcs8.key a P-384 key in both forms
#   ed25519.key                      an Ed25519 key (PKCS#8)
#   encrypted.pkcs8.key              client.key encrypted (BEGIN ENCRYPTED PRIVATE KEY), password "secret"
#   encrypted.pkcs1.key              client.key encrypted the old way (Proc-Type: 4,ENCRYPTED)
#
# It also copies ca.pem, server.pem and server.key to the benchmarks' resources.
set -euo pipefail
cd "$(dirname "$0")"
DAYS=36500
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ext() { # name, then lines of an extension section
  local name=$1; shift
  printf '%s\n' "$@" > "$work/$name.ext"
}
ext ca   "basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash"
ext leaf "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
         "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
         "authorityKeyIdentifier=keyid" "subjectKeyIdentifier=hash"
ext wrong "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
          "extendedKeyUsage=serverAuth" "subjectAltName=DNS:wrong.example" "authorityKeyIdentifier=keyid"
ext sni  "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
         "extendedKeyUsage=serverAuth" "subjectAltName=DNS:sni.test" "authorityKeyIdentifier=keyid"
ext client "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
           "extendedKeyUsage=clientAuth" "authorityKeyIdentifier=keyid"
ext clientec "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
             "extendedKeyUsage=clientAuth" "authorityKeyIdentifier=keyid"

rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

ca() { # name, subject, [signer]
  rsa "$1.key"
  if [[ $# -eq 2 ]]; then
    openssl req -x509 -new -key "$1.key" -subj "$2" -days $DAYS -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem"
  else
    openssl req -new -key "$1.key" -subj "$2" -out "$work/$1.csr"
    openssl x509 -req -in "$work/$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -CAserial "$work/serial" \
      -days $DAYS -sha256 -extfile "$work/ca.ext" -out "$1.pem"
  fi
}

leaf() { # name, subject, signer, extension, key
  openssl req -new -key "$5" -subj "$2" -out "$work/$1.csr"
  openssl x509 -req -in "$work/$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -CAserial "$work/serial" \
    -days $DAYS -sha256 -extfile "$work/$4.ext" -out "$1.pem"
}

ca ca "/O=luanio tests/CN=luanio test CA"
ca int "/O=luanio tests/CN=luanio test intermediate CA" ca
ca other-ca "/O=somebody else/CN=unknown test CA"

rsa server.key;      leaf server "/CN=localhost" ca leaf server.key
rsa server-int.key;  leaf server-int "/CN=localhost" int leaf server-int.key
cat server-int.pem int.pem > server-chain.pem && rm server-int.pem
rsa wrong-host.key;  leaf wrong-host "/CN=wrong.example" ca wrong wrong-host.key
rsa unknown-ca.key;  leaf unknown-ca "/CN=localhost" other-ca leaf unknown-ca.key
rsa sni.key;         leaf sni "/CN=sni.test" ca sni sni.key
rsa client.key;      leaf client "/O=luanio tests/CN=luanio test client" ca client client.key
openssl rsa -in client.key -traditional -out client.pkcs1.key 2>/dev/null

openssl ecparam -name prime256v1 -genkey -out client-ec-params.key
openssl ec -in client-ec-params.key -out client-ec.key 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in client-ec.key -out client-ec.pkcs8.key
leaf client-ec "/O=luanio tests/CN=luanio test EC client" ca clientec client-ec.key
openssl ecparam -name secp384r1 -genkey -noout -out ec384.sec1.key
openssl pkcs8 -topk8 -nocrypt -in ec384.sec1.key -out ec384.pkcs8.key
openssl genpkey -algorithm ed25519 -out ed25519.key

openssl pkcs8 -topk8 -v2 aes-128-cbc -passout pass:secret -in client.key -out encrypted.pkcs8.key
openssl rsa -in client.key -traditional -aes128 -passout pass:secret -out encrypted.pkcs1.key 2>/dev/null

# An expired certificate: `openssl ca` is the 3.0 tool that takes explicit dates.
rsa expired.key
openssl req -new -key expired.key -subj "/CN=localhost" -out "$work/expired.csr"
mkdir -p "$work/db" && : > "$work/db/index.txt" && echo 1000 > "$work/db/serial"
cat > "$work/ca.cnf" <<EOF
[ca]
default_ca = test
[test]
database = $work/db/index.txt
serial = $work/db/serial
new_certs_dir = $work/db
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
EOF
openssl ca -batch -config "$work/ca.cnf" -cert ca.pem -keyfile ca.key -in "$work/expired.csr" \
  -startdate 20000101000000Z -enddate 20010101000000Z -extensions leaf -notext -out expired.pem 2>/dev/null

rm -f ./*.srl
bench=../../../../../jmh/src/main/resources/io/luanio/jmh/tls
mkdir -p "$bench" && cp ca.pem server.pem server.key "$bench/"
echo "regenerated $(ls ./*.pem ./*.key | wc -l) files"
