#!/usr/bin/env python3
"""make-kdf-fixtures.py - encrypted keys and PKCS#12 files whose key derivation is hostile: an
iteration count of 2^31-1 hidden behind BER (indefinite lengths, a constructed OCTET STRING salt), an
scrypt salt of 64 KiB hashed 4*p*r times, scrypt parameters over OpenSSL's 32 MiB memory limit. Plus
ordinary scrypt and PKCS#12 files that must still give their pins.

Bases come from the openssl command line (OpenSSL 3.0); the BER is edited here with Python's standard
library. Every hostile file is checked against openssl: `openssl asn1parse` reads it, and `openssl pkey`
or `openssl pkcs12 -info` is still deriving after 3 seconds (timeout(1) ends it), so OpenSSL really
accepts the encoding and runs the derivation; the memory case fails in openssl with "memory limit
exceeded". Expected pins come from `openssl pkey -pubout` and `openssl dgst`, never from pinhash.

Writes Fixtures/kdf/*.{pem,der,p12} and Fixtures/kdf/kdf.tsv. Run:  python3 Fixtures/kdf/make-kdf-fixtures.py

kdf.tsv has der.tsv's columns (tab-separated; lines starting with # are comments):
  file        path under Fixtures/
  force       the type flag the test passes (- = auto-detection)
  passphrase  yes: read with passphrase.txt; no: without a passphrase
  outcome     pinned | refused
  code        refused: the PinHashError code (tooLarge, unsupported, ...); pinned: -
  pin         pinned: openssl's pin of the key; else -
  reencoded   always - here
  subject     always - here
  says        a phrase the error must contain; - for none
  what        what the file is
"""

import base64
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)
OPENSSL = os.environ.get("OPENSSL", "/usr/bin/openssl")
PASS_FILE = os.path.join(FIX, "passphrase.txt")
WORK = tempfile.mkdtemp(prefix="pinhash-kdf-fixtures.")
ROWS = []
HUGE = (2**31 - 1).to_bytes(4, "big")


def die(message):
    sys.stderr.write("make-kdf-fixtures: %s\n" % message)
    shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(1)


def openssl(*args, stdin=None):
    result = subprocess.run([OPENSSL, *args], input=stdin, capture_output=True)
    if result.returncode != 0:
        die("openssl %s failed: %s" % (" ".join(args), result.stderr.decode(errors="replace")))
    return result.stdout


# --- BER by hand: a tree of {tag, children | content}, re-encoded with chosen lengths indefinite ----------


def parse(data):
    """The elements of `data` (definite lengths only, as openssl writes DER)."""
    nodes, i = [], 0
    while i < len(data):
        tag, first, j = data[i], data[i + 1], i + 2
        if first < 0x80:
            size = first
        else:
            size = int.from_bytes(data[j : j + (first & 0x7F)], "big")
            j += first & 0x7F
        content = data[j : j + size]
        nodes.append({"tag": tag, "children": parse(content)} if tag & 0x20 else {"tag": tag, "content": content})
        i = j + size
    return nodes


def encapsulated(node):
    """An OCTET STRING whose content is DER, opened for editing (re-encoded as a primitive string)."""
    node["children"] = parse(node.pop("content"))
    node["encapsulated"] = True
    return node


