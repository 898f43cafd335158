#!/usr/bin/env python3
"""Builds Sources/PinHash/Catalogue/CACatalogueData.swift, the CA catalogue pinhash names CA pins from.

Reads only committed files and the certificates of Debian's ca-certificates package:
  - the roots the package installs (`dpkg-query -L ca-certificates`: /usr/share/ca-certificates/**/*.crt;
    its version is recorded), not the merged /etc/ssl/certs/ca-certificates.crt, which also holds what
    an administrator added under /usr/local/share/ca-certificates (a company's proxy CA, say);
  - Catalogue/store-absent/FILE, the package's own copy of a root file it lists that is not on this machine
    (deselected in /etc/ca-certificates.conf, or removed), read only when its SHA-256 fingerprint is the one
    Catalogue/store-absent/SOURCES records as published by Mozilla or another trust store;
  - Catalogue/intermediates/CA/*.pem, the intermediates and cross-signs big public CAs publish, with
    Catalogue/intermediates/SOURCES naming where each came from.
Every pin is computed by the openssl command line (x509 -pubkey | pkey -pubin -outform der | dgst -sha256),
never by pinhash. Every intermediate must verify (signature only, -partial_chain) against a certificate of
the key it names as issuer, so a certificate copied wrongly or from an untrusted place is refused.

Usage: python3 Catalogue/make-catalogue.py [--store FILE] [--out FILE] [--date YYYY-MM-DD]
(--store: read the roots from this PEM bundle instead of the package's files)
"""

import argparse
import base64
import datetime
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
INTERMEDIATES = os.path.join(HERE, "intermediates")
STORE_ABSENT = os.path.join(HERE, "store-absent")
DEFAULT_OUT = os.path.join(ROOT, "Sources", "PinHash", "Catalogue", "CACatalogueData.swift")

