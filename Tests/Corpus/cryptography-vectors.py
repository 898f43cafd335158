#!/usr/bin/env python3
"""pinhash over pyca's cryptography_vectors: every key, CSR, certificate and PKCS#12 file in it.

Usage: python3 Tests/Corpus/cryptography-vectors.py [PINHASH] (what `make corpus` runs)

Downloads cryptography_vectors and asn1crypto from PyPI with `pip download` into .build/corpus (once;
CORPUS_DIR overrides), runs pinhash over the files in batches (`--format json --all`, many files per
process) and checks every pin against a parser pinhash does not share code with:
  certificates and CSRs  SHA-256 of the SubjectPublicKeyInfo bytes as stored, cut out by asn1crypto
                         (`.dump()` keeps the original encoding)
  PUBLIC KEY             SHA-256 of the block's DER as stored
  RSA PUBLIC KEY         asn1crypto's SubjectPublicKeyInfo wrapping of the RSAPublicKey (or, for an SPKI
                         under that label, the bytes as stored)
  private keys           `openssl pkey -pubout -outform der` of the same block
A file pinhash refuses must get one stderr line naming it. Exit status 1 on any mismatch or on a refusal
that is not one line; the counts and the categories of refusals are printed.
"""

import base64
import collections
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PINHASH = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/pinhash"))
CORPUS = os.environ.get("CORPUS_DIR", os.path.join(ROOT, ".build/corpus"))
VERSION = os.environ.get("CRYPTOGRAPHY_VECTORS_VERSION", "50.0.2")
INPUT_EXTENSIONS = {".pem", ".der", ".crt", ".cer", ".csr", ".key", ".p12", ".pfx"}
BATCH = 200


def fetch():
    """The vectors' directory and asn1crypto's wheel, downloaded once with pip."""
    os.makedirs(CORPUS, exist_ok=True)
    wheels = {}
    for package, pinned in (("cryptography_vectors", VERSION), ("asn1crypto", "1.5.1")):
        found = [f for f in os.listdir(CORPUS) if f.startswith(package + "-" + pinned) and f.endswith(".whl")]
        if not found:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "%s==%s" % (package, pinned), "-d", CORPUS], check=True)
            found = [f for f in os.listdir(CORPUS) if f.startswith(package + "-" + pinned) and f.endswith(".whl")]
        wheels[package] = os.path.join(CORPUS, found[0])
    vectors = os.path.join(CORPUS, "vectors-" + VERSION)
    if not os.path.isdir(vectors):
        import zipfile

        zipfile.ZipFile(wheels["cryptography_vectors"]).extractall(vectors)
    return os.path.join(vectors, "cryptography_vectors"), wheels["asn1crypto"]


def inputs(vectors):
    files = []
    for top in ("asymmetric", "x509", "pkcs12"):
        for directory, _, names in os.walk(os.path.join(vectors, top)):
            if "OpenSSH" in directory:  # OpenSSH's own key format, which pinhash does not read
                continue
            for name in names:
                if os.path.splitext(name)[1].lower() in INPUT_EXTENSIONS:
                    files.append(os.path.relpath(os.path.join(directory, name), vectors))
    return sorted(files)


def pin(der):
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def blocks(data):
    """The DER of each object: PEM blocks in order (with their labels), or the file as one DER object."""
    from asn1crypto import pem

    if pem.detect(data):
        try:
            return [(label, der) for label, _, der in pem.unarmor(data, multiple=True)]
        except Exception:  # noqa: BLE001 - an odd PEM file: position-wise lookups below fail instead
            return []
    return [(None, data)]


def expected_pin(path, position, kind):
    """The pin an independent parser gives the object at `position` of `path`, or a reason it cannot."""
    from asn1crypto import csr, keys, x509

    data = open(path, "rb").read()
    parts = blocks(data)
    if position > len(parts):
        # A PEM block in a PKCS#12 file or a position asn1crypto does not count the way pinhash does.
        return None, "no block %d as asn1crypto splits the file" % position
    label, der = parts[position - 1]
    try:
        if kind == "certificate":
            certificate = x509.Certificate.load(der, strict=False)
            return pin(certificate["tbs_certificate"]["subject_public_key_info"].dump()), None
        if kind == "certificateRequest":
            request = csr.CertificationRequest.load(der, strict=False)
            return pin(request["certification_request_info"]["subject_pk_info"].dump()), None
        if kind == "publicKey":
            if not _is_spki(der):  # a PKCS#1 RSAPublicKey, pinned as the SPKI wrapping it
                rsa = keys.RSAPublicKey.load(der)
                return pin(keys.PublicKeyInfo.wrap(rsa, "rsa").dump()), None
            keys.PublicKeyInfo.load(der, strict=False).native  # must parse
            return pin(der), None
        if kind == "privateKey":
            text = data if label is None else _pem(label, der)
            result = subprocess.run(["openssl", "pkey", "-pubout", "-outform", "der", "-passin", "pass:foobar"],
                                    input=text, capture_output=True)
            if result.returncode != 0:
                return None, "openssl pkey cannot read it"
            return pin(result.stdout), None
    except Exception as error:  # noqa: BLE001
        return None, "asn1crypto cannot parse it: %s" % type(error).__name__
    return None, "kind %s is not checked" % kind


