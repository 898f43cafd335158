#!/bin/sh
# Makes, in DIRECTORY, the certificates of a CA that rotates keys, for the rotation tests (issue 13):
#   root-a.pem, root-b.pem     two self-signed roots of "Rotation Test CA"
#   int1.pem int2.pem int3.pem a pool of three intermediates under root A
#   int1-by-b.pem              root B's cross-sign of int1's key
#   leaf.pem                   www.example.com, issued by int1 (leaf.key)
#   rekeyed.pem                www.example.com renewed with a new key (rekeyed.key) by int2
#   backup.key                 a spare key no certificate holds yet
#   root-c.pem, int-c.pem      another CA ("Other Test CA")
#   moved.pem                  www.example.com at the other CA, with the backup key
# Every key is a new EC P-256 key; nothing is kept between runs. Usage: make-rotation-chains.sh DIRECTORY
set -eu
cd "$1"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n%s\n' \
    'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid' >int.ext
printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:www.example.com\nextendedKeyUsage=serverAuth\n' >leaf.ext
root() { # NAME SUBJECT
    key "$1"
    openssl req -new -x509 -key "$1.key" -subj "$2" -days 3650 -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign -out "$1.pem"
}
sign() { # CSR-KEY SUBJECT ISSUER OUT EXTFILE
    openssl req -new -key "$1" -subj "$2" -out "$4.csr"
    openssl x509 -req -in "$4.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -CAserial "$4.srl" \
        -days 1825 -extfile "$5" -out "$4" 2>/dev/null
}
root root-a "/O=Rotation Test CA/CN=Rotation Test Root A"
root root-b "/O=Rotation Test CA/CN=Rotation Test Root B"
for n in 1 2 3; do
    key "int$n"
    sign "int$n.key" "/O=Rotation Test CA/CN=Rotation Test R$n" root-a "int$n.pem" int.ext
done
sign int1.key "/O=Rotation Test CA/CN=Rotation Test R1" root-b int1-by-b.pem int.ext
key leaf
sign leaf.key "/CN=www.example.com" int1 leaf.pem leaf.ext
key rekeyed
sign rekeyed.key "/CN=www.example.com" int2 rekeyed.pem leaf.ext
key backup
root root-c "/O=Other Test CA/CN=Other Test Root"
key int-c
sign int-c.key "/O=Other Test CA/CN=Other Test Issuer" root-c int-c.pem int.ext
sign backup.key "/CN=www.example.com" int-c moved.pem leaf.ext
rm -f ./*.csr ./*.srl ./*.ext
