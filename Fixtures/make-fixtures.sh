#!/usr/bin/env bash
# make-fixtures.sh - regenerate the pinhash test fixtures.
#
# Every key, CSR, certificate and PKCS#12 file is made with the openssl CLI
# (written against OpenSSL 3.0.x on Debian 12), and every expected pin in
# manifest.tsv is computed by openssl - never by pinhash.  Keys are random, so
# pins change from run to run; the file list, formats and manifest layout do
# not.  Output directories are deleted and recreated on every run.
#
# Usage:  bash Fixtures/make-fixtures.sh        (from any directory)
#         OPENSSL=/path/to/openssl bash Fixtures/make-fixtures.sh
set -Eeuo pipefail
shopt -s inherit_errexit
export LC_ALL=C

FIX=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OPENSSL_BIN=${OPENSSL:-/usr/bin/openssl}
PASSPHRASE='pinhash fixture passphrase'
PASS_FILE=$FIX/passphrase.txt
DAYS=36500 # ~100 years, so the "valid" certificates do not rot
OUT_DIRS=(keys public csr certs p12 malformed roles)
# sha256 of zero bytes: what "openssl rsa -pubin ... | sha256" yields when
# openssl rsa refuses a non-RSA key and writes nothing.
EMPTY_INPUT_PIN=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pinhash-fixtures.XXXXXX")
LOG=$WORK/openssl.log      # all openssl stderr; shown only on failure
ROWS=$WORK/manifest.rows   # manifest.tsv data lines
NOTES=$WORK/manifest.notes # manifest.tsv comment lines
BAD=$WORK/malformed.rows   # malformed.tsv data lines
CNF=$WORK/openssl.cnf      # our own config: system defaults must not leak in

on_exit() {
	local rc=$?
	if ((rc != 0)); then
		echo "make-fixtures: FAILED (exit $rc). Last openssl messages:" >&2
		tail -n 20 "$LOG" >&2 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap on_exit EXIT

die() {
	echo "make-fixtures: $*" >&2
	exit 1
}

# Progress dots, "writing RSA key" etc. go to the log, not the terminal.
openssl() { command "$OPENSSL_BIN" "$@" 2>>"$LOG"; }

# ---------------------------------------------------------------------------
# Small byte / PEM / DER helpers
# ---------------------------------------------------------------------------

pin_stdin() { openssl dgst -sha256 -binary | openssl enc -base64 -A; }
pin_file() { pin_stdin <"$1"; }

# bytes FILE OFFSET LENGTH: an exact byte range of FILE.
bytes() { dd if="$1" bs=4096 iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none; }

# contains PATTERN: like grep -q, but reads all of stdin (grep -q closes the
# pipe early, and under pipefail the writer's SIGPIPE fails the pipeline).
contains() { grep -c -e "$1" >/dev/null; }

# hex FILE: the whole file as one lowercase hex string.
hex() { od -An -tx1 -v "$1" | tr -d ' \n'; }

byte_at() { od -An -tx1 -j "$2" -N1 "$1" | tr -d ' \n'; }

# patch_byte FILE OFFSET HEX: overwrite one byte in place.
# shellcheck disable=SC2059 # the format string is the escaped byte
patch_byte() { printf "\\x$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

# pem_body FILE N: base64 body of the N-th PEM block (any label), with CRs
# and RFC 1421 headers removed.  Decoding it gives the bytes as stored.
pem_body() {
	awk -v n="$2" '
		{ sub(/\r$/, "") }
		/^-----BEGIN / { inblk = (++i == n); next }
		/^-----END /   { inblk = 0; next }
		inblk && NF && !/:/ { print }' "$1"
}
pem_der() { pem_body "$1" "$2" | openssl base64 -d; }
pem_count() { grep -c '^-----BEGIN ' "$1" || true; }
pem_labels() { sed -n 's/\r$//; s/^-----BEGIN \(.*\)-----$/\1/p' "$1" | paste -sd, -; }
pem_wrap() {
	echo "-----BEGIN $1-----"
	openssl base64 -e
	echo "-----END $1-----"
}

expect_labels() { # expect_labels FILE "LABEL1,LABEL2"
	local got
	got=$(pem_labels "$1")
	[[ $got == "$2" ]] || die "$1: PEM labels are '$got', expected '$2'"
}

# awk function turning an `openssl asn1parse` line into "offset total_len rest".
AWK_TLV='function tlv(line,   off, hl, l, kind) {
	off = line; sub(/:.*/, "", off); gsub(/ /, "", off)
	match(line, /hl= *[0-9]+/); hl = substr(line, RSTART + 3, RLENGTH - 3)
	match(line, / l= *[0-9]+/); l = substr(line, RSTART + 3, RLENGTH - 3)
	kind = line; sub(/.*(prim|cons): */, "", kind); sub(/ +$/, "", kind)
	return sprintf("%d %d %s", off, hl + l, kind)
}'

# first_tlv IN OUT: keep only the first DER element of IN (drops e.g. the
# trust data that follows the certificate in a TRUSTED CERTIFICATE block).
first_tlv() {
	local off len kind
	read -r off len kind <<<"$(openssl asn1parse -inform der -in "$1" | awk "$AWK_TLV"' NR == 1 { print tlv($0) }')"
	bytes "$1" 0 "$len" >"$2"
}

# tbs_children DER: "offset total_len kind" for each element of the first
# inner SEQUENCE (tbsCertificate / certificationRequestInfo).
tbs_children() {
	openssl asn1parse -inform der -in "$1" | awk "$AWK_TLV"'
		/:d=1 / { d1++; next }
		d1 == 1 && /:d=2 / { print tlv($0) }'
}

# stored_spki DER cert|csr OUT: cut the SubjectPublicKeyInfo out of a
# certificate or CSR exactly as stored - no decode/re-encode round trip.
stored_spki() {
	local der=$1 type=$2 out=$3 children n off len kind
	children=$(tbs_children "$der")
	case $type in
	csr) n=3 ;; # version, subject, SPKI
	cert)
		# version [0], serial, signature, issuer, validity, subject, SPKI;
		# a v1 certificate omits the [0] version.
		if [[ $(awk 'NR == 1' <<<"$children") == *"cont [ 0 ]"* ]]; then n=7; else n=6; fi
		;;
	esac
	read -r off len kind <<<"$(awk -v n="$n" 'NR == n' <<<"$children")"
	[[ $kind == SEQUENCE ]] || die "$der: element $n of the $type body is '$kind', not the SPKI SEQUENCE"
	bytes "$der" "$off" "$len" >"$out"
}

# ---------------------------------------------------------------------------
# Describing an SPKI (all values come from openssl)
# ---------------------------------------------------------------------------

spki_alg() {
	local oid
	oid=$(openssl asn1parse -inform der -in "$1" | awk -F: '/OBJECT/ && !done { print $NF; done = 1 }')
	oid=${oid%% *}
	case $oid in
	rsaEncryption) echo RSA ;;
	rsassaPss) echo RSA-PSS ;;
	id-ecPublicKey) echo EC ;;
	ED25519) echo Ed25519 ;;
	ED448) echo Ed448 ;;
	X25519) echo X25519 ;;
	X448) echo X448 ;;
	dsaEncryption) echo DSA ;;
	*) die "$1: unexpected key algorithm OID '$oid'" ;;
	esac
}

# Key size as the first line of `openssl pkey -pubin -noout -text` says;
# the EdDSA/ECX lines carry no size, so use the key lengths in bits.
spki_bits() {
	local first
	first=$(openssl pkey -pubin -inform der -in "$1" -noout -text | awk 'NR == 1')
	case $first in
	*" bit)"*)
		first=${first##*(}
		echo "${first%% bit)*}"
		;;
	"ED25519 Public-Key:") echo 256 ;;
	"X25519 Public-Key:") echo 253 ;;
	"ED448 Public-Key:") echo 456 ;;
	"X448 Public-Key:") echo 448 ;;
	*) die "$1: cannot read the key size from '$first'" ;;
	esac
}

# describe_spki DER: sets S_PIN, S_ALG, S_BITS.
describe_spki() {
	S_PIN=$(pin_file "$1")
	S_ALG=$(spki_alg "$1")
	S_BITS=$(spki_bits "$1")
}

# expect_ec SPKI_DER compressed|uncompressed named|explicit WHAT: make sure an
# EC point/parameter encoding really is what the fixture name promises.
expect_ec() {
	local text point params
	text=$(openssl pkey -pubin -inform der -in "$1" -noout -text)
	point=$(awk '/^pub:/ { getline; gsub(/ /, ""); print substr($0, 1, 2) }' <<<"$text")
	case $point in
	02 | 03) point=compressed ;;
	04) point=uncompressed ;;
	*) die "$4: cannot tell the EC point form ('$point')" ;;
	esac
	if grep -q 'Field Type' <<<"$text"; then params=explicit; else params=named; fi
	[[ "$point $params" == "$2 $3" ]] || die "$4: EC key is '$point $params', expected '$2 $3'"
}

# ---------------------------------------------------------------------------
# Manifest bookkeeping
# ---------------------------------------------------------------------------

declare -A PIN # relative path -> pin (position 1), for cross-checks