def _is_spki(der):
    """Whether a DER SEQUENCE's first element is a SEQUENCE (an SPKI) rather than an INTEGER."""
    length = der[1]
    offset = 2 + (length & 0x7F if length & 0x80 else 0)
    return der[offset] == 0x30


def _pem(label, der):
    text = base64.encodebytes(der).decode().replace("\n", "")
    body = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return ("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, body, label)).encode()


def category(reason):
    """A refusal's reason without the parts that differ from file to file."""
    reason = re.sub(r"^block \d+ \([^)]*\)(:)? ?", "block N ", reason)
    reason = re.sub(r"certificate \d+", "certificate N", reason)
    reason = re.sub(r"\([0-9a-f]{2}( [0-9a-f]{2})*\)", "(XX)", reason)
    reason = re.sub(r"\d+", "N", reason)
    reason = re.sub(r"\(it is [^)]*\)", "(it is …)", reason)
    return reason[:150]


def main():
    vectors, asn1crypto_wheel = fetch()
    sys.path.insert(0, asn1crypto_wheel)
    files = inputs(vectors)
    counts = collections.Counter()
    refusals = collections.Counter()
    unchecked = collections.Counter()
    mismatches = []
    bad_refusals = []
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        # Most encrypted vectors use "foobar"; the others are refused as encrypted with another passphrase.
        result = subprocess.run([PINHASH, "--format", "json", "--all", "--passin", "env:CORPUS_PASSPHRASE", *batch],
                                cwd=vectors, capture_output=True, text=True, env=dict(os.environ, CORPUS_PASSPHRASE="foobar"))
        entries = json.loads(result.stdout) if result.stdout.strip() else []
        lines = collections.defaultdict(list)
        for line in result.stderr.splitlines():
            for name in batch:
                if line.startswith("pinhash: %s: " % name):
                    lines[name].append(line[len("pinhash: %s: " % name) :])
                    break
            else:
                bad_refusals.append("stderr line naming no input: %s" % line)
        pinned_files = {entry["file"] for entry in entries}
        for name in batch:
            if name in pinned_files:
                counts["files pinned"] += 1
                warnings = [l for l in lines[name] if l.startswith(("warning: ", "note: "))]
                counts["warning lines"] += len(warnings)
                continue
            errors = [l for l in lines[name] if not l.startswith(("warning: ", "note: "))]
            if len(errors) != 1:
                bad_refusals.append("%s: %d error lines" % (name, len(errors)))
                continue
            counts["files refused"] += 1
            refusals[category(errors[0])] += 1
        for entry in entries:
            counts["pins"] += 1
            expected, why = expected_pin(os.path.join(vectors, entry["file"]), entry["position"], entry["kind"])
            if expected is None:
                unchecked[why] += 1
                continue
            counts["pins checked"] += 1
            if entry["reencodedPinSha256Base64"]:
                counts["pins with a re-encoded pin"] += 1
            if expected != entry["pinSha256Base64"]:
                mismatches.append("%s object %d (%s): pinhash %s, independent %s" % (
                    entry["file"], entry["position"], entry["kind"], entry["pinSha256Base64"], expected))
    print("cryptography_vectors %s: %d input files" % (VERSION, len(files)))
    for key in ("files pinned", "files refused", "pins", "pins checked", "pins with a re-encoded pin",
                "warning lines"):
        print("  %-28s %d" % (key, counts[key]))
    print("  %-28s %d" % ("mismatches", len(mismatches)))
    print("refusals by reason:")
    for reason, count in refusals.most_common():
        print("  %5d  %s" % (count, reason))
    if unchecked:
        print("pins not checked:")
        for reason, count in unchecked.most_common():
            print("  %5d  %s" % (count, reason))
    for line in mismatches + bad_refusals:
        print("FAIL " + line)
    return 1 if mismatches or bad_refusals else 0


sys.exit(main())