# Pools of sibling intermediates a CA issues from interchangeably, by (organization, common name). Written
# by hand from the CAs' own documentation:
#   Let's Encrypt: https://letsencrypt.org/certificates/ ("Subordinate (Intermediate) CAs": the 2024
#     RSA R10-R14 and ECDSA E5-E9, issued from at random; the 2025 Gen Y hierarchy under Root YR/Root YE
#     with YR1-YR3 and YE1-YE3).
#   Google Trust Services: https://pki.goog/repository/ (the 2023 subordinates WR1-WR5 under GTS Root R1,
#     WR5's certificate under GTS Root R2, and WE1-WE4 under GTS Root R4).
#   Amazon Trust Services: https://www.amazontrust.com/repository/ (the 2022 subordinates Amazon RSA 2048
#     M01-M04 under Amazon Root CA 1, RSA 4096 M01-M04 under Root CA 2, ECDSA 256 M01-M04 under Root CA 3,
#     ECDSA 384 M01-M04 under Root CA 4; the 2025 subordinates RSA 2048 M05-M06, RSA 4096 M05, ECDSA 256
#     M05-M06 and ECDSA 384 M05-M06 under the same roots join the same pools).
#   Microsoft: https://learn.microsoft.com/azure/security/fundamentals/azure-ca-details ("Subordinate
#     Certificate Authorities": Azure services present any of the RSA TLS Issuing CA 03, 04, 07, 08 under
#     DigiCert Global Root G2 and ECC TLS Issuing CA 03, 04, 07, 08 under DigiCert Global Root G3; from 2025
#     the Microsoft TLS G2 RSA CA OCSP 02-16 (even numbers) under Microsoft TLS RSA Root G2 and the Microsoft
#     TLS G2 ECC CA OCSP 02-16 (even numbers) under Microsoft TLS ECC Root G2).
#   GlobalSign: https://www.globalsign.com/en/repository (the Atlas TLS issuing CAs rotate every quarter:
#     a certificate issued in 2025 comes from the Atlas R3 DV, R3 OV, ECCR5 DV or ECCR5 OV TLS CA 2025 Q1-Q4
#     of its quarter, under GlobalSign Root CA - R3 or ECC Root CA - R5; in 2026 from those TLS CA 2026 Q1-Q4,
#     or the Atlas R46 DV TLS CA 2026 Q1-Q4 under GlobalSign Root R46).
#   Apple: https://www.apple.com/certificateauthority/ (the Public Server RSA CA 1, 11, 12 - G1 and Public
#     Server ECC CA 1, 11, 12 - G1 its own sites are served from, each under another public root).
# DigiCert, Sectigo and ZeroSSL document no set of siblings they issue from interchangeably (each
# intermediate serves one product or key type), nor do GlobalSign's GCC CAs or Apple's EV CAs: no pool.
# A pool lists every member the CA names, whether or not its certificate is committed here.
POOLS = {
    "Let's Encrypt RSA 2024": ("Let's Encrypt", ["R10", "R11", "R12", "R13", "R14"]),
    "Let's Encrypt ECDSA 2024": ("Let's Encrypt", ["E5", "E6", "E7", "E8", "E9"]),
    "Let's Encrypt Gen Y RSA": ("Let's Encrypt", ["YR1", "YR2", "YR3"]),
    "Let's Encrypt Gen Y ECDSA": ("Let's Encrypt", ["YE1", "YE2", "YE3"]),
    "Google Trust Services RSA 2023": ("Google Trust Services", ["WR1", "WR2", "WR3", "WR4", "WR5"]),
    "Google Trust Services ECDSA 2023": ("Google Trust Services", ["WE1", "WE2", "WE3", "WE4"]),
    "Amazon RSA 2048": ("Amazon", ["Amazon RSA 2048 M0%d" % n for n in range(1, 7)]),
    "Amazon RSA 4096": ("Amazon", ["Amazon RSA 4096 M0%d" % n for n in range(1, 6)]),
    "Amazon ECDSA 256": ("Amazon", ["Amazon ECDSA 256 M0%d" % n for n in range(1, 7)]),
    "Amazon ECDSA 384": ("Amazon", ["Amazon ECDSA 384 M0%d" % n for n in range(1, 7)]),
    "Microsoft Azure RSA TLS": (
        "Microsoft Corporation",
        ["Microsoft Azure RSA TLS Issuing CA %s" % n for n in ("03", "04", "07", "08")],
    ),
    "Microsoft Azure ECC TLS": (
        "Microsoft Corporation",
        ["Microsoft Azure ECC TLS Issuing CA %s" % n for n in ("03", "04", "07", "08")],
    ),
    "Microsoft TLS G2 RSA": (
        "Microsoft Corporation",
        ["Microsoft TLS G2 RSA CA OCSP %02d" % n for n in range(2, 17, 2)],
    ),
    "Microsoft TLS G2 ECC": (
        "Microsoft Corporation",
        ["Microsoft TLS G2 ECC CA OCSP %02d" % n for n in range(2, 17, 2)],
    ),
    "GlobalSign Atlas R3 DV 2025": (
        "GlobalSign nv-sa",
        ["GlobalSign Atlas R3 DV TLS CA 2025 Q%d" % q for q in range(1, 5)],
    ),
    "GlobalSign Atlas R3 OV 2025": (
        "GlobalSign nv-sa",
        ["GlobalSign Atlas R3 OV TLS CA 2025 Q%d" % q for q in range(1, 5)],
    ),
    "GlobalSign Atlas ECCR5 DV 2025": (
        "GlobalSign nv-sa",
        ["GlobalSign Atlas ECCR5 DV TLS CA 2025 Q%d" % q for q in range(1, 5)],
    ),
    "GlobalSign Atlas ECCR5 OV 2025": (
        "GlobalSign nv-sa",
        ["GlobalSign Atlas ECCR5 OV TLS CA 2025 Q%d" % q for q in range(1, 5)],
    ),
    "GlobalSign Atlas R3 DV 2026": (
        "GlobalSign nv-sa",
        ["GlobalSign Atlas R3 DV TLS CA 2026 Q%d" % q for q in range(1, 5)],
    ),
    "GlobalSign Atlas R3 OV 2026": (
        "GlobalSign nv-sa",
        ["GlobalSign Atlas R3 OV TLS CA 2026 Q%d" % q for q in range(1, 5)],
    ),
    "GlobalSign Atlas ECCR5 DV 2026": (
        "GlobalSign nv-sa",
        ["GlobalSign Atlas ECCR5 DV TLS CA 2026 Q%d" % q for q in range(1, 5)],
    ),
    "GlobalSign Atlas ECCR5 OV 2026": (
        "GlobalSign nv-sa",
        ["GlobalSign Atlas ECCR5 OV TLS CA 2026 Q%d" % q for q in range(1, 5)],
    ),
    "GlobalSign Atlas R46 DV 2026": (
        "GlobalSign nv-sa",
        ["GlobalSign Atlas R46 DV TLS CA 2026 Q%d" % q for q in range(1, 5)],
    ),
    "Apple Public Server RSA": (
        "Apple Inc.",
        ["Apple Public Server RSA CA %s - G1" % n for n in ("1", "11", "12")],
    ),
    "Apple Public Server ECC": (
        "Apple Inc.",
        ["Apple Public Server ECC CA %s - G1" % n for n in ("1", "11", "12")],
    ),
}

