#!/usr/bin/env python3
"""make-schema-fixtures.py - certificates and requests that are DER but break (or bend) the X.509 schema as
OpenSSL's d2i_X509 and d2i_X509_REQ read it: an RDN that is a SEQUENCE, a name string that is not
Unicode, an INTEGER with a padding byte, a SEQUENCE with an element too many, an extension whose value
does not decode (which OpenSSL still reads), and so on.

Writes Fixtures/schema/ and Fixtures/schema.tsv, in der.tsv's columns (see make-der-fixtures.py, whose
helpers it uses). Every input is Fixtures/certs/leaf.der or Fixtures/csr/ec-p256.csr.der edited byte by
byte, so a second run writes the same files. Whether each is read comes from the openssl command line
(`openssl x509 -inform der -noout`, `openssl req -inform der -noout`: d2i_X509, d2i_X509_REQ), and each
pin from `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256`, never from
pinhash; the script stops when openssl does not read or refuse an input as the case intends. `says` is
the phrase pinhash's error or warning must hold. make-fixtures.sh calls it; it also runs alone:
    python3 Fixtures/make-schema-fixtures.py
"""

import base64
import importlib.util
import os
import shutil
import subprocess
import sys

FIX = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(FIX, "schema")
_spec = importlib.util.spec_from_file_location("der_fixtures", os.path.join(FIX, "make-der-fixtures.py"))
der = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(der)
tlv, parse, children, rebuild, oid = der.tlv, der.parse, der.children, der.rebuild, der.oid
ROWS = []


def die(message):
    sys.stderr.write("make-schema-fixtures: %s\n" % message)
    sys.exit(1)


def element(data, path):
    """The element at the child-index `path`."""
    for index in path:
        start, end = children(data)[index]
        data = data[start:end]
    return data


def with_children(data, path, change):
    """`data` with the children of the element at `path` replaced by change(list of children)."""
    node = element(data, path)
    parts = [node[s:e] for s, e in children(node)]
    return rebuild(data, path, tlv(node[0], b"".join(change(parts))))


def insert(data, path, index, new):
    return with_children(data, path, lambda parts: parts[:index] + [new] + parts[index:])


def remove(data, path):
    return with_children(data, path[:-1], lambda parts: parts[: path[-1]] + parts[path[-1] + 1 :])


def content(data):
    """The content of the element `data`."""
    _, header, size = parse(data)
    return data[header : header + size]


def openssl_reads(path, command):
    result = subprocess.run([der.OPENSSL, command, "-inform", "der", "-in", path, "-noout"], capture_output=True)
    return result.returncode == 0


def openssl_pin(path, command):
    spki = subprocess.run(
        "%s %s -inform der -in '%s' -pubkey -noout | %s pkey -pubin -outform der" % (der.OPENSSL, command, path, der.OPENSSL),
        shell=True, capture_output=True, check=True).stdout
    return der.pin(spki)


def case(name, data, outcome, says, what, command="x509", breaks_der=False):
    """`breaks_der`: openssl reads the input, but it breaks a rule of DER, so pinhash refuses it."""
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data)
    reads = openssl_reads(path, command)
    if reads != (outcome == "pinned" or breaks_der):
        die("openssl %s %s %s, not as the case intends" % (command, "reads" if reads else "refuses", name))
    pinned = outcome == "pinned"
    pin = openssl_pin(path, command) if pinned else "-"
    fields = ["schema/" + name, "-", "no", outcome, "-" if pinned else "malformed", pin, "-", "-", says, what]
    if any("\t" in f or "\n" in f for f in fields):
        die("tab or newline in a field of %s" % name)
    ROWS.append("\t".join(fields))


