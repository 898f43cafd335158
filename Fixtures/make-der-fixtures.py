#!/usr/bin/env python3
"""make-der-fixtures.py - the "truth" fixtures: inputs whose DER breaks a rule, keys OpenSSL cannot
decode or does not know, encodings OpenSSL re-encodes, and files that once got a misleading error.

Writes Fixtures/der/ and Fixtures/der.tsv. Inputs are made with the openssl command line and edited
byte by byte here (Python's standard library only); every expected pin and subject comes from openssl
(`openssl dgst`, `openssl pkey -pubout`, `openssl x509 -subject`), never from pinhash. make-fixtures.sh
calls this script; it also runs alone:  python3 Fixtures/make-der-fixtures.py

der.tsv columns (tab-separated; lines starting with # are comments):
  file        path under Fixtures/
  force       the type flag the test passes (- = auto-detection)
  passphrase  yes: read with passphrase.txt; no: without a passphrase
  outcome     pinned | refused
  code        refused: the PinHashError code (malformed, unsupported, ...); pinned: -
  pin         pinned: the expected pin of the first object (SHA-256 of the stored SPKI); else -
  reencoded   pinned: the pin of the SPKI OpenSSL re-encodes the key to, when it differs; else -
  subject     pinned certificates: `openssl x509 -noout -subject -nameopt RFC2253,-esc_msb`; else -
  says        a phrase the error (refused) or the warning (pinned) must contain; - for none
  what        what the file is
"""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

FIX = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(FIX, "der")
OPENSSL = os.environ.get("OPENSSL", "/usr/bin/openssl")
PASS_FILE = os.path.join(FIX, "passphrase.txt")
PASSPHRASE = "pinhash fixture passphrase"
WORK = None  # made by main(), so that make-schema-fixtures.py can import the helpers
ROWS = []


def die(message):
    sys.stderr.write("make-der-fixtures: %s\n" % message)
    if WORK:
        shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(1)


def openssl(*args, stdin=None, ok=True):
    """Runs openssl; returns stdout bytes. With ok=False returns None when openssl fails."""
    result = subprocess.run([OPENSSL, *args], input=stdin, capture_output=True)
    if result.returncode != 0:
        if ok:
            die("openssl %s failed: %s" % (" ".join(args), result.stderr.decode(errors="replace")))
        return None
    return result.stdout


def work(name):
    return os.path.join(WORK, name)


# --- DER by hand -------------------------------------------------------------------------------------


def length(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag, content, header_length=None):
    """One element; `header_length` forces the length bytes (a non-minimal form)."""
    return bytes([tag]) + (header_length if header_length is not None else length(len(content))) + content


def parse(der, offset=0):
    """(tag, header length, content length) of the element at `offset` (definite lengths only)."""
    tag, first = der[offset], der[offset + 1]
    if first < 0x80:
        return tag, 2, first
    count = first & 0x7F
    return tag, 2 + count, int.from_bytes(der[offset + 2 : offset + 2 + count], "big")


def children(der, offset=0):
    """The elements inside the constructed element at `offset`, as (start, end) offsets."""
    _, header, size = parse(der, offset)
    position, end, out = offset + header, offset + header + size, []
    while position < end:
        _, h, s = parse(der, position)
        out.append((position, position + h + s))
        position += h + s
    return out


def rebuild(der, path, replacement):
    """`der` with the element at the child-index `path` replaced, every enclosing length re-encoded."""
    if not path:
        return replacement
    parts = children(der)
    start, end = parts[path[0]]
    inner = rebuild(der[start:end], path[1:], replacement)
    content = b"".join(der[s:e] if i != path[0] else inner for i, (s, e) in enumerate(parts))
    return tlv(der[0], content)


def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    values = [arcs[0] * 40 + arcs[1]] + arcs[2:]
    out = b""
    for value in values:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, out)


def spki(algorithm, key_bits, unused=0):
    return tlv(0x30, tlv(0x30, algorithm) + tlv(0x03, bytes([unused]) + key_bits))