# row FILE KIND FORMAT ENCRYPTED POSITION PIN ALGORITHM BITS ROLE SUBJECT
row() {
	(($# == 10)) || die "row: expected 10 fields, got $#: $*"
	[[ -e $FIX/$1 ]] || die "row: $1 does not exist"
	[[ "$*" != *$'\t'* && "$*" != *$'\n'* ]] || die "row: tab or newline inside a field: $*"
	local IFS=$'\t'
	printf '%s\n' "$*" >>"$ROWS"
}
note() { printf '# %s\n' "$*" >>"$NOTES"; }

same_pin() { # same_pin A B: A's pin must equal B's pin
	[[ ${PIN[$1]} == "${PIN[$2]}" ]] || die "pin of $1 (${PIN[$1]}) != pin of $2 (${PIN[$2]})"
}

# add_key REL FORMAT ENCRYPTED: the pin of a private key is the SPKI that
# `openssl pkey -pubout` derives.  RSA keys are cross-checked against the
# classic `openssl rsa -pubout` pipeline; encrypted ones must refuse a wrong
# passphrase.
add_key() {
	local rel=$1 fmt=$2 enc=$3 spki=$WORK/key-spki.der rsa_pin
	openssl pkey -inform "$fmt" -in "$FIX/$rel" -passin "file:$PASS_FILE" -pubout -outform der >"$spki"
	describe_spki "$spki"
	if [[ $S_ALG == RSA || $S_ALG == RSA-PSS ]]; then
		rsa_pin=$(openssl rsa -inform "$fmt" -in "$FIX/$rel" -passin "file:$PASS_FILE" -pubout -outform der | pin_stdin)
		[[ $rsa_pin == "$S_PIN" ]] || die "$rel: openssl rsa pipeline gives $rsa_pin, openssl pkey gives $S_PIN"
	fi
	if [[ $enc == yes ]] && openssl pkey -inform "$fmt" -in "$FIX/$rel" -passin pass:wrong -noout; then
		die "$rel: loads with a wrong passphrase - not encrypted?"
	fi
	PIN[$rel]=$S_PIN
	row "$rel" key "$fmt" "$enc" 1 "$S_PIN" "$S_ALG" "$S_BITS" - -
}

# add_pubkey REL FORMAT: SPKI file; pin of the bytes as stored, compared with
# openssl's re-encoding.
add_pubkey() {
	local rel=$1 fmt=$2 raw=$WORK/pub-raw.der reenc=$WORK/pub-reenc.der
	openssl pkey -pubin -inform "$fmt" -in "$FIX/$rel" -outform der >"$reenc"
	if [[ $fmt == der ]]; then cp "$FIX/$rel" "$raw"; else pem_der "$FIX/$rel" 1 >"$raw"; fi
	if ! cmp -s "$raw" "$reenc"; then
		note "stored bytes differ from 'openssl pkey -pubin -outform der' for $rel: stored $(pin_file "$raw"), re-encoded $(pin_file "$reenc"); the manifest uses the stored-bytes pin"
	fi
	describe_spki "$raw"
	PIN[$rel]=$S_PIN
	row "$rel" pubkey "$fmt" no 1 "$S_PIN" "$S_ALG" "$S_BITS" - -
}

# add_rsa_pubkey REL FORMAT: PKCS#1 RSAPublicKey; its pin is that of the
# equivalent SPKI (two openssl routes must agree).
add_rsa_pubkey() {
	local rel=$1 fmt=$2 spki=$WORK/pkcs1-spki.der other
	openssl rsa -RSAPublicKey_in -inform "$fmt" -in "$FIX/$rel" -pubout -outform der >"$spki"
	other=$(openssl pkey -pubin -inform "$fmt" -in "$FIX/$rel" -outform der | pin_stdin)
	describe_spki "$spki"
	[[ $other == "$S_PIN" ]] || die "$rel: openssl rsa ($S_PIN) and openssl pkey ($other) disagree"
	PIN[$rel]=$S_PIN
	row "$rel" pubkey "$fmt" no 1 "$S_PIN" "$S_ALG" "$S_BITS" - -
}

# add_csr REL FORMAT: pin of the SPKI as stored in the CSR, cross-checked
# with `openssl req -pubkey | openssl pkey -pubin`.
add_csr() {
	local rel=$1 fmt=$2 der=$WORK/csr.der spki=$WORK/csr-spki.der naive subject
	if [[ $fmt == der ]]; then cp "$FIX/$rel" "$der"; else pem_der "$FIX/$rel" 1 >"$der"; fi
	openssl req -inform der -in "$der" -noout -verify || die "$rel: CSR signature does not verify"
	stored_spki "$der" csr "$spki"
	describe_spki "$spki"
	naive=$(openssl req -inform "$fmt" -in "$FIX/$rel" -pubkey -noout | openssl pkey -pubin -outform der | pin_stdin)
	if [[ $naive != "$S_PIN" ]]; then
		note "re-encoded SPKI differs for $rel: stored-bytes pin $S_PIN, 'openssl req -pubkey | openssl pkey -pubin' pin $naive; the manifest uses the stored-bytes pin"
	fi
	subject=$(openssl req -inform der -in "$der" -noout -subject -nameopt RFC2253,-esc_msb)
	PIN[$rel]=$S_PIN
	row "$rel" csr "$fmt" no 1 "$S_PIN" "$S_ALG" "$S_BITS" - "${subject#subject=}"
}

# set_context PEM-OR-DER-FILE...: the certificates of the input being listed,
# one DER file each under $WORK/context, for cert_role's links.
set_context() {
	local f i n k=0
	rm -rf "$WORK/context" && mkdir -p "$WORK/context"
	for f in "$@"; do
		if grep -q "^-----BEGIN " "$f"; then
			n=$(pem_count "$f")
			for ((i = 1; i <= n; i++)); do
				pem_der "$f" "$i" >"$WORK/context/raw.der"
				first_tlv "$WORK/context/raw.der" "$WORK/context/$((++k)).der"
			done
		else
			cp "$f" "$WORK/context/$((++k)).der"
		fi
	done
	rm -f "$WORK/context/raw.der"
}

# cert_role DER: the role pinhash must give this certificate among those of
# set_context, from openssl's view of it (README "Output"; CertificateRole):
#   not self-issued: intermediate if CA:TRUE, else leaf;
#   self-issued with CA:FALSE: self-signed;
#   self-issued CA (CA:TRUE, or no basicConstraints as in version 1):
#     root if keyUsage has Certificate Sign and subjectAltName no DNS/IP name,
#     root if 'openssl verify' proves it issued another certificate of the input,
#     root if 'openssl verify' trusts it with the system store alone,
#     self-signed otherwise.
# Sets S_ROLE and S_EVIDENCE.
cert_role() {
	local der=$1 text subject issuer ski aki other
	text=$(openssl x509 -inform der -in "$der" -noout -text)
	subject=$(openssl x509 -inform der -in "$der" -noout -subject -nameopt RFC2253,-esc_msb)
	issuer=$(openssl x509 -inform der -in "$der" -noout -issuer -nameopt RFC2253,-esc_msb)
	ski=$(awk '/Subject Key Identifier/ { getline; gsub(/ /, ""); print }' <<<"$text")
	aki=$(awk '/Authority Key Identifier/ { getline; gsub(/ |keyid:/, ""); print }' <<<"$text")
	S_EVIDENCE=
	if [[ ${subject#subject=} != "${issuer#issuer=}" ]] || [[ -n $ski && -n $aki && $ski != "$aki" ]]; then
		if grep -q 'CA:TRUE' <<<"$text"; then S_ROLE=intermediate; else S_ROLE=leaf; fi
		return
	fi
	if grep -q 'CA:FALSE' <<<"$text"; then
		S_ROLE=self-signed S_EVIDENCE="self-issued with CA:FALSE"
		return
	fi
	if grep -q 'CA:TRUE' <<<"$text" && grep -q 'Certificate Sign' <<<"$text" &&
		! grep -A1 'Subject Alternative Name' <<<"$text" | grep -qE 'DNS:|IP Address:'; then
		S_ROLE=root S_EVIDENCE="self-issued CA with keyCertSign and no DNS or IP subjectAltName"
		return
	fi
	for other in "$WORK"/context/*.der; do
		cmp -s "$other" "$der" && continue
		if openssl verify -no-CApath -no-CAstore -CAfile <(openssl x509 -inform der -in "$der") \
			<(openssl x509 -inform der -in "$other") >/dev/null; then
			S_ROLE=root S_EVIDENCE="'openssl verify -CAfile' it verifies another certificate of the file"
			return
		fi
	done
	if openssl verify <(openssl x509 -inform der -in "$der") >/dev/null; then
		S_ROLE=root S_EVIDENCE="'openssl verify' trusts it with the system store"
		return
	fi
	S_ROLE=self-signed
	S_EVIDENCE="self-issued, issued nothing in the file ('openssl verify -CAfile' it fails for every other certificate), not in the system store ('openssl verify' fails), no keyCertSign or a DNS/IP subjectAltName"
}

# cert_row REL KIND FORMAT ENCRYPTED POSITION DER: one manifest row for the
# certificate whose exact bytes are in DER, among the certificates of
# set_context.  Sets S_PIN and S_ROLE.
cert_row() {
	local rel=$1 kind=$2 fmt=$3 enc=$4 pos=$5 der=$6 spki=$WORK/cert-spki.der
	local subject
	stored_spki "$der" cert "$spki"
	describe_spki "$spki"
	subject=$(openssl x509 -inform der -in "$der" -noout -subject -nameopt RFC2253,-esc_msb)
	subject=${subject#subject=}
	cert_role "$der"
	if [[ $rel == roles/* && -n $S_EVIDENCE ]]; then note "$rel #$pos: $S_ROLE: $S_EVIDENCE"; fi
	((pos == 1)) && PIN[$rel]=$S_PIN
	row "$rel" "$kind" "$fmt" "$enc" "$pos" "$S_PIN" "$S_ALG" "$S_BITS" "$S_ROLE" "$subject"
}

# add_certs_pem REL: every PEM block of a certificate file/bundle, in order.
add_certs_pem() {
	local rel=$1 n i raw=$WORK/block.der der=$WORK/block-cert.der
	n=$(pem_count "$FIX/$rel")
	((n > 0)) || die "$rel: no PEM blocks"
	set_context "$FIX/$rel"
	for ((i = 1; i <= n; i++)); do
		pem_der "$FIX/$rel" "$i" >"$raw"
		first_tlv "$raw" "$der"
		cert_row "$rel" cert pem no "$i" "$der"
	done
}

add_cert_der() {
	set_context "$FIX/$1"
	cert_row "$1" cert der no 1 "$FIX/$1"
}

# check_pipelines REL: compare the stored-bytes pin of a single-certificate
# PEM file with the two shell pipelines people commonly use.
check_pipelines() {
	local rel=$1 naive classic
	naive=$(openssl x509 -in "$FIX/$rel" -pubkey -noout | openssl pkey -pubin -outform der | pin_stdin)
	# openssl rsa fails on non-RSA keys; the pipeline then hashes nothing.
	classic=$(openssl x509 -in "$FIX/$rel" -pubkey -noout | { openssl rsa -pubin -outform der || true; } | pin_stdin)
	if [[ $naive != "${PIN[$rel]}" ]]; then
		note "naive pipeline differs for $rel: stored-bytes pin ${PIN[$rel]}, 'openssl x509 -pubkey | openssl pkey -pubin -outform der' pin $naive"
	fi
	if [[ $classic == "$EMPTY_INPUT_PIN" ]]; then
		note "classic pipeline differs for $rel: 'openssl x509 -pubkey | openssl rsa -pubin -outform der' rejects this ${S_ALG:-non-RSA} key and hashes empty input ($EMPTY_INPUT_PIN)"
	elif [[ $classic != "${PIN[$rel]}" ]]; then
		note "classic pipeline differs for $rel: stored-bytes pin ${PIN[$rel]}, 'openssl x509 -pubkey | openssl rsa -pubin -outform der' pin $classic"
	fi
}

# ---------------------------------------------------------------------------
# Setup
# ---------------------------------------------------------------------------

setup() {
	local d
	for d in "${OUT_DIRS[@]}"; do
		rm -rf "${FIX:?}/$d"
		mkdir -p "$FIX/$d"
	done
	printf '%s' "$PASSPHRASE" >"$PASS_FILE"
	setup_config
}

# setup_config: the work files and openssl config every part needs.
setup_config() {
	[[ -x $OPENSSL_BIN ]] || die "no openssl at $OPENSSL_BIN"
	case $("$OPENSSL_BIN" version) in
	"OpenSSL 3."*) ;;
	*) die "OpenSSL 3.x required, found: $("$OPENSSL_BIN" version)" ;;
	esac
	: >"$ROWS" && : >"$NOTES" && : >"$BAD" && : >"$LOG"
	mkdir -p "$WORK/ca"
	: >"$WORK/ca/index.txt"
	echo 1000 >"$WORK/ca/serial"
	echo 1000 >"$WORK/ca/crlnumber"
	cat >"$CNF" <<EOF
# Minimal config (used via -config/-extfile) so that the system openssl.cnf
# cannot add extensions or change string types behind our back.
[ req ]
distinguished_name = req_dn
string_mask = utf8only

[ req_dn ]

[ root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

# What 'openssl req -x509' adds with Debian's /etc/ssl/openssl.cnf (its
# v3_ca section): CA:TRUE, and no keyUsage.
[ req_x509_default ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always, issuer
basicConstraints = critical, CA:true

[ int_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# "openssl ca" with the intermediate as issuer: expired leaf and the CRL.
[ ca ]
default_ca = int_ca

[ int_ca ]
database = $WORK/ca/index.txt
serial = $WORK/ca/serial
crlnumber = $WORK/ca/crlnumber
new_certs_dir = $WORK/ca
certificate = $FIX/certs/intermediate.pem
private_key = $FIX/certs/intermediate.key
default_md = sha384
default_crl_days = $DAYS
policy = policy_any
preserve = yes
unique_subject = no
email_in_dn = no
copy_extensions = none

[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied
EOF
}

# leaf_extfile DNS-NAME...: extension file for a TLS server leaf.
leaf_extfile() {
	local san
	san=$(printf 'DNS:%s,' "$@")
	cat >"$WORK/leaf.ext" <<EOF
[ leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = ${san%,}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
	echo "$WORK/leaf.ext"
}

# genkey OUT ALGORITHM [PKEYOPT...]: a fresh PKCS#8 PEM private key.
genkey() {
	local out=$1 alg=$2 o opts=()
	shift 2
	for o in "$@"; do opts+=(-pkeyopt "$o"); done
	openssl genpkey -algorithm "$alg" "${opts[@]}" -out "$out"
	expect_labels "$out" "PRIVATE KEY"
}

encrypt_pkcs8() { # encrypt_pkcs8 IN OUT pem|der
	openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$1" -passout "file:$PASS_FILE" -outform "$3" -out "$2"
}

# ---------------------------------------------------------------------------
# Private keys
# ---------------------------------------------------------------------------

make_rsa_keys() {
	local k=$FIX/keys bits
	for bits in 1024 2048 3072 4096; do
		genkey "$k/rsa$bits.pkcs8.pem" RSA "rsa_keygen_bits:$bits"
		add_key "keys/rsa$bits.pkcs8.pem" pem no
	done

	# The same RSA-2048 key in every container openssl can write.
	openssl rsa -in "$k/rsa2048.pkcs8.pem" -traditional -out "$k/rsa2048.pkcs1.pem"
	expect_labels "$k/rsa2048.pkcs1.pem" "RSA PRIVATE KEY"
	# (not "pkey -outform der": for RSA that writes PKCS#1 in OpenSSL 3.0)
	openssl pkcs8 -topk8 -nocrypt -in "$k/rsa2048.pkcs8.pem" -outform der -out "$k/rsa2048.pkcs8.der"
	openssl rsa -in "$k/rsa2048.pkcs8.pem" -traditional -outform der -out "$k/rsa2048.pkcs1.der"
	# PKCS#8 carries the rsaEncryption OID, bare PKCS#1 has no OID at all.
	openssl asn1parse -inform der -in "$k/rsa2048.pkcs8.der" | contains ':rsaEncryption' || die "rsa2048.pkcs8.der is not PKCS#8"
	! openssl asn1parse -inform der -in "$k/rsa2048.pkcs1.der" | contains OBJECT || die "rsa2048.pkcs1.der is not PKCS#1"
	encrypt_pkcs8 "$k/rsa2048.pkcs8.pem" "$k/rsa2048.pkcs8.enc.pem" pem
	expect_labels "$k/rsa2048.pkcs8.enc.pem" "ENCRYPTED PRIVATE KEY"
	encrypt_pkcs8 "$k/rsa2048.pkcs8.pem" "$k/rsa2048.pkcs8.enc.der" der
	openssl asn1parse -inform der -in "$k/rsa2048.pkcs8.enc.der" | contains ':PBES2' || die "rsa2048.pkcs8.enc.der is not PBES2"
	openssl rsa -in "$k/rsa2048.pkcs8.pem" -aes256 -traditional -passout "file:$PASS_FILE" -out "$k/rsa2048.pkcs1.enc.pem"
	grep -q '^Proc-Type: 4,ENCRYPTED' "$k/rsa2048.pkcs1.enc.pem" || die "rsa2048.pkcs1.enc.pem has no Proc-Type header"
	sed 's/$/\r/' "$k/rsa2048.pkcs8.pem" >"$k/rsa2048.pkcs8.crlf.pem"

	add_key keys/rsa2048.pkcs1.pem pem no
	add_key keys/rsa2048.pkcs8.der der no
	add_key keys/rsa2048.pkcs1.der der no
	add_key keys/rsa2048.pkcs8.enc.pem pem yes
	add_key keys/rsa2048.pkcs8.enc.der der yes
	add_key keys/rsa2048.pkcs1.enc.pem pem yes
	add_key keys/rsa2048.pkcs8.crlf.pem pem no
	local v
	for v in pkcs1.pem pkcs8.der pkcs1.der pkcs8.enc.pem pkcs8.enc.der pkcs1.enc.pem pkcs8.crlf.pem; do
		same_pin "keys/rsa2048.$v" keys/rsa2048.pkcs8.pem
	done

	genkey "$k/rsa-pss.pkcs8.pem" RSA-PSS rsa_keygen_bits:2048
	genkey "$k/rsa-pss-params.pkcs8.pem" RSA-PSS rsa_keygen_bits:2048 \
		rsa_pss_keygen_md:sha256 rsa_pss_keygen_mgf1_md:sha256 rsa_pss_keygen_saltlen:32
	add_key keys/rsa-pss.pkcs8.pem pem no
	add_key keys/rsa-pss-params.pkcs8.pem pem no
	# The restricted key's SPKI must carry RSASSA-PSS-params, the plain one none.
	openssl pkey -in "$k/rsa-pss-params.pkcs8.pem" -pubout -outform der |
		openssl asn1parse -inform der | contains ':mgf1' || die "rsa-pss-params: no PSS parameters in the SPKI"
	! openssl pkey -in "$k/rsa-pss.pkcs8.pem" -pubout -outform der |
		openssl asn1parse -inform der | contains ':mgf1' || die "rsa-pss: unexpected PSS parameters"
}

make_ec_keys() {
	local k=$FIX/keys spki=$WORK/ec-spki.der entry name curve
	for entry in p256:prime256v1 p384:secp384r1 p521:secp521r1 secp256k1:secp256k1 \
		brainpoolP256r1:brainpoolP256r1 brainpoolP384r1:brainpoolP384r1 brainpoolP512r1:brainpoolP512r1; do
		name=${entry%%:*} curve=${entry#*:}
		genkey "$k/ec-$name.pkcs8.pem" EC "ec_paramgen_curve:$curve" ec_param_enc:named_curve
		add_key "keys/ec-$name.pkcs8.pem" pem no
	done

	# The same P-256 key as SEC1 ("EC PRIVATE KEY") in various shapes.
	openssl ec -in "$k/ec-p256.pkcs8.pem" -out "$k/ec-p256.sec1.pem"
	expect_labels "$k/ec-p256.sec1.pem" "EC PRIVATE KEY"
	# What `openssl ecparam -genkey -name prime256v1` writes (EC PARAMETERS
	# block, then the key) - built from our key so it shares its pin.
	{ openssl ecparam -name prime256v1 && cat "$k/ec-p256.sec1.pem"; } >"$k/ec-p256.sec1-with-params.pem"
	expect_labels "$k/ec-p256.sec1-with-params.pem" "EC PARAMETERS,EC PRIVATE KEY"
	openssl ec -in "$k/ec-p256.pkcs8.pem" -outform der -out "$k/ec-p256.sec1.der"
	# SEC1 ECPrivateKey starts with version 1, PKCS#8 with version 0.
	[[ $(openssl asn1parse -inform der -in "$k/ec-p256.sec1.der" | awk 'NR == 2') == *"INTEGER"*":01" ]] ||
		die "ec-p256.sec1.der is not SEC1"
	encrypt_pkcs8 "$k/ec-p256.pkcs8.pem" "$k/ec-p256.pkcs8.enc.pem" pem
	openssl ec -in "$k/ec-p256.pkcs8.pem" -aes256 -passout "file:$PASS_FILE" -out "$k/ec-p256.sec1.enc.pem"
	grep -q '^Proc-Type: 4,ENCRYPTED' "$k/ec-p256.sec1.enc.pem" || die "ec-p256.sec1.enc.pem has no Proc-Type header"
	openssl ec -in "$k/ec-p256.pkcs8.pem" -conv_form compressed -out "$k/ec-p256-compressed.sec1.pem"
	openssl ec -in "$k/ec-p256.pkcs8.pem" -param_enc explicit -out "$k/ec-p256-explicit.sec1.pem"
	openssl ec -in "$k/ec-p384.pkcs8.pem" -conv_form compressed -param_enc explicit \
		-out "$k/ec-p384-compressed-explicit.sec1.pem"

	add_key keys/ec-p256.sec1.pem pem no
	add_key keys/ec-p256.sec1-with-params.pem pem no
	add_key keys/ec-p256.sec1.der der no
	add_key keys/ec-p256.pkcs8.enc.pem pem yes
	add_key keys/ec-p256.sec1.enc.pem pem yes
	local v
	for v in sec1.pem sec1-with-params.pem sec1.der pkcs8.enc.pem sec1.enc.pem; do
		same_pin "keys/ec-p256.$v" keys/ec-p256.pkcs8.pem
	done
	add_key keys/ec-p256-compressed.sec1.pem pem no
	add_key keys/ec-p256-explicit.sec1.pem pem no
	add_key keys/ec-p384-compressed-explicit.sec1.pem pem no

	# openssl keeps the point form / parameter encoding of a SEC1 key when
	# deriving its public key, so these pins differ from the plain P-256 one.
	for entry in ec-p256.pkcs8:uncompressed:named ec-p256-compressed.sec1:compressed:named \
		ec-p256-explicit.sec1:uncompressed:explicit ec-p384-compressed-explicit.sec1:compressed:explicit; do
		IFS=: read -r name v curve <<<"$entry"
		openssl pkey -in "$k/$name.pem" -pubout -outform der >"$spki"
		expect_ec "$spki" "$v" "$curve" "keys/$name.pem"
	done
}

make_other_keys() {
	local k=$FIX/keys alg
	for alg in ED25519 ED448 X25519 X448; do
		genkey "$k/${alg,,}.pkcs8.pem" "$alg"
	done
	openssl pkcs8 -topk8 -nocrypt -in "$k/ed25519.pkcs8.pem" -outform der -out "$k/ed25519.pkcs8.der"
	encrypt_pkcs8 "$k/ed25519.pkcs8.pem" "$k/ed25519.pkcs8.enc.pem" pem
	for alg in ed25519 ed448 x25519 x448; do add_key "keys/$alg.pkcs8.pem" pem no; done
	add_key keys/ed25519.pkcs8.der der no
	add_key keys/ed25519.pkcs8.enc.pem pem yes
	same_pin keys/ed25519.pkcs8.der keys/ed25519.pkcs8.pem
	same_pin keys/ed25519.pkcs8.enc.pem keys/ed25519.pkcs8.pem

	openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out "$WORK/dsa.params"
	openssl genpkey -paramfile "$WORK/dsa.params" -out "$k/dsa2048.pkcs8.pem"
	expect_labels "$k/dsa2048.pkcs8.pem" "PRIVATE KEY"
	openssl pkey -in "$k/dsa2048.pkcs8.pem" -traditional -out "$k/dsa2048.traditional.pem"
	expect_labels "$k/dsa2048.traditional.pem" "DSA PRIVATE KEY"
	add_key keys/dsa2048.pkcs8.pem pem no
	add_key keys/dsa2048.traditional.pem pem no
	same_pin keys/dsa2048.traditional.pem keys/dsa2048.pkcs8.pem
}

# ---------------------------------------------------------------------------
# Public keys
# ---------------------------------------------------------------------------

make_public_keys() {
	local p=$FIX/public entry name key fmt
	for entry in rsa2048:rsa2048.pkcs8 rsa-pss-params:rsa-pss-params.pkcs8 ec-p256:ec-p256.pkcs8 \
		ec-p256-compressed:ec-p256-compressed.sec1 ec-p256-explicit:ec-p256-explicit.sec1 \
		ed25519:ed25519.pkcs8 x448:x448.pkcs8 dsa2048:dsa2048.pkcs8; do
		name=${entry%%:*} key=keys/${entry#*:}.pem
		for fmt in pem der; do
			openssl pkey -in "$FIX/$key" -pubout -outform "$fmt" -out "$p/$name.spki.$fmt"
			add_pubkey "public/$name.spki.$fmt" "$fmt"
			same_pin "public/$name.spki.$fmt" "$key"
		done
	done
	expect_labels "$p/rsa2048.spki.pem" "PUBLIC KEY"
	expect_ec "$p/ec-p256-compressed.spki.der" compressed named public/ec-p256-compressed.spki.der
	expect_ec "$p/ec-p256-explicit.spki.der" uncompressed explicit public/ec-p256-explicit.spki.der

	for fmt in pem der; do
		openssl rsa -in "$FIX/keys/rsa2048.pkcs8.pem" -RSAPublicKey_out -outform "$fmt" -out "$p/rsa2048.pkcs1.$fmt"
		add_rsa_pubkey "public/rsa2048.pkcs1.$fmt" "$fmt"
		same_pin "public/rsa2048.pkcs1.$fmt" keys/rsa2048.pkcs8.pem
	done
	expect_labels "$p/rsa2048.pkcs1.pem" "RSA PUBLIC KEY"
}

# ---------------------------------------------------------------------------
# CSRs
# ---------------------------------------------------------------------------

# make_csr NAME KEY SUBJECT [req options...]: csr/NAME.csr.pem and .der.
make_csr() {
	local name=$1 key=$2 subj=$3 c=$FIX/csr
	shift 3
	openssl req -config "$CNF" -new -key "$FIX/$key" -subj "$subj" "$@" -out "$c/$name.csr.pem"
	openssl req -in "$c/$name.csr.pem" -outform der -out "$c/$name.csr.der"
	pem_der "$c/$name.csr.pem" 1 | cmp -s - "$c/$name.csr.der" || die "$name: CSR DER is not the PEM body"
	add_csr "csr/$name.csr.pem" pem
	add_csr "csr/$name.csr.der" der
	same_pin "csr/$name.csr.pem" "$key"
	same_pin "csr/$name.csr.der" "$key"
}

make_csrs() {
	# Multi-valued RDN (OU + serialNumber joined by "+").
	make_csr rsa2048 keys/rsa2048.pkcs8.pem '/C=DE/ST=Berlin/O=Example GmbH/OU=Ops+serialNumber=42/CN=www.example.com'
	# A comma and a double quote that RFC 2253 must escape.
	make_csr ec-p256 keys/ec-p256.pkcs8.pem '/O=Acme\, Inc./CN=a"b.example'
	make_csr ec-p256-compressed keys/ec-p256-compressed.sec1.pem \
		'/C=US/O=Example Org/CN=mail.example.org/emailAddress=admin@example.org'
	# Non-ASCII UTF-8 in two attributes.
	make_csr ed25519 keys/ed25519.pkcs8.pem '/CN=Bücher.example/O=Ünïcödé' -utf8
	make_csr rsa-pss-params keys/rsa-pss-params.pkcs8.pem '/C=DE/O=Example GmbH/CN=rsa-pss.example'

	sed 's/CERTIFICATE REQUEST-----$/NEW CERTIFICATE REQUEST-----/' \
		"$FIX/csr/rsa2048.csr.pem" >"$FIX/csr/rsa2048.new-label.csr.pem"
	expect_labels "$FIX/csr/rsa2048.new-label.csr.pem" "NEW CERTIFICATE REQUEST"
	add_csr csr/rsa2048.new-label.csr.pem pem
	same_pin csr/rsa2048.new-label.csr.pem keys/rsa2048.pkcs8.pem

	local spki=$WORK/csr-check.der
	stored_spki "$FIX/csr/ec-p256-compressed.csr.der" csr "$spki"
	expect_ec "$spki" compressed named csr/ec-p256-compressed.csr.der
}

# ---------------------------------------------------------------------------
# Certificates
# ---------------------------------------------------------------------------

SUBJ_BASE='/C=DE/O=Pinhash Test'

# sign_leaf NAME KEY CN [MORE-DNS-NAMES...]: certs/NAME.pem, a TLS server
# leaf issued by the intermediate, with CN (and any extra names) as DNS SANs.
sign_leaf() {
	local name=$1 key=$2 cn=$3 ext
	shift 3
	ext=$(leaf_extfile "$cn" "$@")
	openssl req -config "$CNF" -new -key "$FIX/$key" -subj "$SUBJ_BASE/CN=$cn" -out "$WORK/$name.csr"
	openssl x509 -req -in "$WORK/$name.csr" -CA "$FIX/certs/intermediate.pem" -CAkey "$FIX/certs/intermediate.key" \
		-days "$DAYS" -sha384 -extfile "$ext" -extensions leaf_ext -out "$FIX/certs/$name.pem"
}

make_chain() {
	local c=$FIX/certs ext
	genkey "$c/root.key" RSA rsa_keygen_bits:4096
	genkey "$c/intermediate.key" EC ec_paramgen_curve:secp384r1 ec_param_enc:named_curve
	genkey "$c/leaf.key" RSA rsa_keygen_bits:2048
	genkey "$c/v1-root.key" EC ec_paramgen_curve:prime256v1 ec_param_enc:named_curve
	genkey "$c/leaf-expired.key" EC ec_paramgen_curve:prime256v1 ec_param_enc:named_curve
	local key
	for key in root intermediate leaf v1-root leaf-expired; do add_key "certs/$key.key" pem no; done

	openssl req -config "$CNF" -new -x509 -key "$c/root.key" -subj "$SUBJ_BASE/CN=Pinhash Test Root CA" \
		-days "$DAYS" -sha256 -extensions root_ext -out "$c/root.pem"
	openssl req -config "$CNF" -new -key "$c/intermediate.key" -subj "$SUBJ_BASE/CN=Pinhash Test Intermediate CA" \
		-out "$WORK/intermediate.csr"
	openssl x509 -req -in "$WORK/intermediate.csr" -CA "$c/root.pem" -CAkey "$c/root.key" \
		-days "$DAYS" -sha256 -extfile "$CNF" -extensions int_ext -out "$c/intermediate.pem"
	sign_leaf leaf certs/leaf.key www.example.com example.com

	openssl verify -CAfile "$c/root.pem" -untrusted "$c/intermediate.pem" "$c/leaf.pem" >/dev/null ||
		die "leaf.pem does not verify against the chain"

	local n
	for n in leaf intermediate root; do
		openssl x509 -in "$c/$n.pem" -outform der -out "$c/$n.der"
		pem_der "$c/$n.pem" 1 | cmp -s - "$c/$n.der" || die "$n.der is not the PEM body"
	done
	cat "$c/leaf.pem" "$c/intermediate.pem" "$c/root.pem" >"$c/chain.pem"
	sed 's/$/\r/' "$c/chain.pem" >"$c/chain-crlf.pem"
	cat "$c/root.pem" "$c/intermediate.pem" "$c/leaf.pem" >"$c/root-first.pem"
	sed 's/-----\(BEGIN\|END\) CERTIFICATE-----/-----\1 X509 CERTIFICATE-----/' "$c/leaf.pem" >"$c/leaf-x509-label.pem"
	expect_labels "$c/leaf-x509-label.pem" "X509 CERTIFICATE"
	openssl x509 -in "$c/leaf.pem" -trustout -addtrust serverAuth -out "$c/leaf-trusted.pem"
	expect_labels "$c/leaf-trusted.pem" "TRUSTED CERTIFICATE"
	make_showcerts >"$c/showcerts.txt"

	# v1: `x509 -req -signkey` without an extension file writes version 1.
	openssl req -config "$CNF" -new -key "$c/v1-root.key" -subj "$SUBJ_BASE/CN=Pinhash Test v1 Root" -out "$WORK/v1.csr"
	openssl x509 -req -in "$WORK/v1.csr" -signkey "$c/v1-root.key" -days "$DAYS" -sha256 -out "$c/v1-root.pem"
	openssl x509 -in "$c/v1-root.pem" -noout -text | contains 'Version: 1 (0x0)' || die "v1-root.pem is not a v1 certificate"

	# Expired leaf: only `openssl ca` (in 3.0) takes explicit start/end dates.
	ext=$(leaf_extfile expired.example.com)
	openssl req -config "$CNF" -new -key "$c/leaf-expired.key" -subj "$SUBJ_BASE/CN=expired.example.com" -out "$WORK/expired.csr"
	openssl ca -batch -config "$CNF" -in "$WORK/expired.csr" -startdate 20000101000000Z -enddate 20010101000000Z \
		-extfile "$ext" -extensions leaf_ext -notext -out "$c/leaf-expired.pem" >/dev/null
	! openssl x509 -in "$c/leaf-expired.pem" -noout -checkend 0 >/dev/null || die "leaf-expired.pem is not expired"

	add_certs_pem certs/leaf.pem
	add_certs_pem certs/intermediate.pem
	add_certs_pem certs/root.pem
	for n in leaf intermediate root; do
		add_cert_der "certs/$n.der"
		same_pin "certs/$n.der" "certs/$n.key"
		same_pin "certs/$n.pem" "certs/$n.key"
	done
	local f
	for f in chain.pem chain-crlf.pem showcerts.txt root-first.pem leaf-x509-label.pem leaf-trusted.pem v1-root.pem leaf-expired.pem; do
		add_certs_pem "certs/$f"
	done
	same_pin certs/leaf-x509-label.pem certs/leaf.key
	same_pin certs/leaf-trusted.pem certs/leaf.key
	same_pin certs/v1-root.pem certs/v1-root.key
	same_pin certs/leaf-expired.pem certs/leaf-expired.key
	for f in leaf intermediate root v1-root leaf-expired leaf-trusted; do check_pipelines "certs/$f.pem"; done
}

# ---------------------------------------------------------------------------
# Roles: certificates whose role depends on the rest of their file
# ---------------------------------------------------------------------------

make_roles() {
	local r=$FIX/roles c=$FIX/certs ext
	genkey "$r/self-signed.key" EC ec_paramgen_curve:prime256v1 ec_param_enc:named_curve
	genkey "$r/private-ca.key" EC ec_paramgen_curve:prime256v1 ec_param_enc:named_curve
	genkey "$r/private-leaf.key" EC ec_paramgen_curve:prime256v1 ec_param_enc:named_curve
	local key
	for key in self-signed private-ca private-leaf; do add_key "roles/$key.key" pem no; done

	# A small server's own certificate, as 'openssl req -x509' makes it: CA:TRUE.
	openssl req -config "$CNF" -new -x509 -key "$r/self-signed.key" -subj "$SUBJ_BASE/CN=self-signed.example" \
		-days "$DAYS" -sha256 -extensions req_x509_default -addext subjectAltName=DNS:self-signed.example \
		-out "$r/self-signed.pem"
	openssl x509 -in "$r/self-signed.pem" -noout -ext basicConstraints | contains 'CA:TRUE' ||
		die "self-signed.pem is not CA:TRUE"
	openssl verify -no-CApath -no-CAstore -CAfile "$r/self-signed.pem" "$r/self-signed.pem" >/dev/null ||
		die "self-signed.pem does not verify with itself"

	# A private CA made the same way (no keyUsage), and a server certificate it issued.
	openssl req -config "$CNF" -new -x509 -key "$r/private-ca.key" -subj "$SUBJ_BASE/CN=Pinhash Private CA" \
		-days "$DAYS" -sha256 -extensions req_x509_default -out "$r/private-ca.pem"
	ext=$(leaf_extfile private.example)
	openssl req -config "$CNF" -new -key "$r/private-leaf.key" -subj "$SUBJ_BASE/CN=private.example" \
		-out "$WORK/private-leaf.csr"
	openssl x509 -req -in "$WORK/private-leaf.csr" -CA "$r/private-ca.pem" -CAkey "$r/private-ca.key" \
		-days "$DAYS" -sha256 -extfile "$ext" -extensions leaf_ext -out "$r/private-leaf.pem"
	openssl verify -no-CApath -no-CAstore -CAfile "$r/private-ca.pem" "$r/private-leaf.pem" >/dev/null ||
		die "private-leaf.pem does not verify against private-ca.pem"
	cat "$r/private-ca.pem" "$r/private-leaf.pem" >"$r/private-ca-then-leaf.pem"
	cat "$r/private-leaf.pem" "$r/private-ca.pem" >"$r/private-leaf-then-ca.pem"

	# The main chain without its root, and shuffled with the private pair.
	cat "$c/leaf.pem" "$c/intermediate.pem" >"$r/no-root.pem"
	cat "$c/intermediate.pem" "$r/private-leaf.pem" "$c/root.pem" "$r/private-ca.pem" "$c/leaf.pem" >"$r/shuffled.pem"

	local f
	for f in self-signed private-ca private-leaf private-ca-then-leaf private-leaf-then-ca no-root shuffled; do
		add_certs_pem "roles/$f.pem"
	done
	same_pin roles/self-signed.pem roles/self-signed.key
	same_pin roles/private-ca.pem roles/private-ca.key
}

# Imitation of `openssl s_client -showcerts` output: text before, between
# and after the PEM blocks.
make_showcerts() {
	local c=$FIX/certs n i=0 depth=2
	echo "CONNECTED(00000003)"
	for n in root intermediate leaf; do
		echo "depth=$depth $(openssl x509 -in "$c/$n.pem" -noout -subject -nameopt oneline | sed 's/^subject=//')"
		[[ $n == root ]] && echo "verify error:num=19:self-signed certificate in certificate chain"
		echo "verify return:1"
		depth=$((depth - 1))
	done
	echo "---"
	echo "Certificate chain"
	for n in leaf intermediate root; do
		echo " $i s:$(openssl x509 -in "$c/$n.pem" -noout -subject -nameopt oneline | sed 's/^subject=//')"
		echo "   i:$(openssl x509 -in "$c/$n.pem" -noout -issuer -nameopt oneline | sed 's/^issuer=//')"
		echo "   v:NotBefore: $(openssl x509 -in "$c/$n.pem" -noout -startdate | sed 's/^notBefore=//'); NotAfter: $(openssl x509 -in "$c/$n.pem" -noout -enddate | sed 's/^notAfter=//')"
		cat "$c/$n.pem"
		i=$((i + 1))
	done
	cat <<EOF
---
Server certificate
subject=$(openssl x509 -in "$c/leaf.pem" -noout -subject -nameopt oneline | sed 's/^subject=//')
issuer=$(openssl x509 -in "$c/leaf.pem" -noout -issuer -nameopt oneline | sed 's/^issuer=//')
---
No client certificate CA names sent
Peer signing digest: SHA256
Peer signature type: RSA-PSS
Server Temp Key: X25519, 253 bits
---
SSL handshake has read 4208 bytes and written 393 bytes
Verification error: self-signed certificate in certificate chain
---
New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384
Server public key is 2048 bit
Secure Renegotiation IS NOT supported
Compression: NONE
Expansion: NONE
No ALPN negotiated
Early data was not sent
Verify return code: 19 (self-signed certificate in certificate chain)
---
DONE
EOF
}

# Leaves whose SPKI encodings are unusual.  The pin must be the SPKI exactly
# as stored; openssl x509 -req could re-encode the CSR's key, so every
# encoding is checked in the finished certificate.
make_special_leaves() {
	local entry name key point params spki=$WORK/leaf-spki.der
	for entry in ec-p256-compressed:ec-p256-compressed.sec1 ec-p256-explicit:ec-p256-explicit.sec1 \
		ed25519:ed25519.pkcs8 ed448:ed448.pkcs8 rsa-pss-params:rsa-pss-params.pkcs8 secp256k1:ec-secp256k1.pkcs8; do
		name=${entry%%:*} key=keys/${entry#*:}.pem
		sign_leaf "leaf-$name" "$key" "$name.example.com"
		add_certs_pem "certs/leaf-$name.pem"
		same_pin "certs/leaf-$name.pem" "$key"
		check_pipelines "certs/leaf-$name.pem"
	done
	for entry in ec-p256-compressed:compressed:named ec-p256-explicit:uncompressed:explicit secp256k1:uncompressed:named; do
		IFS=: read -r name point params <<<"$entry"
		pem_der "$FIX/certs/leaf-$name.pem" 1 >"$WORK/leaf.der"
		stored_spki "$WORK/leaf.der" cert "$spki"
		expect_ec "$spki" "$point" "$params" "certs/leaf-$name.pem"
	done
	pem_der "$FIX/certs/leaf-rsa-pss-params.pem" 1 >"$WORK/leaf.der"
	stored_spki "$WORK/leaf.der" cert "$spki"
	openssl asn1parse -inform der -in "$spki" | contains ':mgf1' || die "leaf-rsa-pss-params.pem lost its PSS parameters"
}

# ---------------------------------------------------------------------------
# PKCS#12
# ---------------------------------------------------------------------------

# add_p12 REL ENCRYPTED PASSIN EXPECTED-PINS [pkcs12 read options...]:
# one row per certificate, in the order `openssl pkcs12 -nokeys` prints
# them (the SafeBag order in the file).
add_p12() {
	local rel=$1 enc=$2 passin=$3 expected=$4 i n got=() cl=none
	shift 4
	local all=$WORK/p12-all.pem clf=$WORK/p12-cl.pem der=$WORK/p12-cert.der
	openssl pkcs12 -in "$FIX/$rel" -passin "$passin" -nokeys "$@" -out "$all"
	openssl pkcs12 -in "$FIX/$rel" -passin "$passin" -nokeys -clcerts "$@" -out "$clf"
	n=$(pem_count "$all")
	set_context "$all"
	for ((i = 1; i <= n; i++)); do
		pem_der "$all" "$i" >"$der"
		cert_row "$rel" p12 der "$enc" "$i" "$der"
		got+=("$S_PIN")
		if (($(pem_count "$clf") == 1)) && pem_der "$clf" 1 | cmp -s - "$der"; then cl="position $i ($S_ROLE)"; fi
	done
	[[ "${got[*]}" == "$expected" ]] || die "$rel: certificate order/pins '${got[*]}' != expected '$expected'"
	note "$rel: $n certificates, positions in 'openssl pkcs12 -nokeys' print order; 'openssl pkcs12 -clcerts -nokeys' prints: $cl"
	note "$rel: structure per 'openssl pkcs12 -info': $(p12_structure "$rel" "$passin" "$@")"
}

# p12_structure REL PASSIN [options]: one-line summary of `pkcs12 -info`
# (which writes to stderr, so the logging wrapper is bypassed).
p12_structure() {
	local rel=$1 passin=$2
	shift 2
	command "$OPENSSL_BIN" pkcs12 -in "$FIX/$rel" -passin "$passin" -info -noout "$@" 2>&1 |
		awk '/^(MAC|PKCS7|Shrouded|Certificate bag|Key bag|Warning)/ { sub(/ *, Iteration [0-9]+/, ""); out = out (out == "" ? "" : "; ") $0 }
			END { print out }'
}

# check_p12_order REL: for a PKCS#12 whose certificates are stored
# unencrypted, confirm that the `-nokeys` print order is the byte order of
# the certificates in the file.
check_p12_order() {
	local rel=$1 all=$WORK/p12-order.pem der=$WORK/p12-order.der p12hex i n pos last=-1
	openssl pkcs12 -in "$FIX/$rel" -passin "file:$PASS_FILE" -nokeys -out "$all"
	p12hex=$(hex "$FIX/$rel")
	n=$(pem_count "$all")
	for ((i = 1; i <= n; i++)); do
		pem_der "$all" "$i" >"$der"
		pos=$(awk -v h="$p12hex" -v c="$(hex "$der")" 'BEGIN { print index(h, c) }')
		((pos > last)) || die "$rel: certificate $i is not stored after certificate $((i - 1))"
		last=$pos
	done
	note "$rel: certificates are stored unencrypted; their byte order in the file matches the positions above"
}

make_p12() {
	local c=$FIX/certs p=$FIX/p12 cas=$WORK/cas.pem expect
	cat "$c/intermediate.pem" "$c/root.pem" >"$cas"
	local -a base=(-export -in "$c/leaf.pem" -certfile "$cas" -name "pinhash leaf")
	openssl pkcs12 "${base[@]}" -inkey "$c/leaf.key" -passout "file:$PASS_FILE" -out "$p/leaf.p12"
	openssl pkcs12 "${base[@]}" -inkey "$c/leaf.key" -passout "file:$PASS_FILE" -legacy -out "$p/leaf-legacy.p12"
	openssl pkcs12 "${base[@]}" -inkey "$c/leaf.key" -passout pass: -out "$p/leaf-empty-password.p12"
	openssl pkcs12 "${base[@]}" -nokeys -passout "file:$PASS_FILE" -out "$p/certs-only.p12"
	openssl pkcs12 "${base[@]}" -inkey "$c/leaf.key" -passout "file:$PASS_FILE" -nomac -out "$p/leaf-nomac.p12"

	# Sanity: the legacy file really uses the old ciphers, -nomac has no MAC.
	# (-info writes to stderr, so bypass the logging wrapper here.)
	command "$OPENSSL_BIN" pkcs12 -in "$p/leaf-legacy.p12" -passin "file:$PASS_FILE" -legacy -info -noout 2>&1 |
		contains 'pbeWithSHA1And40BitRC2-CBC' || die "leaf-legacy.p12 does not use RC2"
	command "$OPENSSL_BIN" pkcs12 -in "$p/leaf-nomac.p12" -passin "file:$PASS_FILE" -info -noout 2>&1 |
		contains 'MAC is absent' || die "leaf-nomac.p12 has a MAC"

	expect="${PIN[certs/leaf.pem]} ${PIN[certs/intermediate.pem]} ${PIN[certs/root.pem]}"
	add_p12 p12/leaf.p12 yes "file:$PASS_FILE" "$expect"
	add_p12 p12/leaf-legacy.p12 yes "file:$PASS_FILE" "$expect" -legacy
	add_p12 p12/leaf-empty-password.p12 empty pass: "$expect"
	add_p12 p12/certs-only.p12 yes "file:$PASS_FILE" "$expect"
	add_p12 p12/leaf-nomac.p12 yes "file:$PASS_FILE" "$expect"
	check_p12_order p12/leaf-nomac.p12
}

# ---------------------------------------------------------------------------
# Malformed inputs
# ---------------------------------------------------------------------------

bad() { # bad FILE FORCE WHAT
	[[ -e $FIX/malformed/$1 ]] || die "malformed/$1 was not created"
	[[ $3 != *$'\t'* ]] || die "tab in description of $1"
	printf 'malformed/%s\t%s\t%s\n' "$1" "$2" "$3" >>"$BAD"
}

must_be_rejected() { # must_be_rejected FILE CMD...: openssl must fail to load it
	local f=$1
	shift
	if "$@" >/dev/null; then die "openssl unexpectedly accepts malformed/$f"; fi
}

# 10,000 nested SEQUENCEs, each with a correct two-byte length (30 82 hi lo)
# and "30 00" innermost: well-formed DER that only breaks recursive parsers.
deep_nesting() {
	local k len esc
	for ((k = 9999; k >= 1; k--)); do
		len=$((2 + 4 * (k - 1)))
		printf -v esc '\\x30\\x82\\x%02x\\x%02x' $((len >> 8)) $((len & 255))
		# shellcheck disable=SC2059 # esc is a printf escape sequence by design
		printf "$esc"
	done
	printf '\x30\x00'
}

make_malformed() {
	local m=$FIX/malformed leaf_pem=$FIX/certs/leaf.pem leaf_der=$FIX/certs/leaf.der size off b ct
	[[ $(byte_at "$leaf_der" 0)$(byte_at "$leaf_der" 1)$(byte_at "$leaf_der" 4)$(byte_at "$leaf_der" 5) == 30823082 ]] ||
		die "leaf.der does not start with 30 82 .. .. 30 82 (needed for the byte edits below)"
	local body_lines
	body_lines=$(pem_body "$leaf_pem" 1 | wc -l)

	: >"$m/empty.bin"
	bad empty.bin - "empty file (0 bytes)"
	printf ' \t\n\r\n    \n\t\t\n' >"$m/whitespace.txt"
	bad whitespace.txt - "only spaces, tabs and (CR)LF newlines"
	openssl rand -out "$m/random.bin" 512
	bad random.bin - "512 random bytes from openssl rand (content differs per run)"
	head -c 65536 /dev/zero >"$m/nul-64k.bin"
	bad nul-64k.bin - "65536 NUL bytes"
	printf '%s\n' "This file mentions a CERTIFICATE and a PRIVATE KEY" "but contains no PEM block at all." \
		"BEGIN CERTIFICATE (without the dashes)" >"$m/no-pem-block.txt"
	bad no-pem-block.txt - "plain text, no PEM block"

	sed '$d' "$leaf_pem" >"$m/begin-no-end.pem"
	bad begin-no-end.pem - "complete certificate body but the END line is missing"
	sed 's/^-----END CERTIFICATE-----$/-----END PRIVATE KEY-----/' "$leaf_pem" >"$m/end-label-mismatch.pem"
	bad end-label-mismatch.pem - "BEGIN CERTIFICATE closed by END PRIVATE KEY"
	awk 'NR == 4 { $0 = substr($0, 1, 19) "%" substr($0, 21) } { print }' "$leaf_pem" >"$m/bad-base64-char.pem"
	bad bad-base64-char.pem - "certificate block with an invalid base64 character (%) in line 4"
	awk 'NR == 4 { $0 = substr($0, 1, 19) substr($0, 21) } { print }' "$leaf_pem" >"$m/bad-base64-length.pem"
	bad bad-base64-length.pem - "certificate block with one base64 character deleted: body length is not a multiple of 4"
	awk 'NR == 4 { $0 = substr($0, 1, length($0) - 2) "==" } { print }' "$leaf_pem" >"$m/bad-base64-padding.pem"
	bad bad-base64-padding.pem - "certificate block with '==' padding in the middle of the body"
	printf '%s\n' "-----BEGIN CERTIFICATE-----" "-----END CERTIFICATE-----" >"$m/empty-body.pem"
	bad empty-body.pem - "CERTIFICATE block with an empty body"
	# File cut in the middle of a base64 line; no END line, no final newline.
	awk 'NR <= 8 { print } NR == 9 { printf "%s", substr($0, 1, 30) }' "$leaf_pem" >"$m/truncated-pem.pem"
	bad truncated-pem.pem - "certificate PEM cut in the middle of a base64 line (no END line)"
	{
		echo "-----BEGIN CERTIFICATE-----"
		pem_body "$leaf_pem" 1 | head -n $((body_lines / 2))
		echo "-----END CERTIFICATE-----"
	} >"$m/truncated-body.pem"
	bad truncated-body.pem - "well-formed PEM block holding only the first half of a certificate's DER"
	printf 'this is not DER, just some text inside a certificate block.' | pem_wrap CERTIFICATE >"$m/garbage-der.pem"
	bad garbage-der.pem - "CERTIFICATE block whose content is ASCII text, not DER"
	must_be_rejected garbage-der.pem openssl x509 -in "$m/garbage-der.pem" -noout
	pem_body "$leaf_pem" 1 | openssl base64 -d | openssl base64 -e | {
		echo "-----BEGIN PINHASH UNKNOWN OBJECT-----"
		cat
		echo "-----END PINHASH UNKNOWN OBJECT-----"
	} >"$m/unknown-label.pem"
	bad unknown-label.pem - "PEM label 'PINHASH UNKNOWN OBJECT' (content is a valid certificate)"

	size=$(wc -c <"$leaf_der")
	head -c $((size - 10)) "$leaf_der" >"$m/cert-truncated.der"
	bad cert-truncated.der - "DER certificate with the last 10 bytes cut off"
	must_be_rejected cert-truncated.der openssl x509 -inform der -in "$m/cert-truncated.der" -noout
	{ cat "$leaf_der" && printf '\xde\xad\xbe\xef\x00'; } >"$m/cert-trailing-garbage.der"
	bad cert-trailing-garbage.der - "DER certificate followed by 5 garbage bytes (DE AD BE EF 00); openssl x509 ignores them"
	{ printf '\x30\x80' && tail -c +5 "$leaf_der" && printf '\x00\x00'; } >"$m/cert-indefinite-length.der"
	bad cert-indefinite-length.der - "certificate whose outer SEQUENCE uses BER indefinite length (30 80 ... 00 00): not DER; openssl x509 accepts it"
	{ printf '\x30\x84\x7f\xff\xff\xff' && bytes "$leaf_der" 4 60; } >"$m/huge-length.der"
	bad huge-length.der - "outer header 30 84 7f ff ff ff claims ~2 GiB, file has 66 bytes"
	deep_nesting >"$m/deep-nesting.der"
	[[ $(wc -c <"$m/deep-nesting.der") -eq 39998 ]] || die "deep-nesting.der has the wrong size"
	bad deep-nesting.der - "10,000 nested SEQUENCEs with valid lengths (30 82 .. ..), innermost 30 00"
	printf '\x30\x00' >"$m/empty-sequence.der"
	bad empty-sequence.der - "DER empty SEQUENCE (30 00)"

	# tbsCertificate length one larger than it is: inner/outer lengths disagree.
	cp "$leaf_der" "$WORK/inner.der"
	b=$(byte_at "$WORK/inner.der" 7)
	patch_byte "$WORK/inner.der" 7 "$(printf '%02x' $(((0x$b + 1) & 255)))"
	pem_wrap CERTIFICATE <"$WORK/inner.der" >"$m/cert-inner-length-mismatch.pem"
	bad cert-inner-length-mismatch.pem - "certificate whose tbsCertificate length (byte 7 incremented) disagrees with the outer SEQUENCE"
	must_be_rejected cert-inner-length-mismatch.pem openssl x509 -in "$m/cert-inner-length-mismatch.pem" -noout

	cp "$FIX/csr/rsa2048.csr.pem" "$m/csr-as-cert.pem"
	bad csr-as-cert.pem --cert "valid CSR forced as a certificate"
	cp "$leaf_pem" "$m/cert-as-key.pem"
	bad cert-as-key.pem --key "valid certificate forced as a private key"
	cp "$FIX/keys/rsa2048.pkcs8.pem" "$m/key-as-pubkey.pem"
	bad key-as-pubkey.pem --pubkey "valid private key forced as a public key"
	cp "$FIX/public/rsa2048.spki.pem" "$m/pubkey-as-cert.pem"
	bad pubkey-as-cert.pem --cert "valid PUBLIC KEY forced as a certificate"
	cp "$leaf_der" "$m/cert-der-as-csr.der"
	bad cert-der-as-csr.der --csr "valid DER certificate forced as a CSR"
	cp "$FIX/p12/leaf.p12" "$m/p12-as-cert.p12"
	bad p12-as-cert.p12 --cert "valid PKCS#12 forced as a certificate"
	size=$(wc -c <"$FIX/p12/leaf.p12")
	head -c $((size / 2)) "$FIX/p12/leaf.p12" >"$m/p12-truncated.p12"
	bad p12-truncated.p12 --p12 "PKCS#12 cut to half its size (passphrase.txt)"

	cat "$leaf_pem" "$FIX/csr/rsa2048.csr.pem" >"$m/bundle-with-csr.pem"
	bad bundle-with-csr.pem --cert "certificate then a CSR; expected error: block 2 is a CERTIFICATE REQUEST, not a certificate"
	{
		cat "$leaf_pem"
		echo "-----BEGIN CERTIFICATE-----"
		pem_body "$FIX/certs/intermediate.pem" 1 | head -n 5
		echo "-----END CERTIFICATE-----"
	} >"$m/bundle-second-truncated.pem"
	bad bundle-second-truncated.pem --cert "good leaf, then a CERTIFICATE block holding a truncated certificate (error should name block 2)"

	# Real CRL from the intermediate, listing the revoked expired leaf.
	openssl ca -config "$CNF" -revoke "$FIX/certs/leaf-expired.pem" -crl_reason superseded
	openssl ca -config "$CNF" -gencrl -out "$m/crl.pem"
	expect_labels "$m/crl.pem" "X509 CRL"
	bad crl.pem - "a valid X509 CRL (unsupported object type)"
	openssl ecparam -name prime256v1 -out "$m/ec-parameters-only.pem"
	bad ec-parameters-only.pem - "only an EC PARAMETERS block, no key"

	# Flip the first 4 ciphertext bytes: the first decrypted block is the
	# PKCS#8 header, so the damage is always detectable (padding stays valid).
	cp "$FIX/keys/rsa2048.pkcs8.enc.der" "$WORK/corrupt.der"
	ct=$(openssl asn1parse -inform der -in "$WORK/corrupt.der" |
		awk '/:d=1 / && /OCTET STRING/ { off = $0; sub(/:.*/, "", off); match($0, /hl= *[0-9]+/); print off + substr($0, RSTART + 3, RLENGTH - 3) }')
	[[ $ct =~ ^[0-9]+$ ]] || die "cannot find the ciphertext in rsa2048.pkcs8.enc.der"
	for ((off = ct; off < ct + 4; off++)); do
		patch_byte "$WORK/corrupt.der" "$off" "$(printf '%02x' $((0x$(byte_at "$WORK/corrupt.der" "$off") ^ 0xff)))"
	done
	pem_wrap "ENCRYPTED PRIVATE KEY" <"$WORK/corrupt.der" >"$m/encrypted-key-corrupted.pem"
	bad encrypted-key-corrupted.pem - "encrypted PKCS#8 key (passphrase.txt) with 4 ciphertext bytes flipped"
	must_be_rejected encrypted-key-corrupted.pem openssl pkey -in "$m/encrypted-key-corrupted.pem" -passin "file:$PASS_FILE" -noout

	sed 's/EC PRIVATE KEY-----$/RSA PRIVATE KEY-----/' "$FIX/keys/ec-p256.sec1.pem" >"$m/rsa-label-ec-key.pem"
	expect_labels "$m/rsa-label-ec-key.pem" "RSA PRIVATE KEY"
	bad rsa-label-ec-key.pem - "PEM labelled RSA PRIVATE KEY containing a SEC1 EC private key"
	must_be_rejected rsa-label-ec-key.pem openssl pkey -in "$m/rsa-label-ec-key.pem" -noout
}

# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

write_tsvs() {
	{
		printf 'file\tkind\tformat\tencrypted\tposition\tpin\talgorithm\tbits\trole\tsubject\n'
		echo "# Generated by make-fixtures.sh with $("$OPENSSL_BIN" version). Line 1 is the header; lines starting with # are comments."
		echo "# pin = base64(SHA-256(DER SubjectPublicKeyInfo)), computed with openssl only."
		echo "# key rows: SPKI from 'openssl pkey -pubout -outform der' (-passin file:passphrase.txt when encrypted)."
		echo "#   openssl keeps a SEC1 key's point form / parameter encoding, so keys/ec-p256*.pem (one key) have three different pins."
		echo "# pubkey rows: the SPKI bytes as stored (PEM body / DER file); PKCS#1 RSA PUBLIC KEY files: pin of the equivalent SPKI."
		echo "# csr and cert rows: the SPKI element cut out of the stored DER (asn1parse offsets), not a re-encoding."
		echo "# bits: first line of 'openssl pkey -pubin -noout -text'; Ed25519/X25519/Ed448/X448 print no size, so OpenSSL's EVP_PKEY_get_bits values 256/253/456/448 are used."
		echo "# position: 1-based object index; keys/ec-p256.sec1-with-params.pem has an EC PARAMETERS block before the key, which is not counted."
		echo "# encrypted: yes = passphrase.txt, empty = PKCS#12 with the empty password; p12/leaf-legacy.p12 needs 'openssl pkcs12 -legacy' (RC2-40/3DES)."
		echo "$ROLE_COMMENT"
		cat "$NOTES"
		cat "$ROWS"
	} >"$FIX/manifest.tsv"
	{
		printf 'file\tforce\twhat\n'
		echo "# Inputs that must be rejected. force: flag the test passes (- = auto-detection). Encrypted inputs use passphrase.txt."
		cat "$BAD"
	} >"$FIX/malformed.tsv"

	local t
	for t in manifest.tsv malformed.tsv; do
		awk -F'\t' 'NR == 1 { n = NF; next } /^#/ { next } NF != n { printf "%s:%d: %d fields, header has %d\n", FILENAME, NR, NF, n; bad = 1 } END { exit bad }' "$FIX/$t" ||
			die "$t: wrong column count"
		awk -F'\t' 'NR > 1 && !/^#/ { print $1 }' "$FIX/$t" | sort -u | while read -r f; do
			[[ -e $FIX/$f ]] || die "$t: $f does not exist"
		done
	done
	# Every generated file must appear in a manifest.
	local listed unlisted
	listed=$(awk -F'\t' 'NR > 1 && !/^#/ { print $1 }' "$FIX/manifest.tsv" "$FIX/malformed.tsv" | sort -u)
	unlisted=$(cd "$FIX" && find "${OUT_DIRS[@]}" -type f | sort | comm -23 - <(echo "$listed"))
	[[ -z $unlisted ]] || die "files not in any manifest: $unlisted"
}

# The manifest's note on the role column.
ROLE_COMMENT="# role: cert_role in make-fixtures.sh: leaf/intermediate = issued by another (CA:TRUE makes intermediate); a self-issued CA is root with keyCertSign and no DNS/IP subjectAltName, or when 'openssl verify' shows it issued another certificate of the file or trusts it with the system store; other self-issued certificates are self-signed."

# make-fixtures.sh roles: remake only Fixtures/roles (new keys) and recompute
# the role column of every certificate row, leaving every other file and pin
# as it is.
main_roles() {
	local manifest=$FIX/manifest.tsv kept=$WORK/kept.tsv rel pos der all
	[[ -f $manifest ]] || die "no manifest.tsv: run without arguments first"
	setup_config
	rm -rf "${FIX:?}/roles" && mkdir -p "$FIX/roles"
	make_roles
	# Every other certificate row again, with the role from cert_role.
	awk -F'\t' 'NR > 1 && !/^#/ && $1 !~ /^roles\// { print }' "$manifest" >"$kept"
	all=$WORK/roles-p12.pem der=$WORK/roles-cert.der
	local -a fields
	while IFS=$'\t' read -r -a fields; do
		rel=${fields[0]} pos=${fields[4]}
		case ${fields[1]} in
		cert)
			if [[ ${fields[2]} == der ]]; then
				set_context "$FIX/$rel" && cp "$FIX/$rel" "$der"
			else
				set_context "$FIX/$rel" && cp "$WORK/context/$pos.der" "$der"
			fi
			cert_role "$der"
			fields[8]=$S_ROLE
			;;
		p12)
			local passin="file:$PASS_FILE" legacy=()
			[[ ${fields[3]} == empty ]] && passin=pass:
			[[ $rel == *legacy* ]] && legacy=(-legacy)
			openssl pkcs12 -in "$FIX/$rel" -passin "$passin" -nokeys "${legacy[@]}" -out "$all"
			set_context "$all" && cp "$WORK/context/$pos.der" "$der"
			cert_role "$der"
			fields[8]=$S_ROLE
			;;
		esac
		(IFS=$'\t' && printf '%s\n' "${fields[*]}")
	done <"$kept" >"$WORK/rows.tsv"
	{
		awk 'NR == 1' "$manifest"
		awk '/^#/ && !/^# roles\// && !/^# role: /' "$manifest"
		echo "$ROLE_COMMENT"
		cat "$NOTES"
		cat "$WORK/rows.tsv" "$ROWS"
	} >"$WORK/manifest.new"
	mv "$WORK/manifest.new" "$manifest"
	chmod -R u=rwX,go=rX "$FIX/roles" "$manifest"
	echo "fixtures: roles=$(find "$FIX/roles" -type f | wc -l); manifest rows=$(grep -cv '^#' "$manifest" | awk '{ print $1 - 1 }'); ${SECONDS}s"
}

main() {
	if [[ ${1:-} == roles ]]; then
		main_roles
		return
	fi
	setup
	make_rsa_keys
	make_ec_keys
	make_other_keys
	make_public_keys
	make_csrs
	make_chain
	make_special_leaves
	make_roles
	make_p12
	make_malformed
	write_tsvs
	# Inputs that break DER's rules, keys OpenSSL cannot decode or does not know: der/ and der.tsv.
	OPENSSL=$OPENSSL_BIN python3 "$FIX/make-der-fixtures.py"
	# Hostile key derivations (BER-hidden iteration counts, scrypt salts and memory): kdf/ and kdf/kdf.tsv.
	OPENSSL=$OPENSSL_BIN python3 "$FIX/kdf/make-kdf-fixtures.py"
	# Certificates and requests that break or bend the X.509 schema as d2i_X509 reads it: schema/ and schema.tsv.
	OPENSSL=$OPENSSL_BIN python3 "$FIX/make-schema-fixtures.py"
	# The notAfter of every certificate in manifest.tsv, for --all's `until` column: not-after.tsv.
	bash "$FIX/make-not-after.sh"
	# genpkey/pkcs12 create 0600 files; make the tree uniform for the repo.
	chmod -R u=rwX,go=rX "${OUT_DIRS[@]/#/$FIX/}" "$PASS_FILE" "$FIX/manifest.tsv" "$FIX/malformed.tsv"

	local d counts=()
	for d in "${OUT_DIRS[@]}"; do counts+=("$d=$(find "$FIX/$d" -type f | wc -l)"); done
	echo "fixtures: ${counts[*]}; manifest rows=$(grep -cv '^#' "$FIX/manifest.tsv" | awk '{ print $1 - 1 }')," \
		"notes=$(grep -c '^#' "$FIX/manifest.tsv"), malformed=$(grep -cv '^#' "$FIX/malformed.tsv" | awk '{ print $1 - 1 }'); ${SECONDS}s"
}

main "$@"