def length(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode(node):
    body = b"".join(encode(c) for c in node["children"]) if "children" in node else node["content"]
    if node.get("indefinite"):
        assert node["tag"] & 0x20
        return bytes([node["tag"], 0x80]) + body + b"\x00\x00"
    return bytes([node["tag"]]) + length(len(body)) + body


def integer(value):
    return {"tag": 0x02, "content": value.to_bytes((value.bit_length() + 8) // 8, "big")}


def constructed_octet_string(data, pieces=2):
    """BER's constructed OCTET STRING (tag 0x24): `data` in `pieces` primitive parts, indefinite."""
    step = max(1, (len(data) + pieces - 1) // pieces)
    parts = [{"tag": 0x04, "content": data[i : i + step]} for i in range(0, len(data), step)]
    return {"tag": 0x24, "children": parts, "indefinite": True}


def indefinite(*nodes):
    for node in nodes:
        node["indefinite"] = True


def pem(label, der):
    text = base64.b64encode(der).decode()
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return ("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)).encode()


# --- Checks against openssl -----------------------------------------------------------------------------


def runs_long(*args):
    """openssl is still working after 3 seconds: it accepted the input and started the derivation."""
    result = subprocess.run(["timeout", "3", OPENSSL, *args], capture_output=True)
    if result.returncode != 124:
        die("openssl %s ended (status %d) instead of deriving for long: %s"
            % (" ".join(args), result.returncode, result.stderr.decode(errors="replace")))


def parses(path):
    openssl("asn1parse", "-inform", "DER", "-in", path, "-i")


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    return os.path.join(HERE, name)


def row(name, outcome, says, what, flags="-", passphrase="yes", code="-", pin="-"):
    ROWS.append("\t".join(["kdf/" + name, flags, passphrase, outcome, code, pin, "-", "-", says, what]))


def pin_of_key(path):
    spki = openssl("pkey", "-in", path, "-passin", "file:" + PASS_FILE, "-pubout", "-outform", "DER")
    return base64.b64encode(openssl("dgst", "-sha256", "-binary", stdin=spki)).decode()


# --- The files ------------------------------------------------------------------------------------------


def pbkdf2_key():
    """keys/rsa2048.pkcs8.enc.der: PBES2, PBKDF2 (2,048 iterations, hmacWithSHA256), AES-256-CBC."""
    with open(os.path.join(FIX, "keys/rsa2048.pkcs8.enc.der"), "rb") as f:
        (info,) = parse(f.read())
    algorithm = info["children"][0]
    pbes2_parameters = algorithm["children"][1]
    key_derivation = pbes2_parameters["children"][0]
    pbkdf2_parameters = key_derivation["children"][1]
    return info, algorithm, pbes2_parameters, key_derivation, pbkdf2_parameters


def make_pbkdf2():
    info, algorithm, pbes2, kdf, params = pbkdf2_key()
    params["children"][1] = {"tag": 0x02, "content": HUGE}
    indefinite(algorithm, pbes2, kdf, params)
    der = encode(info)
    parses(write("pbkdf2-indefinite.der", der))
    os.remove(os.path.join(HERE, "pbkdf2-indefinite.der"))
    path = write("pbkdf2-indefinite.pem", pem("ENCRYPTED PRIVATE KEY", der))
    runs_long("pkey", "-in", path, "-passin", "file:" + PASS_FILE, "-noout")
    row("pbkdf2-indefinite.pem", "refused", "2147483647", "PBES2 key: PBKDF2 with 2^31-1 iterations, its "
        "algorithm and parameters in indefinite lengths", code="tooLarge")

    info, algorithm, pbes2, kdf, params = pbkdf2_key()
    params["children"][1] = {"tag": 0x02, "content": HUGE}
    params["children"][0] = constructed_octet_string(params["children"][0]["content"])
    der = encode(info)
    path = write("pbkdf2-constructed-salt.der", der)
    parses(path)
    runs_long("pkey", "-inform", "DER", "-in", path, "-passin", "file:" + PASS_FILE, "-noout")
    row("pbkdf2-constructed-salt.der", "refused", "2147483647", "PBES2 key (DER): PBKDF2 with 2^31-1 "
        "iterations and its salt a constructed OCTET STRING", code="tooLarge")


def scrypt_key(n, r, p):
    key = os.path.join(FIX, "keys/ec-p256.pkcs8.pem")
    return openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-scrypt", "-scrypt_N", str(n), "-scrypt_r", str(r),
                   "-scrypt_p", str(p), "-in", key, "-passout", "file:" + PASS_FILE, "-outform", "DER")


def scrypt_parts(der):
    (info,) = parse(der)
    algorithm = info["children"][0]
    pbes2 = algorithm["children"][1]
    kdf = pbes2["children"][0]
    params = kdf["children"][1]
    return info, algorithm, pbes2, kdf, params


def make_scrypt():
    path = write("scrypt.pem", pem("ENCRYPTED PRIVATE KEY", scrypt_key(16384, 8, 1)))
    row("scrypt.pem", "pinned", "-", "scrypt key as `openssl pkcs8 -scrypt` writes it (N=16384, r=8, p=1, "
        "16 MiB): within every limit", pin=pin_of_key(path))

    # N=2, r=1, p=262000 is 128*r*(N+2) + 128*r*p = 33,536,512 bytes, just within OpenSSL's 32 MiB, and
    # N*r*p is only 524,000; but the first PBKDF2 pass hashes the 64 KiB salt 4*p*r = 1,048,000 times.
    salt = bytes(range(256)) * 256
    for name, ber in (("scrypt-big-salt.pem", False), ("scrypt-big-salt-ber.pem", True)):
        info, algorithm, pbes2, kdf, params = scrypt_parts(scrypt_key(1024, 8, 1))
        params["children"][0:4] = [{"tag": 0x04, "content": salt}, integer(2), integer(1), integer(262000)]
        if ber:
            params["children"][0] = constructed_octet_string(salt, pieces=4)
            indefinite(algorithm, pbes2, kdf, params)
        der = encode(info)
        parses(write("check.der", der))
        os.remove(os.path.join(HERE, "check.der"))
        path = write(name, pem("ENCRYPTED PRIVATE KEY", der))
        runs_long("pkey", "-in", path, "-passin", "file:" + PASS_FILE, "-noout")
        row(name, "refused", "65536-byte salt", "scrypt key: N=2, r=1, p=262000 and a 64 KiB salt%s (N*r*p is "
            "only 524,000; the salt is hashed 1,048,000 times)" % (", constructed, in indefinite lengths"
                                                                    if ber else ""), code="tooLarge")

    info, algorithm, pbes2, kdf, params = scrypt_parts(scrypt_key(1024, 8, 1))
    params["children"][1:4] = [integer(65536), integer(8), integer(1)]
    path = write("scrypt-64mib.pem", pem("ENCRYPTED PRIVATE KEY", encode(info)))
    result = subprocess.run([OPENSSL, "pkey", "-in", path, "-passin", "file:" + PASS_FILE, "-noout"],
                            capture_output=True)
    if result.returncode == 0 or b"memory limit exceeded" not in result.stderr:
        die("openssl did not refuse scrypt-64mib.pem for memory: %s" % result.stderr.decode(errors="replace"))
    for passphrase in ("yes", "no"):
        row("scrypt-64mib.pem", "refused", "64.01 MiB", "scrypt key: N=65536, r=8, p=1 needs 128*r*(N+2) + "
            "128*r*p bytes, more than OpenSSL's 32 MiB (openssl: memory limit exceeded)", passphrase=passphrase,
            code="unsupported")


def make_pkcs12():
    with open(os.path.join(FIX, "p12/leaf.p12"), "rb") as f:
        (pfx,) = parse(f.read())
    mac_data = pfx["children"][2]
    digest_info, _salt, iterations = mac_data["children"]
    mac_data["children"][2] = {"tag": 0x02, "content": HUGE}
    indefinite(digest_info, digest_info["children"][0])
    path = write("p12-mac-indefinite.p12", encode(pfx))
    parses(path)
    runs_long("pkcs12", "-info", "-noout", "-in", path, "-passin", "pass:x")
    for flags in ("--p12", "-"):
        row("p12-mac-indefinite.p12", "refused", "2147483647", "PKCS#12 (leaf.p12) whose MAC asks for 2^31-1 "
            "iterations, its DigestInfo in indefinite lengths", flags=flags, passphrase="no", code="tooLarge")

    # The key bag of a file without a MAC (so the edit is not caught by one) in indefinite lengths.
    with open(os.path.join(FIX, "p12/leaf-nomac.p12"), "rb") as f:
        (pfx,) = parse(f.read())
    authenticated_safe = encapsulated(pfx["children"][1]["children"][1]["children"][0])
    data_part = authenticated_safe["children"][0]["children"][1]
    safe_contents = encapsulated(data_part["children"][1]["children"][0])
    shrouded = safe_contents["children"][0]["children"][0]["children"][1]["children"][0]
    algorithm = shrouded["children"][0]
    pbes2 = algorithm["children"][1]
    kdf = pbes2["children"][0]
    params = kdf["children"][1]
    params["children"][1] = {"tag": 0x02, "content": HUGE}
    indefinite(pbes2, kdf, params)
    path = write("p12-keybag-indefinite.p12", encode(pfx))
    parses(path)
    runs_long("pkcs12", "-nocerts", "-nodes", "-out", "/dev/null", "-in", path, "-passin", "file:" + PASS_FILE)
    row("p12-keybag-indefinite.p12", "refused", "2147483647", "PKCS#12 without a MAC whose shrouded key bag "
        "asks for 2^31-1 PBKDF2 iterations in indefinite lengths", code="tooLarge")

    # PKCS#12's own PBE, in files without a MAC: pbeWithSHA1And40BitRC2-CBC on the certificates' safe,
    # pbeWithSHA1And3-KeyTripleDES-CBC on the key bag.
    legacy = openssl("pkcs12", "-export", "-legacy", "-nomac", "-certpbe", "PBE-SHA1-RC2-40", "-in",
                     os.path.join(FIX, "certs/leaf.pem"), "-inkey", os.path.join(FIX, "certs/leaf.key"),
                     "-passout", "file:" + PASS_FILE)
    for name, part in (("p12-legacy-safe-indefinite.p12", 0), ("p12-legacy-keybag-indefinite.p12", 1)):
        (pfx,) = parse(legacy)
        authenticated_safe = encapsulated(pfx["children"][1]["children"][1]["children"][0])
        content_info = authenticated_safe["children"][0]["children"][part]
        if part == 0:
            encrypted_content_info = content_info["children"][1]["children"][0]["children"][1]
            algorithm = encrypted_content_info["children"][1]
            what = "whose certificates' safe is encrypted with pbeWithSHA1And40BitRC2-CBC"
        else:
            safe_contents = encapsulated(content_info["children"][1]["children"][0])
            shrouded = safe_contents["children"][0]["children"][0]["children"][1]["children"][0]
            algorithm = shrouded["children"][0]
            what = "whose key bag is encrypted with pbeWithSHA1And3-KeyTripleDES-CBC"
        pbe_parameters = algorithm["children"][1]
        pbe_parameters["children"][1] = {"tag": 0x02, "content": HUGE}
        indefinite(algorithm, pbe_parameters)
        path = write(name, encode(pfx))
        parses(path)
        runs_long("pkcs12", "-legacy", "-nodes", "-out", "/dev/null", "-in", path, "-passin", "file:" + PASS_FILE)
        row(name, "refused", "2147483647", "PKCS#12 without a MAC %s, asking for 2^31-1 iterations in "
            "indefinite lengths" % what, code="tooLarge")


def main():
    for name in os.listdir(HERE):
        if name.endswith((".pem", ".der", ".p12")):
            os.remove(os.path.join(HERE, name))
    make_pbkdf2()
    make_scrypt()
    make_pkcs12()
    version = openssl("version").decode().strip()
    with open(os.path.join(HERE, "kdf.tsv"), "w") as f:
        f.write("file\tforce\tpassphrase\toutcome\tcode\tpin\treencoded\tsubject\tsays\twhat\n")
        f.write("# Generated by make-kdf-fixtures.py with %s; every hostile file checked against openssl.\n"
                % version)
        for line in ROWS:
            f.write(line + "\n")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