def pem(label, der):
    text = base64.b64encode(der).decode()
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return ("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)).encode()


def unpem(data):
    lines = data.decode().strip().splitlines()
    return base64.b64decode("".join(l for l in lines if not l.startswith("-----") and ":" not in l))


# --- Expected values, from openssl ------------------------------------------------------------------


def pin(spki_der):
    digest = openssl("dgst", "-sha256", "-binary", stdin=spki_der)
    return base64.b64encode(digest).decode()


def reencoded_pin(spki_der):
    """The pin of what `openssl pkey -pubin` re-encodes the SPKI to; None when openssl cannot read it."""
    out = openssl("pkey", "-pubin", "-inform", "der", "-pubout", "-outform", "der", stdin=spki_der, ok=False)
    return pin(out) if out else None


def stored_spki_of_certificate(cert_der):
    """The SPKI element cut out of the certificate at the offset `openssl asn1parse` gives tbs field 6."""
    listing = openssl("asn1parse", "-inform", "der", stdin=cert_der).decode().splitlines()
    # Fields of tbsCertificate are at depth 2; the one after the subject is the SPKI (field 7 with [0]).
    fields = [line for line in listing if ":d=2 " in line]
    index = 6 if "cont [ 0 ]" in fields[0] else 5
    line = fields[index]
    offset = int(line.split(":")[0])
    header = int(line.split("hl=")[1].split()[0])
    size = int(line.split(" l=")[1].split()[0])
    return cert_der[offset : offset + header + size]


def subject(path, inform="PEM"):
    out = openssl("x509", "-inform", inform, "-in", path, "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb")
    return out.decode().strip().removeprefix("subject=")


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    return os.path.join(OUT, name)


def row(name, outcome, says, what, force="-", passphrase="no", code="-", pin_="-", reencoded="-", subject_="-"):
    for field in (name, force, passphrase, outcome, code, pin_, reencoded, subject_, says, what):
        if "\t" in field or "\n" in field:
            die("tab or newline in a field of %s" % name)
    ROWS.append("\t".join(["der/" + name, force, passphrase, outcome, code, pin_, reencoded, subject_, says, what]))


def refused(name, code, says, what, **kw):
    row(name, "refused", says, what, code=code, **kw)


def pinned(name, spki_der, says, what, **kw):
    row(name, "pinned", says, what, pin_=pin(spki_der), **kw)


def must_reject(name, *args):
    if openssl(*args, ok=False) is not None:
        die("openssl unexpectedly accepts %s" % name)


# --- The fixtures -------------------------------------------------------------------------------------


def make():
    genkey = lambda name, *opts: openssl("genpkey", *opts, "-out", work(name))  # noqa: E731
    genkey("ec.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
    genkey("rsa.pem", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
    genkey("ed25519.pem", "-algorithm", "Ed25519")
    ec_spki = openssl("pkey", "-in", work("ec.pem"), "-pubout", "-outform", "der")
    rsa_spki = openssl("pkey", "-in", work("rsa.pem"), "-pubout", "-outform", "der")
    ed_spki = openssl("pkey", "-in", work("ed25519.pem"), "-pubout", "-outform", "der")
    assert ec_spki[:2] == b"\x30\x59" and rsa_spki[:4] == b"\x30\x82\x01\x22" and ed_spki[:2] == b"\x30\x2a"

    # Non-minimal lengths: openssl reads them (BER) and re-encodes the key, so it pins another SPKI.
    name = "ec-spki-length-82-00-59.der"
    bad = b"\x30\x82\x00\x59" + ec_spki[2:]
    write(name, bad)
    if reencoded_pin(bad) != pin(ec_spki):
        die("openssl does not re-encode %s to the canonical SPKI" % name)
    refused(name, "malformed", "not minimal DER (82 00 59)",
            "P-256 PUBLIC KEY (DER) whose SPKI length is 82 00 59 instead of 59; openssl reads it and pins the re-encoding")

    name = "ec-spki-length-81-59.pem"
    write(name, pem("PUBLIC KEY", b"\x30\x81\x59" + ec_spki[2:]))
    refused(name, "malformed", "not minimal DER (81 59)", "P-256 PUBLIC KEY whose SPKI length is 81 59 instead of 59")

    # The modulus INTEGER inside the BIT STRING with a 3-byte length where 2 do.
    rsa_key = rsa_spki[rsa_spki.index(b"\x03\x82\x01\x0f\x00") + 5 :]
    modulus_start = 4  # 30 82 01 0a | 02 82 01 01 ...
    assert rsa_key[modulus_start : modulus_start + 4] == b"\x02\x82\x01\x01"
    inner = rsa_key[modulus_start:]
    _, _, modulus_size = parse(inner)
    modulus = inner[4 : 4 + modulus_size]
    exponent = inner[4 + modulus_size :]
    key_bits = tlv(0x30, tlv(0x02, modulus, b"\x83\x00\x01\x01") + exponent)
    rsa_algorithm = oid("1.2.840.113549.1.1.1") + b"\x05\x00"
    bad = spki(rsa_algorithm, key_bits)
    name = "rsa-spki-modulus-length-83.pem"
    write(name, pem("PUBLIC KEY", bad))
    if reencoded_pin(bad) != pin(rsa_spki):
        die("openssl does not re-encode %s to the canonical SPKI" % name)
    refused(name, "malformed", "not minimal DER (83 00 01 01)",
            "RSA PUBLIC KEY whose modulus INTEGER length is 83 00 01 01; openssl re-encodes it to the canonical SPKI")

    # A BIT STRING whose unused-bits byte is 8.
    name = "ed25519-spki-unused-bits-8.der"
    write(name, ed_spki[:11] + b"\x08" + ed_spki[12:])
    refused(name, "malformed", "unused bits", "Ed25519 SPKI (DER) whose BIT STRING says 8 unused bits (0..7 allowed)")

    # rsaEncryption without its NULL parameters: DER, but openssl re-encodes it with NULL.
    name = "rsa-spki-no-null-parameters.pem"
    no_null = spki(oid("1.2.840.113549.1.1.1"), rsa_key)
    write(name, pem("PUBLIC KEY", no_null))
    other = reencoded_pin(no_null)
    if other is None or other == pin(no_null) or other != pin(rsa_spki):
        die("openssl does not re-encode %s with NULL parameters" % name)
    pinned(name, no_null, "re-encode", "RSA PUBLIC KEY whose AlgorithmIdentifier has no NULL parameters; openssl re-encodes it with them",
           reencoded=other)

    # Algorithms OpenSSL 3.0 does not know: pinned as stored, with a warning.
    name = "unknown-algorithm-0.0.pem"
    unknown = spki(oid("0.0"), os.urandom(32))
    write(name, pem("PUBLIC KEY", unknown))
    must_reject(name, "pkey", "-pubin", "-in", os.path.join(OUT, name), "-noout")
    pinned(name, unknown, "0.0", "PUBLIC KEY with algorithm OID 0.0 and 32 random key bytes")

    name = "ml-dsa-44-shaped.pem"
    mldsa = spki(oid("2.16.840.1.101.3.4.3.17"), os.urandom(1312))
    write(name, pem("PUBLIC KEY", mldsa))
    if openssl("pkey", "-pubin", "-in", os.path.join(OUT, name), "-noout", ok=False) is None:
        pinned(name, mldsa, "ML-DSA-44", "PUBLIC KEY shaped as ML-DSA-44 (OID 2.16.840.1.101.3.4.3.17, 1312 random bytes), unknown to OpenSSL 3.0")
    else:
        os.remove(os.path.join(OUT, name))  # an OpenSSL that knows ML-DSA checks the key: not this case

    # Known algorithms whose key does not decode.
    name = "rsa-spki-garbage-key.pem"
    garbage = spki(rsa_algorithm, b"\x04\x20" + os.urandom(32))
    write(name, pem("PUBLIC KEY", garbage))
    must_reject(name, "pkey", "-pubin", "-in", os.path.join(OUT, name), "-noout")
    refused(name, "malformed", "RSAPublicKey", "rsaEncryption SPKI whose BIT STRING holds an OCTET STRING, not an RSAPublicKey")

    name = "ec-spki-point-off-curve.pem"
    ec_algorithm = ec_spki[4:4 + 0x13]
    off_curve = spki(ec_algorithm, b"\x04" + bytes(63) + b"\x01")
    write(name, pem("PUBLIC KEY", off_curve))
    must_reject(name, "pkey", "-pubin", "-in", os.path.join(OUT, name), "-noout")
    refused(name, "malformed", "OpenSSL cannot decode", "P-256 SPKI whose point (0, 1) is not on the curve")

    # A public key in DER whose BIT STRING tag became OCTET STRING: once guessed to be an encrypted key.
    name = "rsa-spki-bitstring-tag-04.der"
    retagged = bytearray(rsa_spki)
    retagged[rsa_spki.index(b"\x03\x82\x01\x0f\x00")] = 0x04
    write(name, bytes(retagged))
    refused(name, "malformed", "not a key, certificate, request or PKCS#12 file",
            "RSA SPKI (DER) whose BIT STRING tag is 04 (OCTET STRING); not an encrypted key")

    name = "rsa-pkcs1-public-modulus-octet-string.pem"
    pkcs1 = bytearray(rsa_key)
    pkcs1[modulus_start] = 0x04
    write(name, pem("RSA PUBLIC KEY", bytes(pkcs1)))
    refused(name, "malformed", "should be an INTEGER but is an OCTET STRING", "RSA PUBLIC KEY (PKCS#1) whose modulus is tagged OCTET STRING")

    # Certificates and requests: the same rules inside them.
    openssl("req", "-x509", "-new", "-key", work("ec.pem"), "-subj", "/CN=truth.example",
            "-days", "36500", "-out", work("cert.pem"), "-config", "/dev/null")
    cert = unpem(open(work("cert.pem"), "rb").read())
    assert stored_spki_of_certificate(cert) == ec_spki
    tbs_start, tbs_end = children(cert)[0]
    tbs = cert[tbs_start:tbs_end]
    # [0] version (absent in a version 1 certificate), serial, signature, issuer, validity, subject, SPKI
    first = 1 if tbs[children(tbs)[0][0]] == 0xA0 else 0
    spki_index = first + 5

    name = "cert-spki-length-81-59.pem"
    bad_cert = rebuild(cert, [0, spki_index], b"\x30\x81\x59" + ec_spki[2:])
    write(name, pem("CERTIFICATE", bad_cert))
    openssl("x509", "-in", os.path.join(OUT, name), "-noout")  # openssl accepts it
    refused(name, "malformed", "not minimal DER (81 59)",
            "certificate whose SPKI length is 81 59; openssl x509 reads it and -pubkey re-encodes the key")

    name = "cert-issuer-length-82.der"
    issuer_start, issuer_end = children(tbs)[first + 2]
    issuer = tbs[issuer_start:issuer_end]
    _, header, size = parse(issuer)
    assert header == 2
    bad_cert = rebuild(cert, [0, first + 2], b"\x30\x82" + size.to_bytes(2, "big") + issuer[2:])
    write(name, bad_cert)
    refused(name, "malformed", "not minimal DER (82 00", "DER certificate whose issuer Name length has a 82 00 .. form")

    name = "cert-unknown-algorithm.pem"
    unknown_cert = rebuild(cert, [0, spki_index], unknown)
    write(name, pem("CERTIFICATE", unknown_cert))
    assert stored_spki_of_certificate(unknown_cert) == unknown
    pinned(name, unknown, "0.0", "certificate (signature now invalid) whose SPKI has algorithm OID 0.0",
           subject_=subject(os.path.join(OUT, name)))

    expected_subject = subject(work("cert.pem"))
    name = "cert-hex-subject.pem"
    # An attribute whose type OpenSSL has no name for: -nameopt RFC2253 prints its value's DER as # and hex.
    attribute = lambda type_, value: tlv(0x31, tlv(0x30, oid(type_) + tlv(0x0C, value.encode())))  # noqa: E731
    hex_name = tlv(0x30, attribute("2.5.4.3", "truth.example") + attribute("1.2.3.4", "opaque value"))
    write(name, pem("CERTIFICATE", rebuild(cert, [0, first + 4], hex_name)))
    hex_subject = subject(os.path.join(OUT, name))
    if "=#0C" not in hex_subject:
        die("openssl prints no upper-case hex value in the subject of %s: %s" % (name, hex_subject))
    pinned(name, ec_spki, "-", "certificate whose subject has an attribute (1.2.3.4) OpenSSL names by OID and prints as # and hex",
           subject_=hex_subject)

    openssl("req", "-new", "-key", work("ec.pem"), "-subj", "/CN=truth.example", "-out", work("csr.pem"),
            "-config", "/dev/null")
    csr = unpem(open(work("csr.pem"), "rb").read())
    name = "csr-spki-length-82-00-59.pem"
    write(name, pem("CERTIFICATE REQUEST", rebuild(csr, [0, 2], b"\x30\x82\x00\x59" + ec_spki[2:])))
    refused(name, "malformed", "not minimal DER (82 00 59)", "CSR whose SPKI length is 82 00 59")

    # A PKCS#12 file whose certificate bag holds the non-minimal certificate.
    name = "p12-cert-spki-length-81-59.p12"
    openssl("pkcs12", "-export", "-nokeys", "-in", os.path.join(OUT, "cert-spki-length-81-59.pem"),
            "-passout", "file:" + PASS_FILE, "-out", os.path.join(OUT, name))
    refused(name, "malformed", "not minimal DER (81 59)", "PKCS#12 (passphrase.txt) whose certificate has an SPKI length 81 59",
            passphrase="yes")

    # Multi-prime RSA (three primes): PKCS#1 in DER and PEM.
    genkey("rsa3.pem", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_keygen_primes:3")
    rsa3_spki = openssl("pkey", "-in", work("rsa3.pem"), "-pubout", "-outform", "der")
    name = "rsa-3-primes.pkcs1.der"
    openssl("rsa", "-in", work("rsa3.pem"), "-traditional", "-outform", "der", "-out", os.path.join(OUT, name))
    pinned(name, rsa3_spki, "-", "three-prime RSA private key, PKCS#1 RSAPrivateKey in DER (version 1, otherPrimeInfos)")
    name = "rsa-3-primes.pkcs1.pem"
    openssl("rsa", "-in", work("rsa3.pem"), "-traditional", "-out", os.path.join(OUT, name))
    pinned(name, rsa3_spki, "-", "three-prime RSA private key, PKCS#1 PEM")

    name = "rsa-spki-under-rsa-public-key-label.pem"
    write(name, pem("RSA PUBLIC KEY", rsa_spki))
    pinned(name, rsa_spki, "-", "an RSA SubjectPublicKeyInfo in a block labelled RSA PUBLIC KEY (openssl and pyca read it)")

    # HAProxy's combined PEM: the certificate and its key in one file.
    name = "combined-cert-then-key.pem"
    write(name, open(work("cert.pem"), "rb").read() + open(work("ec.pem"), "rb").read())
    pinned(name, ec_spki, "PRIVATE KEY", "HAProxy combined PEM: certificate then its private key, read with --cert",
           force="--cert", subject_=expected_subject)
    name = "combined-key-then-cert.pem"
    write(name, open(work("ec.pem"), "rb").read() + open(work("cert.pem"), "rb").read())
    pinned(name, ec_spki, "PRIVATE KEY", "private key then its certificate, read with --cert", force="--cert",
           subject_=expected_subject)

    # Encrypted keys whose encryption is unsupported or malformed: not a wrong passphrase.
    openssl("ec", "-in", work("ec.pem"), "-aes128", "-passout", "file:" + PASS_FILE, "-out", work("ec.enc.pem"))
    legacy = open(work("ec.enc.pem"), "rb").read().decode()
    assert "DEK-Info: AES-128-CBC," in legacy
    for name, text, code, says, what in [
        ("legacy-pem-unsupported-cipher.pem", legacy.replace("DEK-Info: AES-128-CBC,", "DEK-Info: FOO-128-CBC,"),
         "unsupported", "not supported", "legacy encrypted EC key whose DEK-Info names cipher FOO-128-CBC"),
        ("legacy-pem-bad-iv.pem",
         "\n".join(l.split(",")[0] + ",XYZ" if l.startswith("DEK-Info:") else l for l in legacy.split("\n")),
         "malformed", "IV", "legacy encrypted EC key whose DEK-Info IV is XYZ"),
        ("legacy-pem-no-dek-info.pem", "\n".join(l for l in legacy.split("\n") if not l.startswith("DEK-Info:")),
         "malformed", "DEK-Info", "legacy encrypted EC key without its DEK-Info line"),
    ]:
        write(name, text.encode())
        must_reject(name, "pkey", "-in", os.path.join(OUT, name), "-passin", "file:" + PASS_FILE, "-noout")
        refused(name, code, says, what + " (passphrase.txt, the right one)", passphrase="yes")

    openssl("pkcs8", "-topk8", "-in", work("ec.pem"), "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256",
            "-passout", "file:" + PASS_FILE, "-outform", "der", "-out", work("ec.p8.der"))
    p8 = open(work("ec.p8.der"), "rb").read()
    for name, old, new, says, what in [
        ("pkcs8-unsupported-prf.der", oid("1.2.840.113549.2.9"), oid("1.2.840.113549.2.127"), "unsupported",
         "encrypted PKCS#8 whose PBKDF2 PRF is 1.2.840.113549.2.127"),
        ("pkcs8-unsupported-cipher.der", oid("2.16.840.1.101.3.4.1.42"), oid("2.16.840.1.101.3.4.1.127"),
         "unsupported", "encrypted PKCS#8 whose cipher is 2.16.840.1.101.3.4.1.127"),
        ("pkcs8-unsupported-kdf.der", oid("1.2.840.113549.1.5.12"), oid("1.2.840.113549.1.5.126"), "unsupported",
         "encrypted PKCS#8 whose key derivation is 1.2.840.113549.1.5.126"),
    ]:
        assert p8.count(old) == 1 and len(old) == len(new)
        write(name, p8.replace(old, new))
        must_reject(name, "pkey", "-inform", "der", "-in", os.path.join(OUT, name), "-passin",
                    "file:" + PASS_FILE, "-noout")
        refused(name, "unsupported", says, what + " (passphrase.txt, the right one)", passphrase="yes")

    # EncryptedPrivateKeyInfo > algorithm > PBES2 parameters > keyDerivationFunc > PBKDF2 parameters >
    # iterationCount, set to 0.
    name = "pkcs8-pbkdf2-zero-iterations.der"
    write(name, rebuild(p8, [0, 1, 0, 1, 1], tlv(0x02, b"\x00")))
    must_reject(name, "pkey", "-inform", "der", "-in", os.path.join(OUT, name), "-passin",
                "file:" + PASS_FILE, "-noout")
    refused(name, "malformed", "invalid iteration count",
            "encrypted PKCS#8 whose PBKDF2 iteration count is 0 (passphrase.txt, the right one)", passphrase="yes")


def main():
    global WORK
    WORK = tempfile.mkdtemp(prefix="pinhash-der-fixtures.")
    if not open(PASS_FILE).read() == PASSPHRASE:
        die("passphrase.txt does not hold the fixture passphrase")
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    try:
        make()
    except AssertionError as error:
        die("a self-check failed: %r" % (error,))
    header = "file\tforce\tpassphrase\toutcome\tcode\tpin\treencoded\tsubject\tsays\twhat\n"
    version = openssl("version").decode().strip()
    with open(os.path.join(FIX, "der.tsv"), "w") as f:
        f.write(header)
        f.write("# Generated by make-der-fixtures.py with %s; pins and subjects computed by openssl.\n" % version)
        f.write("\n".join(ROWS) + "\n")
    listed = {r.split("\t")[0] for r in ROWS}
    made = {"der/" + n for n in os.listdir(OUT)}
    if listed != made:
        die("files and rows differ: %s" % sorted(listed ^ made))
    for name in os.listdir(OUT):
        os.chmod(os.path.join(OUT, name), 0o644)
    shutil.rmtree(WORK, ignore_errors=True)
    print("der fixtures: %d files" % len(ROWS))


if __name__ == "__main__":
    main()
