#!/usr/bin/env bash
# not-after.tsv: the notAfter of every certificate of the manifest's certificate and PKCS#12 files, as
# `openssl x509 -enddate -dateopt iso_8601` prints it (in RFC 3339 form), keyed by file and pin (the
# openssl pipeline's), for the tests of the `until NOTAFTER` that --all prints. make-fixtures.sh runs it.
set -euo pipefail
FIX=$(cd "$(dirname "$0")" && pwd)
PASS_FILE=$FIX/passphrase.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# certificates FILE FORMAT ENCRYPTED: every certificate of FILE as PEM on stdout.
certificates() {
	case "$1" in
	p12/*)
		local passin="file:$PASS_FILE" legacy=()
		[ "$3" = empty ] && passin=pass:
		[ "$1" = p12/leaf-legacy.p12 ] && legacy=(-legacy)
		openssl pkcs12 -in "$FIX/$1" -passin "$passin" -nokeys "${legacy[@]}"
		;;
	*)
		if [ "$2" = der ]; then openssl x509 -inform der -in "$FIX/$1"; else cat "$FIX/$1"; fi
		;;
	esac
}

{
	printf 'file\tpin\tnotAfter\n'
	awk -F'\t' '($2 == "cert" || $2 == "p12") && !seen[$1]++ { print $1 "\t" $3 "\t" $4 }' "$FIX/manifest.tsv" |
		while IFS=$'\t' read -r file format encrypted; do
			rm -f "$work"/cert-*.pem
			# Each block whose label ends in CERTIFICATE (X509 CERTIFICATE, TRUSTED CERTIFICATE too), as
			# the PEM label x509 reads.
			certificates "$file" "$format" "$encrypted" | awk -v dir="$work" '
				/^-----BEGIN .*CERTIFICATE-----/ && !/REQUEST/ { n++; out = sprintf("%s/cert-%03d.pem", dir, n) }
				out { print > out }
				/^-----END / { if (out) close(out); out = "" }'
			for cert in "$work"/cert-*.pem; do
				[ -e "$cert" ] || continue
				pin=$(openssl x509 -in "$cert" -pubkey -noout | openssl pkey -pubin -outform der |
					openssl dgst -sha256 -binary | openssl enc -base64)
				not_after=$(openssl x509 -in "$cert" -noout -enddate -dateopt iso_8601 | sed 's/^notAfter=//; s/ /T/')
				printf '%s\t%s\t%s\n' "$file" "$pin" "$not_after"
			done
		done
} >"$FIX/not-after.tsv"
echo "not-after.tsv: $(($(wc -l <"$FIX/not-after.tsv") - 1)) certificates"