# Roots whose self-signed certificate is not in the Debian 12 store (too new), known here through a
# cross-sign: they are roots all the same (letsencrypt.org/certificates/ lists Root YR and Root YE as roots;
# the Azure CA details page lists Microsoft TLS RSA Root G2 and ECC Root G2 under "Root Certificate Authorities").
ROOTS_OUTSIDE_STORE = {
    ("ISRG", "Root YR"),
    ("ISRG", "Root YE"),
    ("Microsoft Corporation", "Microsoft TLS RSA Root G2"),
    ("Microsoft Corporation", "Microsoft TLS ECC Root G2"),
}


def openssl(args, data):
    return subprocess.run(["openssl"] + args, input=data, capture_output=True, check=True).stdout


def pin_of(pem):
    """The pin by the openssl pipeline of the README: x509 -pubkey | pkey -pubin -outform der | dgst."""
    public_key = openssl(["x509", "-pubkey", "-noout"], pem)
    der = openssl(["pkey", "-pubin", "-outform", "der"], public_key)
    digest = openssl(["dgst", "-sha256", "-binary"], der)
    return base64.b64encode(digest).decode()


def name_fields(text):
    """`openssl x509 -nameopt multiline,utf8,-esc_msb` lines → [(field, value)]."""
    fields = []
    for line in text.splitlines()[1:]:
        if "=" in line:
            key, _, value = line.partition("=")
            fields.append((key.strip(), value.strip()))
    return fields


class Certificate:
    def __init__(self, pem, source, in_store):
        self.pem = pem
        self.source = source
        self.in_store = in_store
        self.pin = pin_of(pem)

        def read(*args):
            return openssl(["x509", "-noout", "-nameopt", "multiline,utf8,-esc_msb"] + list(args), pem).decode()

        self.subject = name_fields(read("-subject"))
        self.issuer = name_fields(read("-issuer"))
        self.subject_hash = read("-subject_hash").strip()
        self.issuer_hash = read("-issuer_hash").strip()
        dates = read("-startdate", "-enddate", "-dateopt", "iso_8601")
        self.not_before = re.search(r"notBefore=(\d{4}-\d\d-\d\d)", dates).group(1)
        self.not_after = re.search(r"notAfter=(\d{4}-\d\d-\d\d)", dates).group(1)
        extensions = read("-ext", "subjectKeyIdentifier,authorityKeyIdentifier")
        self.ski = self._identifier(extensions, "Subject Key Identifier")
        self.aki = self._identifier(extensions, "Authority Key Identifier")
        self.self_issued = self.subject_hash == self.issuer_hash and (self.aki is None or self.aki == self.ski)

    @staticmethod
    def _identifier(text, heading):
        match = re.search(heading + r":\s*\n\s*(?:keyid:)?([0-9A-F:]+)", text)
        return match.group(1) if match else None

    def field(self, key):
        values = [value for name, value in self.subject if name == key]
        return values[-1] if values else None


def read_pems(path):
    with open(path, "rb") as handle:
        text = handle.read()
    return re.findall(rb"-----BEGIN CERTIFICATE-----\n.*?-----END CERTIFICATE-----\n?", text, re.S)


