#!/bin/sh
# Certificates for the preload tests (PreloadLiveTests), made with the openssl command line in DIR: a
# root; an intermediate signed with SHA-256 and one signed with SHA-1 (openssl x509 -sha1); under each a
# leaf (SHA-256) for the NAMES given, served with its intermediate (chain-sha256.pem, chain-sha1.pem).
# Usage: preload-certs.sh DIR NAME...
set -eu
dir=$1
shift
cd "$dir"
san=$(printf 'DNS:%s,' "$@")
san=${san%,}
quiet() { "$@" >/dev/null 2>&1 || { "$@"; exit 1; }; }
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >ca.ext
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$san" >leaf.ext
quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 30 -sha256 \
	-subj "/CN=Preload Test Root" -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign
for digest in sha256 sha1; do
	quiet openssl req -newkey rsa:2048 -nodes -keyout "int-$digest.key" -out "int-$digest.csr" \
		-subj "/CN=Preload Test Intermediate $digest"
	quiet openssl x509 -req -in "int-$digest.csr" -CA root.pem -CAkey root.key -set_serial "0x$(openssl rand -hex 8)" \
		-out "int-$digest.pem" -days 30 "-$digest" -extfile ca.ext
	quiet openssl req -newkey rsa:2048 -nodes -keyout "leaf-$digest.key" -out "leaf-$digest.csr" -subj "/CN=$1"
	quiet openssl x509 -req -in "leaf-$digest.csr" -CA "int-$digest.pem" -CAkey "int-$digest.key" \
		-set_serial "0x$(openssl rand -hex 8)" -out "leaf-$digest.pem" -days 30 -sha256 -extfile leaf.ext
	cat "leaf-$digest.pem" "int-$digest.pem" >"chain-$digest.pem"
done
rm -f ./*.csr
chmod 0644 ./*