def make():
    cert = open(os.path.join(FIX, "certs/leaf.der"), "rb").read()
    if not openssl_reads(os.path.join(FIX, "certs/leaf.der"), "x509"):
        die("openssl does not read certs/leaf.der")
    tbs = element(cert, [0])
    # tbsCertificate: [0] version, serial, signature, issuer, validity, subject, SPKI, [3] extensions
    assert tbs[children(tbs)[0][0]] == 0xA0 and len(children(tbs)) == 8
    version, serial, signature, issuer, validity, subject, spki, extensions = ([0, i] for i in range(8))
    # The subject's third RDN (CN) and its value; the first extension is basicConstraints.
    cn = subject + [2, 0]
    cn_value = cn + [1]
    assert element(cert, cn + [0]) == oid("2.5.4.3")
    first_extension = extensions + [0, 0]
    assert element(cert, first_extension + [0]) == oid("2.5.29.19")

    def name_value(tag, content):
        return rebuild(cert, cn_value, tlv(tag, content))

    def extension(number):
        """The path of extension 2.5.29.`number`."""
        for index in range(len(children(element(cert, extensions + [0])))):
            if element(cert, extensions + [0, index, 0]) == oid("2.5.29.%d" % number):
                return extensions + [0, index]
        die("certs/leaf.der has no extension 2.5.29.%d" % number)

    def extension_value(number, content):
        path = extension(number)
        return rebuild(cert, path + [len(children(element(cert, path))) - 1], tlv(0x04, content))

    refused = "refused"
    # Names: structure.
    case("name-rdn-sequence.der", rebuild(cert, issuer + [1], tlv(0x30, content(element(cert, issuer + [1])))), refused,
         "where an RDN's SET belongs", "certificate whose issuer's second RDN is a SEQUENCE, not a SET (wrong tag)")
    case("name-attribute-three-elements.der", insert(cert, cn, 2, tlv(0x0C, b"x")), refused,
         "more than a type and a value", "certificate whose subject CN attribute has a third element")
    case("name-attribute-no-value.der", remove(cert, cn_value), refused, "without its value",
         "certificate whose subject CN attribute has a type and no value (field missing)")
    case("name-oid-empty.der", rebuild(cert, cn + [0], tlv(0x06, b"")), refused,
         "OBJECT IDENTIFIER that is not well-formed (empty)", "certificate whose subject attribute type OID is empty")
    case("name-oid-80.der", rebuild(cert, cn + [0], tlv(0x06, b"\x55\x80\x03")), refused,
         "OBJECT IDENTIFIER that is not well-formed (55 80 03)",
         "certificate whose subject attribute type OID has a subidentifier starting with 80")
    # Names: value types OpenSSL's ASN1_PRINTABLE refuses, and strings that are not Unicode.
    case("name-value-boolean.der", name_value(0x01, b"\xff"), refused, "which OpenSSL refuses in a name",
         "certificate whose subject CN value is a BOOLEAN (mstring wrong tag)")
    case("name-value-visiblestring.der", name_value(0x1A, b"www.example.com"), refused,
         "of type VisibleString, which OpenSSL refuses in a name",
         "certificate whose subject CN value is a VisibleString (mstring wrong tag)")
    case("name-value-context-tag.der", name_value(0x80, b"www.example.com"), refused, "non-universal tag [0]",
         "certificate whose subject CN value has tag [0] (mstring not universal)")
    case("name-utf8-overlong.der", name_value(0x0C, b"www\xc0\xaeexample.com"), refused, "not valid UTF-8",
         "certificate whose subject CN UTF8String holds the overlong C0 AE (invalid utf8string)")
    case("name-utf8-surrogate.der", name_value(0x0C, b"www\xed\xa0\x80"), refused, "not valid UTF-8",
         "certificate whose subject CN UTF8String holds the surrogate ED A0 80")
    case("name-utf8-above-10ffff.der", name_value(0x0C, b"\xf4\x90\x80\x80"), refused, "not valid UTF-8",
         "certificate whose subject CN UTF8String holds F4 90 80 80 (above U+10FFFF)")
    case("name-bmp-odd-length.der", name_value(0x1E, b"\x00w\x00"), refused, "BMPString of odd length",
         "certificate whose subject CN BMPString has 3 bytes (bmpstring is wrong length)")
    case("name-bmp-surrogate.der", name_value(0x1E, b"\x00w\xd8\x00"), refused, "BMPString",
         "certificate whose subject CN BMPString holds the surrogate D800 (illegal characters)")
    case("name-universal-length-6.der", name_value(0x1C, b"\x00\x00\x00w\x00\x00"), refused, "UniversalString",
         "certificate whose subject CN UniversalString has 6 bytes (universalstring is wrong length)")
    case("name-universal-above-10ffff.der", name_value(0x1C, b"\x00\x11\x00\x00"), refused, "UniversalString",
         "certificate whose subject CN UniversalString holds 110000 (illegal characters)")
    # Fixed SEQUENCEs with an element too many or too few, and fields of the wrong type.
    case("validity-three-times.der", insert(cert, validity, 2, element(cert, validity + [1])), refused,
         "more than notBefore and notAfter", "certificate whose Validity has a third time (sequence length mismatch)")
    case("validity-one-time.der", remove(cert, validity + [1]), refused, "no notAfter",
         "certificate whose Validity has no notAfter (field missing)")
    case("validity-printable-time.der", rebuild(cert, validity + [1], tlv(0x13, content(element(cert, validity + [1])))),
         refused, "a PrintableString where a UTCTime or GeneralizedTime belongs",
         "certificate whose notAfter is a PrintableString (mstring wrong tag)")
    case("signature-algorithm-three-elements.der",
         insert(insert(cert, signature, 1, tlv(0x05, b"")), signature, 1, tlv(0x05, b"")), refused,
         "more than an algorithm and its parameters",
         "certificate whose tbs signature AlgorithmIdentifier has three elements (sequence length mismatch)")
    case("signature-parameters-boolean-2.der", insert(cert, signature, 1, tlv(0x01, b"\x00\x00")), refused,
         "a BOOLEAN of 2 bytes", "certificate whose tbs signature parameters are a BOOLEAN of 2 bytes")
    case("signature-parameters-null-content.der", insert(cert, signature, 1, tlv(0x05, b"\x00")), refused,
         "a NULL that is not empty", "certificate whose tbs signature parameters are a NULL with a byte (null is wrong length)")
    case("signature-parameters-bmp-odd.der", insert(cert, signature, 1, tlv(0x1E, b"\x00")), refused,
         "BMPString of odd length", "certificate whose tbs signature parameters are a BMPString of 1 byte")
    case("outer-signature-oid-80.der", rebuild(cert, [1, 0], tlv(0x06, b"\x2a\x80\x48")), refused,
         "OBJECT IDENTIFIER that is not well-formed",
         "certificate whose outer signature algorithm OID has a subidentifier starting with 80")
    case("spki-parameters-integer-padded.der", rebuild(cert, spki + [0, 1], tlv(0x02, b"\x00\x01")), refused,
         "not minimal DER (it starts with 00 01)",
         "certificate whose SPKI algorithm parameters are the INTEGER 00 01 (illegal padding)")
    # INTEGERs.
    case("serial-empty.der", rebuild(cert, serial, tlv(0x02, b"")), refused, "an INTEGER with no bytes",
         "certificate whose serial number INTEGER is empty (illegal zero content)")
    case("serial-00-01.der", rebuild(cert, serial, tlv(0x02, b"\x00\x01")), refused,
         "not minimal DER (it starts with 00 01)", "certificate whose serial number is 00 01 (illegal padding)")
    case("serial-ff-80.der", rebuild(cert, serial, tlv(0x02, b"\xff\x80")), refused,
         "not minimal DER (it starts with ff 80)", "certificate whose serial number is FF 80 (illegal padding)")
    case("version-00-02.der", rebuild(cert, version, tlv(0xA0, tlv(0x02, b"\x00\x02"))), refused,
         "not minimal DER (it starts with 00 02)", "certificate whose version is 00 02 (illegal padding)")
    case("version-two-integers.der", rebuild(cert, version, tlv(0xA0, tlv(0x02, b"\x02") * 2)), refused,
         "more than one INTEGER", "certificate whose [0] version holds two INTEGERs (explicit length mismatch)")
    case("issuer-unique-id-empty.der", insert(cert, [0], 7, tlv(0x81, b"")), refused,
         "without its unused-bits byte", "certificate whose issuerUniqueID [1] is empty (string too short)")
    case("issuer-unique-id-constructed.der", insert(cert, [0], 7, tlv(0xA1, tlv(0x03, b"\x00\x01"))), refused,
         "whose constructed form (BER) DER forbids", "certificate whose issuerUniqueID [1] is constructed; OpenSSL reads it (BER)",
         breaks_der=True)
    # Extensions: their own structure, which d2i_X509 decodes.
    case("extension-boolean-2.der", rebuild(cert, first_extension + [1], tlv(0x01, b"\xff\xff")), refused,
         "a BOOLEAN of 2 bytes", "certificate whose basicConstraints critical flag is a BOOLEAN of 2 bytes")
    case("extension-four-elements.der", insert(cert, first_extension, 3, tlv(0x05, b"")), refused,
         "more than an identifier, a critical flag and a value",
         "certificate whose basicConstraints Extension has a fourth element (sequence length mismatch)")
    case("extension-no-value.der", remove(cert, first_extension + [2]), refused, "without its value",
         "certificate whose basicConstraints Extension has no OCTET STRING (field missing)")
    case("extension-oid-empty.der", rebuild(cert, first_extension + [0], tlv(0x06, b"")), refused,
         "OBJECT IDENTIFIER that is not well-formed (empty)", "certificate whose first extension's OID is empty")
    case("extensions-wrapper-two-elements.der",
         rebuild(cert, extensions, tlv(0xA3, element(cert, extensions + [0]) + tlv(0x30, b""))), refused,
         "more than one SEQUENCE of extensions", "certificate whose [3] holds a second SEQUENCE after the extensions")

    # What OpenSSL reads: extension values it decodes only when asked, and content it does not check.
    pinned = "pinned"
    case("basic-constraints-set.der", extension_value(19, tlv(0x31, b"")), pinned,
         "basicConstraints extension does not decode",
         "certificate whose basicConstraints value is a SET, not a SEQUENCE; OpenSSL reads it (EXFLAG_INVALID)")
    case("basic-constraints-truncated.der", extension_value(19, b"\x30\x0d\x01"), pinned,
         "basicConstraints extension does not decode",
         "certificate whose basicConstraints value claims 13 bytes and has 1")
    case("key-usage-integer.der", extension_value(15, tlv(0x02, b"\x05")), pinned, "keyUsage extension does not decode",
         "certificate whose keyUsage value is an INTEGER, not a BIT STRING")
    case("subject-alt-name-truncated.der", extension_value(17, b"\x30\x10\x82\x03www"), pinned,
         "subjectAltName extension does not decode", "certificate whose subjectAltName value is cut short")
    case("authority-key-identifier-empty.der", extension_value(35, b""), pinned,
         "authorityKeyIdentifier extension does not decode", "certificate whose authorityKeyIdentifier value is empty")
    case("extension-boolean-05.der", rebuild(cert, first_extension + [1], tlv(0x01, b"\x05")), pinned, "-",
         "certificate whose basicConstraints critical flag is the BOOLEAN 05 (OpenSSL reads any byte)")
    case("name-numeric-letters.der", name_value(0x12, b"www.example.com"), pinned, "-",
         "certificate whose subject CN is a NumericString holding letters (OpenSSL does not check it)")
    case("name-utf8-noncharacter.der", name_value(0x0C, b"www\xef\xbf\xbe"), pinned, "-",
         "certificate whose subject CN UTF8String holds U+FFFE, a noncharacter but Unicode")
    case("name-value-object-descriptor.der", name_value(0x07, b"www.example.com"), pinned, "-",
         "certificate whose subject CN value is an ObjectDescriptor, a type OpenSSL keeps as unknown")
    case("name-empty-rdn.der", rebuild(cert, cn[:-1], tlv(0x31, b"")), pinned, "-",
         "certificate whose subject's CN RDN is an empty SET")
    case("serial-ff-00.der", rebuild(cert, serial, tlv(0x02, b"\xff\x00")), pinned, "-",
         "certificate whose serial number is FF 00 (-256, minimal)")
    case("time-not-digits.der", rebuild(cert, validity + [1], tlv(0x18, b"ZZZZ")), pinned, "-",
         "certificate whose notAfter GeneralizedTime is ZZZZ (OpenSSL 3.0 does not read the digits)")
    case("issuer-unique-id.der", insert(cert, [0], 7, tlv(0x81, b"\x00\x01")), pinned, "-",
         "certificate with an issuerUniqueID [1]")

    # Requests: d2i_X509_REQ.
    csr = open(os.path.join(FIX, "csr/ec-p256.csr.der"), "rb").read()
    if not openssl_reads(os.path.join(FIX, "csr/ec-p256.csr.der"), "req"):
        die("openssl does not read csr/ec-p256.csr.der")
    info = element(csr, [0])
    assert len(children(info)) == 4 and info[children(info)[3][0]] == 0xA0
    password = tlv(0x30, oid("1.2.840.113549.1.9.7") + tlv(0x31, tlv(0x13, b"secret")))
    with_attribute = rebuild(csr, [0, 3], tlv(0xA0, password))
    attribute = [0, 3, 0]
    case("csr-version-00-00.der", rebuild(csr, [0, 0], tlv(0x02, b"\x00\x00")), refused,
         "not minimal DER (it starts with 00 00)", "CSR whose version is 00 00 (illegal padding)", command="req")
    case("csr-subject-utf8-invalid.der", rebuild(csr, [0, 1, 0, 0, 1], tlv(0x0C, b"\xff")), refused,
         "not valid UTF-8", "CSR whose subject CN UTF8String is the byte FF", command="req")
    case("csr-attribute-bmp-odd.der", rebuild(with_attribute, attribute + [1, 0], tlv(0x1E, b"s")), refused,
         "BMPString of odd length", "CSR whose challengePassword value is a BMPString of 1 byte", command="req")
    case("csr-attribute-values-sequence.der",
         rebuild(with_attribute, attribute + [1], tlv(0x30, content(element(with_attribute, attribute + [1])))), refused,
         "where an attribute's SET of values belongs", "CSR whose attribute values are a SEQUENCE, not a SET",
         command="req")
    case("csr-attribute-three-elements.der", insert(with_attribute, attribute, 2, tlv(0x05, b"")), refused,
         "more than a type and its values", "CSR whose attribute has a third element", command="req")
    case("csr-signature-algorithm-three-elements.der",
         insert(insert(csr, [1], 1, tlv(0x05, b"")), [1], 1, tlv(0x05, b"")), refused,
         "more than an algorithm and its parameters", "CSR whose signature AlgorithmIdentifier has three elements",
         command="req")
    case("csr-attribute-utf8-invalid.der", rebuild(with_attribute, attribute + [1, 0], tlv(0x0C, b"\xff")), pinned,
         "-", "CSR whose challengePassword is a UTF8String FF (attribute values are not checked)", command="req")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    try:
        make()
    except AssertionError as error:
        die("a self-check failed: %r" % (error,))
    version = der.openssl("version").decode().strip()
    with open(os.path.join(FIX, "schema.tsv"), "w") as f:
        f.write("file\tforce\tpassphrase\toutcome\tcode\tpin\treencoded\tsubject\tsays\twhat\n")
        f.write("# Generated by make-schema-fixtures.py with %s; read or refused and pins by openssl.\n" % version)
        f.write("\n".join(ROWS) + "\n")
    for name in os.listdir(OUT):
        os.chmod(os.path.join(OUT, name), 0o644)
    print("schema fixtures: %d files" % len(ROWS))


if __name__ == "__main__":
    main()