def package_certificate_files():
    """The certificate files Debian's ca-certificates package installs, in order."""
    listing = subprocess.run(
        ["dpkg-query", "-L", "ca-certificates"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    files = sorted(
        path for path in listing if path.startswith("/usr/share/ca-certificates/") and path.endswith(".crt")
    )
    if not files:
        sys.exit("make-catalogue: dpkg-query -L ca-certificates lists no certificate files")
    # A file the package lists may have been removed by hand (a distrusted root); it is recorded as absent.
    return [path for path in files if os.path.exists(path)], [path for path in files if not os.path.exists(path)]


def sha256_fingerprint(pem):
    der = openssl(["x509", "-outform", "der"], pem)
    return openssl(["dgst", "-sha256", "-r"], der).decode().split()[0].upper()


def store_absent_copies():
    """Catalogue/store-absent/SOURCES: file name → the SHA-256 fingerprint published for it."""
    published = {}
    with open(os.path.join(STORE_ABSENT, "SOURCES"), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            file, fingerprint, _ = line.rstrip("\n").split("\t")
            published[file] = fingerprint
    return published


def read_sources():
    sources = {}
    with open(os.path.join(INTERMEDIATES, "SOURCES"), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            file, repository, path, commit = line.rstrip("\n").split("\t")
            sources[file] = repository if commit == "-" else f"{repository} {path} at {commit[:12]}"
    return sources


def verifies(certificate, issuer):
    """Whether `issuer`'s key signed `certificate` (signature and names only: -partial_chain trusts the
    issuer as given, -no_check_time ignores expiry, as a catalogue of keys should)."""
    with tempfile.NamedTemporaryFile("wb", suffix=".pem") as anchor, tempfile.NamedTemporaryFile(
        "wb", suffix=".pem"
    ) as subject:
        anchor.write(issuer.pem)
        anchor.flush()
        subject.write(certificate.pem)
        subject.flush()
        result = subprocess.run(
            ["openssl", "verify", "-partial_chain", "-no_check_time", "-CAfile", anchor.name, subject.name],
            capture_output=True,
        )
        return result.returncode == 0


def swift_escaped(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def swift_string(text):
    return '"' + swift_escaped(text) + '"'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=None)
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--date", default=datetime.datetime.now(datetime.timezone.utc).date().isoformat())
    arguments = parser.parse_args()

    version = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", "ca-certificates"], capture_output=True, text=True
    ).stdout.strip() or "unknown"
    store_source = f"ca-certificates {version}"
    store, absent = ([arguments.store], []) if arguments.store else package_certificate_files()
    certificates = [Certificate(pem, store_source, True) for path in store for pem in read_pems(path)]
    # A root file the package lists but this machine lacks is read from the package's own copy, checked
    # against the fingerprint published for it; without a copy it stays absent.
    published_fingerprints = store_absent_copies()
    copied = []
    for path in absent:
        name = os.path.basename(path)
        if name not in published_fingerprints:
            continue
        pems = read_pems(os.path.join(STORE_ABSENT, name))
        if len(pems) != 1 or sha256_fingerprint(pems[0]) != published_fingerprints[name]:
            sys.exit(f"make-catalogue: Catalogue/store-absent/{name} is not the certificate SOURCES names")
        source = f"{store_source} {name} (not on the machine the catalogue was made on; Catalogue/store-absent)"
        certificates.append(Certificate(pems[0], source, True))
        copied.append(path)
    sources = read_sources()
    published = 0
    for path in sorted(glob.glob(os.path.join(INTERMEDIATES, "*", "*.pem"))):
        relative = os.path.relpath(path, INTERMEDIATES)
        if relative not in sources:
            sys.exit(f"make-catalogue: {relative} is not named in Catalogue/intermediates/SOURCES")
        for pem in read_pems(path):
            certificate = Certificate(pem, sources[relative], False)
            # A self-signed certificate here would name a root nobody vouched for: roots come from the store.
            if certificate.self_issued:
                sys.exit(f"make-catalogue: {relative} is self-issued; a root belongs to the trust store")
            certificates.append(certificate)
            published += 1

    by_pin = {}
    for certificate in certificates:
        by_pin.setdefault(certificate.pin, []).append(certificate)

    def is_root(pin):
        group = by_pin[pin]
        return any(c.in_store and c.self_issued for c in group) or any(
            (c.field("organizationName"), c.field("commonName")) in ROOTS_OUTSIDE_STORE for c in group
        )

    # The key that issued each certificate: a certificate whose subject is the issuer's name and whose
    # key identifier is the authority key identifier, checked by the signature.
    issuers = {}
    for certificate in certificates:
        if certificate.self_issued:
            continue
        candidates = {
            c.pin
            for c in certificates
            if c.subject_hash == certificate.issuer_hash and (certificate.aki is None or c.ski == certificate.aki)
        }
        verified = {pin for pin in candidates if verifies(certificate, by_pin[pin][0])}
        if not verified and not certificate.in_store:
            sys.exit(f"make-catalogue: no key in the catalogue verifies {certificate.source} ({certificate.subject})")
        issuers.setdefault(certificate.pin, set()).update(verified)

    def roots_of(pin, seen):
        found = set()
        for issuer in issuers.get(pin, ()):
            if issuer in seen:
                continue
            if is_root(issuer):
                found.add(issuer)
            found |= roots_of(issuer, seen | {pin, issuer})
        found.discard(pin)
        return found

    def name_of(certificate, root):
        common = certificate.field("commonName")
        organization = certificate.field("organizationName")
        unit = certificate.field("organizationalUnitName")
        name = common or unit or organization or certificate.pin
        # A short intermediate name (`R11`, `WR2`, `Root YE`) is meaningless without its CA; a long one
        # (`Thawte TLS RSA CA G1`) names its brand already.
        short = common is not None and len(common.split()) < 3
        if not certificate.in_store and organization and short and common.split()[0] not in organization.split():
            name = f"{organization} {common}"
        return name

    def pool_of(certificate):
        key = (certificate.field("organizationName"), certificate.field("commonName"))
        for pool, (organization, members) in POOLS.items():
            if key[0] == organization and key[1] in members:
                return pool
        return None

    entries = []
    for pin, group in by_pin.items():
        root = is_root(pin)
        # The certificate the entry describes: the root's own, else the latest.
        group = sorted(group, key=lambda c: (root and c.self_issued and c.in_store, c.not_after), reverse=True)
        main_certificate = group[0]
        roots = sorted(roots_of(pin, set()), key=lambda p: name_of(by_pin[p][0], True))
        source = "; ".join(dict.fromkeys(c.source for c in group))
        entries.append(
            {
                "pin": pin,
                "name": name_of(main_certificate, root),
                "organization": main_certificate.field("organizationName") or "",
                "kind": "root" if root else "intermediate",
                "pool": pool_of(main_certificate) or "",
                "roots": " ".join(roots),
                "notBefore": main_certificate.not_before,
                "notAfter": main_certificate.not_after,
                "source": source,
            }
        )
    entries.sort(key=lambda e: (e["name"].casefold(), e["pin"]))

    fields = ["pin", "name", "organization", "kind", "pool", "roots", "notBefore", "notAfter", "source"]
    for entry in entries:
        for field in fields:
            if "\t" in entry[field] or "\n" in entry[field]:
                sys.exit(f"make-catalogue: a tab or newline in {field} of {entry['name']}")
    roots = sum(1 for e in entries if e["kind"] == "root")
    generated = (
        f"{arguments.date} by Catalogue/make-catalogue.py from {store_source} (Debian 12, {roots} root keys) "
        f"and {published} published CA certificates (Catalogue/intermediates/SOURCES)"
    )
    still_absent = [path for path in absent if path not in copied]
    lines = [
        "// Generated by Catalogue/make-catalogue.py (`make catalogue`); do not edit by hand.",
        "// swift-format-ignore-file",
        "",
        "extension CACatalogue {",
        "    /// The catalogue built into pinhash: every root of the system trust store it was generated from and",
        "    /// the intermediates the big public CAs publish. Made on first use (a static is initialised lazily),",
        "    /// so a run that names no CA pays nothing for it.",
        "    public static let builtIn = CACatalogue(",
        "        entries: CACatalogueData.rows.compactMap(CatalogueEntry.init(catalogueRow:)),",
        f"        generated: {swift_string(generated)})",
        "}",
        "",
        "/// The rows of the built-in catalogue, one per CA key, sorted by name: pin, name, organization, kind,",
        "/// pool, root pins (space-separated), notBefore, notAfter, source, separated by tabs.",
        "enum CACatalogueData {",
        f"    /// The Debian ca-certificates version the roots were read from.",
        f"    static let trustStoreVersion = {swift_string(version)}",
        "    /// The package's certificate files that were not on the machine the catalogue was made on and that",
        "    /// it read from the package's own copy (Catalogue/store-absent), its fingerprint checked.",
        "    static let trustStoreFilesCopied: [String] = ["
        + ", ".join(swift_string(path) for path in copied)
        + "]",
        "    /// The package's certificate files that were not on the machine the catalogue was made on, and not read.",
        "    static let trustStoreFilesAbsent: [String] = ["
        + ", ".join(swift_string(path) for path in still_absent)
        + "]",
        "    static let rows: [String] = [",
    ]
    for entry in entries:
        # The separator is the escape `\t` in the Swift literal, not a tab byte in the source.
        lines.append('        "' + "\\t".join(swift_escaped(entry[f]) for f in fields) + '",')
    lines += [
        "    ]",
        "",
        "    /// The pins of `rows`, sorted, for a binary search that does not build the catalogue.",
        "    static let sortedPins: [String] = [",
    ]
    lines += [f'        "{pin}",' for pin in sorted(e["pin"] for e in entries)]
    lines += ["    ]", "}", ""]
    text = "\n".join(lines)
    with open(arguments.out, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"make-catalogue: {len(entries)} entries ({roots} roots) → {os.path.relpath(arguments.out, ROOT)}")


if __name__ == "__main__":
    main()
