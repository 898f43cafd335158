import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// The built-in CA catalogue against the certificates its script read: every pin recomputed by the openssl
/// pipeline, never by pinhash; names, pools and roots from the CAs' own documentation (hand-written here).
@Suite("CA catalogue")
struct CACatalogueTests {
    static let intermediates = PackagePaths.root.appendingPathComponent("Catalogue/intermediates")
    /// The certificate files Debian's ca-certificates package installs (not the merged bundle in
    /// /etc/ssl/certs, which also holds what the administrator added).
    static func packageCertificateFiles() throws -> [String] {
        let listing = try ExternalCommand.run("/usr/bin/dpkg-query", ["-L", "ca-certificates"])
        try #require(listing.succeeded, "dpkg-query: \(listing.firstErrorLine)")
        return listing.text.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("/usr/share/ca-certificates/") && $0.hasSuffix(".crt")
        }.sorted()
    }

    /// What the CAs publish about each committed certificate (letsencrypt.org/certificates, pki.goog,
    /// amazontrust.com/repository, the Azure CA details page, GlobalSign's quarterly Atlas CAs, Apple's Public
    /// Server CAs; DigiCert, Sectigo and ZeroSSL name each intermediate's issuing root in their repositories and
    /// document no pools): file, catalogue name,
    /// kind, pool, and the names of the roots it chains to, cross-signs included.
    static let published:
        [(file: String, name: String, kind: CatalogueEntry.Kind, pool: String?, roots: [String])] =
            [
                (
                    "letsencrypt/r10.pem", "Let's Encrypt R10", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/r11.pem", "Let's Encrypt R11", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/r12.pem", "Let's Encrypt R12", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/r13.pem", "Let's Encrypt R13", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/r14.pem", "Let's Encrypt R14", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/e5.pem", "Let's Encrypt E5", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/e6.pem", "Let's Encrypt E6", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/e7.pem", "Let's Encrypt E7", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/e8.pem", "Let's Encrypt E8", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/e9.pem", "Let's Encrypt E9", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/yr1.pem", "Let's Encrypt YR1", .intermediate, "Let's Encrypt Gen Y RSA",
                    ["ISRG Root X1", "ISRG Root YR"]
                ),
                (
                    "letsencrypt/yr2.pem", "Let's Encrypt YR2", .intermediate, "Let's Encrypt Gen Y RSA",
                    ["ISRG Root X1", "ISRG Root YR"]
                ),
                (
                    "letsencrypt/yr3.pem", "Let's Encrypt YR3", .intermediate, "Let's Encrypt Gen Y RSA",
                    ["ISRG Root X1", "ISRG Root YR"]
                ),
                (
                    "letsencrypt/ye1.pem", "Let's Encrypt YE1", .intermediate, "Let's Encrypt Gen Y ECDSA",
                    ["ISRG Root X2", "ISRG Root YE"]
                ),
                (
                    "letsencrypt/ye2.pem", "Let's Encrypt YE2", .intermediate, "Let's Encrypt Gen Y ECDSA",
                    ["ISRG Root X2", "ISRG Root YE"]
                ),
                (
                    "letsencrypt/ye3.pem", "Let's Encrypt YE3", .intermediate, "Let's Encrypt Gen Y ECDSA",
                    ["ISRG Root X2", "ISRG Root YE"]
                ),
                ("letsencrypt/root-yr-by-x1.pem", "ISRG Root YR", .root, nil, ["ISRG Root X1"]),
                ("letsencrypt/root-ye-by-x2.pem", "ISRG Root YE", .root, nil, ["ISRG Root X2"]),
                (
                    "google/wr2.pem", "Google Trust Services WR2", .intermediate,
                    "Google Trust Services RSA 2023",
                    ["GlobalSign Root CA", "GTS Root R1"]
                ),
                ("google/gts-root-r1-by-globalsign.pem", "GTS Root R1", .root, nil, ["GlobalSign Root CA"]),
                (
                    "amazon/m03.pem", "Amazon RSA 2048 M03", .intermediate, "Amazon RSA 2048",
                    ["Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"]
                ),
                (
                    "amazon/m04.pem", "Amazon RSA 2048 M04", .intermediate, "Amazon RSA 2048",
                    ["Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"]
                ),
                (
                    "amazon/amazon-root-ca-1-by-starfield-g2.pem", "Amazon Root CA 1", .root, nil,
                    ["Starfield Services Root Certificate Authority - G2"]
                ),
                (
                    "google/wr1.pem", "Google Trust Services WR1", .intermediate,
                    "Google Trust Services RSA 2023",
                    ["GlobalSign Root CA", "GTS Root R1"]
                ),
                (
                    "google/wr3.pem", "Google Trust Services WR3", .intermediate,
                    "Google Trust Services RSA 2023",
                    ["GlobalSign Root CA", "GTS Root R1"]
                ),
                (
                    "google/we1.pem", "Google Trust Services WE1", .intermediate,
                    "Google Trust Services ECDSA 2023",
                    ["GlobalSign Root CA", "GTS Root R4", "GlobalSign"]
                ),
                (
                    "google/we1-by-gsr4.pem", "Google Trust Services WE1", .intermediate,
                    "Google Trust Services ECDSA 2023",
                    ["GlobalSign Root CA", "GTS Root R4", "GlobalSign"]
                ),
                (
                    "google/we2.pem", "Google Trust Services WE2", .intermediate,
                    "Google Trust Services ECDSA 2023",
                    ["GlobalSign Root CA", "GTS Root R4"]
                ),
                (
                    "google/gts-root-r4-by-globalsign.pem", "GTS Root R4", .root,
                    nil,
                    ["GlobalSign Root CA"]
                ),
                (
                    "amazon/m01.pem", "Amazon RSA 2048 M01", .intermediate,
                    "Amazon RSA 2048",
                    ["Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"]
                ),
                (
                    "amazon/m02.pem", "Amazon RSA 2048 M02", .intermediate,
                    "Amazon RSA 2048",
                    ["Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"]
                ),
                (
                    "amazon/rsa-4096-m02.pem", "Amazon RSA 4096 M02", .intermediate,
                    "Amazon RSA 4096",
                    ["Amazon Root CA 2"]
                ),
                (
                    "amazon/ecdsa-256-m01.pem", "Amazon ECDSA 256 M01", .intermediate,
                    "Amazon ECDSA 256",
                    ["Amazon Root CA 3"]
                ),
                (
                    "amazon/ecdsa-256-m02.pem", "Amazon ECDSA 256 M02", .intermediate,
                    "Amazon ECDSA 256",
                    ["Amazon Root CA 3"]
                ),
                (
                    "amazon/ecdsa-384-m02.pem", "Amazon ECDSA 384 M02", .intermediate,
                    "Amazon ECDSA 384",
                    ["Amazon Root CA 4"]
                ),
                (
                    "digicert/tls-rsa-sha256-2020-ca1.pem", "DigiCert TLS RSA SHA256 2020 CA1", .intermediate,
                    nil,
                    ["DigiCert Global Root CA"]
                ),
                (
                    "digicert/tls-hybrid-ecc-sha384-2020-ca1.pem", "DigiCert TLS Hybrid ECC SHA384 2020 CA1",
                    .intermediate,
                    nil,
                    ["DigiCert Global Root CA"]
                ),
                (
                    "digicert/global-g2-tls-rsa-sha256-2020-ca1.pem",
                    "DigiCert Global G2 TLS RSA SHA256 2020 CA1", .intermediate,
                    nil,
                    ["DigiCert Global Root G2"]
                ),
                (
                    "digicert/global-g3-tls-ecc-sha384-2020-ca1.pem",
                    "DigiCert Global G3 TLS ECC SHA384 2020 CA1", .intermediate,
                    nil,
                    ["DigiCert Global Root G3"]
                ),
                (
                    "digicert/thawte-tls-rsa-ca-g1.pem", "Thawte TLS RSA CA G1", .intermediate,
                    nil,
                    ["DigiCert Global Root G2"]
                ),
                (
                    "digicert/geotrust-tls-rsa-ca-g1.pem", "GeoTrust TLS RSA CA G1", .intermediate,
                    nil,
                    ["DigiCert Global Root G2"]
                ),
                (
                    "digicert/encryption-everywhere-dv-tls-ca-g2.pem", "Encryption Everywhere DV TLS CA - G2",
                    .intermediate,
                    nil,
                    ["DigiCert Global Root G2"]
                ),
                (
                    "sectigo/rsa-dv-secure-server-ca.pem", "Sectigo RSA Domain Validation Secure Server CA",
                    .intermediate,
                    nil,
                    ["USERTrust RSA Certification Authority", "AAA Certificate Services"]
                ),
                (
                    "sectigo/ecc-dv-secure-server-ca.pem", "Sectigo ECC Domain Validation Secure Server CA",
                    .intermediate,
                    nil,
                    // USERTrust ECC is also cross-signed by AAA Certificate Services (the ZeroSSL ECC chain).
                    ["USERTrust ECC Certification Authority", "AAA Certificate Services"]
                ),
                (
                    "zerossl/rsa-domain-secure-site-ca.pem", "ZeroSSL RSA Domain Secure Site CA",
                    .intermediate,
                    nil,
                    ["USERTrust RSA Certification Authority", "AAA Certificate Services"]
                ),
                (
                    "globalsign/gcc-r3-dv-tls-ca-2020.pem", "GlobalSign GCC R3 DV TLS CA 2020", .intermediate,
                    nil,
                    ["GlobalSign"]
                ),
                (
                    "microsoft/azure-rsa-tls-issuing-ca-04.pem", "Microsoft Azure RSA TLS Issuing CA 04",
                    .intermediate,
                    "Microsoft Azure RSA TLS",
                    ["DigiCert Global Root G2"]
                ),
                (
                    "microsoft/azure-ecc-tls-issuing-ca-08.pem", "Microsoft Azure ECC TLS Issuing CA 08",
                    .intermediate,
                    "Microsoft Azure ECC TLS",
                    ["DigiCert Global Root G3"]
                ),
                (
                    "microsoft/azure-rsa-tls-issuing-ca-03.pem", "Microsoft Azure RSA TLS Issuing CA 03",
                    .intermediate,
                    "Microsoft Azure RSA TLS",
                    ["DigiCert Global Root G2"]
                ),
                (
                    "microsoft/azure-rsa-tls-issuing-ca-07.pem", "Microsoft Azure RSA TLS Issuing CA 07",
                    .intermediate,
                    "Microsoft Azure RSA TLS",
                    ["DigiCert Global Root G2"]
                ),
                (
                    "microsoft/azure-rsa-tls-issuing-ca-08.pem", "Microsoft Azure RSA TLS Issuing CA 08",
                    .intermediate,
                    "Microsoft Azure RSA TLS",
                    ["DigiCert Global Root G2"]
                ),
                (
                    "microsoft/azure-ecc-tls-issuing-ca-03.pem", "Microsoft Azure ECC TLS Issuing CA 03",
                    .intermediate,
                    "Microsoft Azure ECC TLS",
                    ["DigiCert Global Root G3"]
                ),
                (
                    "microsoft/azure-ecc-tls-issuing-ca-04.pem", "Microsoft Azure ECC TLS Issuing CA 04",
                    .intermediate,
                    "Microsoft Azure ECC TLS",
                    ["DigiCert Global Root G3"]
                ),
                (
                    "microsoft/azure-ecc-tls-issuing-ca-07.pem", "Microsoft Azure ECC TLS Issuing CA 07",
                    .intermediate,
                    "Microsoft Azure ECC TLS",
                    ["DigiCert Global Root G3"]
                ),
                (
                    "microsoft/tls-rsa-root-g2-by-digicert-global-g2.pem", "Microsoft TLS RSA Root G2", .root,
                    nil,
                    ["DigiCert Global Root G2"]
                ),
                (
                    "microsoft/tls-g2-rsa-ca-ocsp-02.pem", "Microsoft TLS G2 RSA CA OCSP 02", .intermediate,
                    "Microsoft TLS G2 RSA",
                    ["Microsoft TLS RSA Root G2", "DigiCert Global Root G2"]
                ),
                (
                    "microsoft/tls-g2-rsa-ca-ocsp-04.pem", "Microsoft TLS G2 RSA CA OCSP 04", .intermediate,
                    "Microsoft TLS G2 RSA",
                    ["Microsoft TLS RSA Root G2", "DigiCert Global Root G2"]
                ),
                (
                    "microsoft/tls-g2-rsa-ca-ocsp-06.pem", "Microsoft TLS G2 RSA CA OCSP 06", .intermediate,
                    "Microsoft TLS G2 RSA",
                    ["Microsoft TLS RSA Root G2", "DigiCert Global Root G2"]
                ),
                (
                    "microsoft/tls-g2-rsa-ca-ocsp-08.pem", "Microsoft TLS G2 RSA CA OCSP 08", .intermediate,
                    "Microsoft TLS G2 RSA",
                    ["Microsoft TLS RSA Root G2", "DigiCert Global Root G2"]
                ),
                (
                    "microsoft/tls-g2-rsa-ca-ocsp-10.pem", "Microsoft TLS G2 RSA CA OCSP 10", .intermediate,
                    "Microsoft TLS G2 RSA",
                    ["Microsoft TLS RSA Root G2", "DigiCert Global Root G2"]
                ),
                (
                    "microsoft/tls-g2-rsa-ca-ocsp-12.pem", "Microsoft TLS G2 RSA CA OCSP 12", .intermediate,
                    "Microsoft TLS G2 RSA",
                    ["Microsoft TLS RSA Root G2", "DigiCert Global Root G2"]
                ),
                (
                    "microsoft/tls-g2-rsa-ca-ocsp-14.pem", "Microsoft TLS G2 RSA CA OCSP 14", .intermediate,
                    "Microsoft TLS G2 RSA",
                    ["Microsoft TLS RSA Root G2", "DigiCert Global Root G2"]
                ),
                (
                    "microsoft/tls-g2-rsa-ca-ocsp-16.pem", "Microsoft TLS G2 RSA CA OCSP 16", .intermediate,
                    "Microsoft TLS G2 RSA",
                    ["Microsoft TLS RSA Root G2", "DigiCert Global Root G2"]
                ),
                (
                    "google/gts-ca-1c3.pem", "GTS CA 1C3", .intermediate,
                    nil,
                    ["GTS Root R1", "GlobalSign Root CA"]
                ),
                (
                    "google/gts-ca-1d4.pem", "GTS CA 1D4", .intermediate,
                    nil,
                    ["GTS Root R1", "GlobalSign Root CA"]
                ),
                (
                    "google/gts-ca-1d8.pem", "GTS CA 1D8", .intermediate,
                    nil,
                    ["GTS Root R2"]
                ),
                (
                    "google/gts-ca-2d3.pem", "GTS CA 2D3", .intermediate,
                    nil,
                    ["GTS Root R3"]
                ),
                (
                    "google/gts-ca-2p2.pem", "GTS CA 2P2", .intermediate,
                    nil,
                    ["GTS Root R4", "GlobalSign Root CA"]
                ),
                (
                    "google/gts-ca-2d4.pem", "GTS CA 2D4", .intermediate,
                    nil,
                    ["GlobalSign"]
                ),
                (
                    "zerossl/ecc-domain-secure-site-ca.pem", "ZeroSSL ECC Domain Secure Site CA",
                    .intermediate,
                    nil,
                    ["USERTrust ECC Certification Authority", "AAA Certificate Services"]
                ),
                (
                    "sectigo/usertrust-ecc-by-aaa-certificate-services.pem",
                    "USERTrust ECC Certification Authority", .root,
                    nil,
                    ["AAA Certificate Services"]
                ),
                (
                    "sectigo/public-server-authentication-ca-dv-r36.pem",
                    "Sectigo Public Server Authentication CA DV R36", .intermediate,
                    nil,
                    [
                        "Sectigo Public Server Authentication Root R46",
                        "USERTrust RSA Certification Authority", "AAA Certificate Services",
                    ]
                ),
                (
                    "sectigo/public-server-authentication-ca-ov-r36.pem",
                    "Sectigo Public Server Authentication CA OV R36", .intermediate,
                    nil,
                    [
                        "Sectigo Public Server Authentication Root R46",
                        "USERTrust RSA Certification Authority", "AAA Certificate Services",
                    ]
                ),
                (
                    "sectigo/public-server-authentication-ca-dv-e36.pem",
                    "Sectigo Public Server Authentication CA DV E36", .intermediate,
                    nil,
                    [
                        "Sectigo Public Server Authentication Root E46",
                        "USERTrust ECC Certification Authority", "AAA Certificate Services",
                    ]
                ),
                (
                    "sectigo/root-r46-by-usertrust-rsa.pem", "Sectigo Public Server Authentication Root R46",
                    .root,
                    nil,
                    ["USERTrust RSA Certification Authority", "AAA Certificate Services"]
                ),
                (
                    "sectigo/root-e46-by-usertrust-ecc.pem", "Sectigo Public Server Authentication Root E46",
                    .root,
                    nil,
                    ["USERTrust ECC Certification Authority", "AAA Certificate Services"]
                ),
                (
                    "globalsign/gcc-r6-alphassl-ca-2023.pem", "GlobalSign GCC R6 AlphaSSL CA 2023",
                    .intermediate,
                    nil,
                    ["GlobalSign"]
                ),
                (
                    "apple/public-server-rsa-ca-12-g1.pem", "Apple Public Server RSA CA 12 - G1",
                    .intermediate,
                    "Apple Public Server RSA",
                    ["AAA Certificate Services"]
                ),
                (
                    "apple/public-ev-server-rsa-ca-1-g1.pem", "Apple Public EV Server RSA CA 1 - G1",
                    .intermediate,
                    nil,
                    ["DigiCert Global Root G2"]
                ),
                (
                    "google/wr4.pem", "Google Trust Services WR4", .intermediate,
                    "Google Trust Services RSA 2023",
                    ["GlobalSign Root CA", "GTS Root R1"]
                ),
                // WR5 is issued by GTS Root R2, which GlobalSign has not cross-signed.
                (
                    "google/wr5.pem", "Google Trust Services WR5", .intermediate,
                    "Google Trust Services RSA 2023",
                    ["GTS Root R2"]
                ),
                (
                    "google/we3.pem", "Google Trust Services WE3", .intermediate,
                    "Google Trust Services ECDSA 2023",
                    ["GlobalSign Root CA", "GTS Root R4", "GlobalSign"]
                ),
                (
                    "google/we3-by-gsr4.pem", "Google Trust Services WE3", .intermediate,
                    "Google Trust Services ECDSA 2023",
                    ["GlobalSign Root CA", "GTS Root R4", "GlobalSign"]
                ),
                (
                    "google/we4.pem", "Google Trust Services WE4", .intermediate,
                    "Google Trust Services ECDSA 2023",
                    ["GlobalSign Root CA", "GTS Root R4", "GlobalSign"]
                ),
                (
                    "google/we4-by-gsr4.pem", "Google Trust Services WE4", .intermediate,
                    "Google Trust Services ECDSA 2023",
                    ["GlobalSign Root CA", "GTS Root R4", "GlobalSign"]
                ),
                (
                    "sectigo/public-server-authentication-ca-ov-e36.pem",
                    "Sectigo Public Server Authentication CA OV E36", .intermediate,
                    nil,
                    [
                        "Sectigo Public Server Authentication Root E46",
                        "USERTrust ECC Certification Authority", "AAA Certificate Services",
                    ]
                ),
                (
                    "microsoft/tls-ecc-root-g2-by-digicert-global-g3.pem", "Microsoft TLS ECC Root G2", .root,
                    nil,
                    ["DigiCert Global Root G3"]
                ),
                (
                    "microsoft/tls-g2-ecc-ca-ocsp-02.pem", "Microsoft TLS G2 ECC CA OCSP 02", .intermediate,
                    "Microsoft TLS G2 ECC",
                    ["Microsoft TLS ECC Root G2", "DigiCert Global Root G3"]
                ),
                (
                    "microsoft/tls-g2-ecc-ca-ocsp-04.pem", "Microsoft TLS G2 ECC CA OCSP 04", .intermediate,
                    "Microsoft TLS G2 ECC",
                    ["Microsoft TLS ECC Root G2", "DigiCert Global Root G3"]
                ),
                (
                    "microsoft/tls-g2-ecc-ca-ocsp-08.pem", "Microsoft TLS G2 ECC CA OCSP 08", .intermediate,
                    "Microsoft TLS G2 ECC",
                    ["Microsoft TLS ECC Root G2", "DigiCert Global Root G3"]
                ),
                (
                    "globalsign/atlas-r3-dv-tls-ca-2025-q1.pem",
                    "GlobalSign Atlas R3 DV TLS CA 2025 Q1", .intermediate,
                    "GlobalSign Atlas R3 DV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-dv-tls-ca-2025-q2.pem",
                    "GlobalSign Atlas R3 DV TLS CA 2025 Q2", .intermediate,
                    "GlobalSign Atlas R3 DV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-dv-tls-ca-2025-q3.pem",
                    "GlobalSign Atlas R3 DV TLS CA 2025 Q3", .intermediate,
                    "GlobalSign Atlas R3 DV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-dv-tls-ca-2025-q4.pem",
                    "GlobalSign Atlas R3 DV TLS CA 2025 Q4", .intermediate,
                    "GlobalSign Atlas R3 DV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-ov-tls-ca-2025-q1.pem",
                    "GlobalSign Atlas R3 OV TLS CA 2025 Q1", .intermediate,
                    "GlobalSign Atlas R3 OV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-ov-tls-ca-2025-q2.pem",
                    "GlobalSign Atlas R3 OV TLS CA 2025 Q2", .intermediate,
                    "GlobalSign Atlas R3 OV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-ov-tls-ca-2025-q3.pem",
                    "GlobalSign Atlas R3 OV TLS CA 2025 Q3", .intermediate,
                    "GlobalSign Atlas R3 OV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-ov-tls-ca-2025-q4.pem",
                    "GlobalSign Atlas R3 OV TLS CA 2025 Q4", .intermediate,
                    "GlobalSign Atlas R3 OV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-dv-tls-ca-2025-q1.pem",
                    "GlobalSign Atlas ECCR5 DV TLS CA 2025 Q1", .intermediate,
                    "GlobalSign Atlas ECCR5 DV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-dv-tls-ca-2025-q2.pem",
                    "GlobalSign Atlas ECCR5 DV TLS CA 2025 Q2", .intermediate,
                    "GlobalSign Atlas ECCR5 DV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-dv-tls-ca-2025-q3.pem",
                    "GlobalSign Atlas ECCR5 DV TLS CA 2025 Q3", .intermediate,
                    "GlobalSign Atlas ECCR5 DV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-dv-tls-ca-2025-q4.pem",
                    "GlobalSign Atlas ECCR5 DV TLS CA 2025 Q4", .intermediate,
                    "GlobalSign Atlas ECCR5 DV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-ov-tls-ca-2025-q1.pem",
                    "GlobalSign Atlas ECCR5 OV TLS CA 2025 Q1", .intermediate,
                    "GlobalSign Atlas ECCR5 OV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-ov-tls-ca-2025-q2.pem",
                    "GlobalSign Atlas ECCR5 OV TLS CA 2025 Q2", .intermediate,
                    "GlobalSign Atlas ECCR5 OV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-ov-tls-ca-2025-q3.pem",
                    "GlobalSign Atlas ECCR5 OV TLS CA 2025 Q3", .intermediate,
                    "GlobalSign Atlas ECCR5 OV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-ov-tls-ca-2025-q4.pem",
                    "GlobalSign Atlas ECCR5 OV TLS CA 2025 Q4", .intermediate,
                    "GlobalSign Atlas ECCR5 OV 2025",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/gcc-r6-alphassl-ca-2025.pem",
                    "GlobalSign GCC R6 AlphaSSL CA 2025", .intermediate,
                    nil,
                    ["GlobalSign"]
                ),
                (
                    "apple/public-server-ecc-ca-1-g1.pem",
                    "Apple Public Server ECC CA 1 - G1", .intermediate,
                    "Apple Public Server ECC",
                    ["DigiCert Global Root G3"]
                ),
                (
                    "apple/public-server-ecc-ca-11-g1.pem",
                    "Apple Public Server ECC CA 11 - G1", .intermediate,
                    "Apple Public Server ECC",
                    ["COMODO ECC Certification Authority"]
                ),
                (
                    "apple/public-server-ecc-ca-12-g1.pem",
                    "Apple Public Server ECC CA 12 - G1", .intermediate,
                    "Apple Public Server ECC",
                    ["AAA Certificate Services"]
                ),
                // Under USERTrust RSA, which AAA Certificate Services cross-signs.
                (
                    "apple/public-server-rsa-ca-11-g1.pem",
                    "Apple Public Server RSA CA 11 - G1", .intermediate,
                    "Apple Public Server RSA",
                    ["USERTrust RSA Certification Authority", "AAA Certificate Services"]
                ),
                (
                    "sectigo/usertrust-rsa-by-aaa-certificate-services.pem",
                    "USERTrust RSA Certification Authority", .root,
                    nil,
                    ["AAA Certificate Services"]
                ),
                (
                    "amazon/rsa-4096-m01.pem",
                    "Amazon RSA 4096 M01", .intermediate,
                    "Amazon RSA 4096",
                    ["Amazon Root CA 2"]
                ),
                (
                    "amazon/rsa-4096-m03.pem",
                    "Amazon RSA 4096 M03", .intermediate,
                    "Amazon RSA 4096",
                    ["Amazon Root CA 2"]
                ),
                (
                    "amazon/rsa-4096-m04.pem",
                    "Amazon RSA 4096 M04", .intermediate,
                    "Amazon RSA 4096",
                    ["Amazon Root CA 2"]
                ),
                (
                    "amazon/ecdsa-256-m04.pem",
                    "Amazon ECDSA 256 M04", .intermediate,
                    "Amazon ECDSA 256",
                    ["Amazon Root CA 3"]
                ),
                (
                    "amazon/rsa-2048-m05.pem",
                    "Amazon RSA 2048 M05", .intermediate,
                    "Amazon RSA 2048",
                    ["Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"]
                ),
                (
                    "amazon/rsa-2048-m06.pem",
                    "Amazon RSA 2048 M06", .intermediate,
                    "Amazon RSA 2048",
                    ["Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"]
                ),
                (
                    "amazon/rsa-4096-m05.pem",
                    "Amazon RSA 4096 M05", .intermediate,
                    "Amazon RSA 4096",
                    ["Amazon Root CA 2"]
                ),
                (
                    "amazon/ecdsa-256-m03.pem",
                    "Amazon ECDSA 256 M03", .intermediate,
                    "Amazon ECDSA 256",
                    ["Amazon Root CA 3"]
                ),
                (
                    "amazon/ecdsa-256-m05.pem",
                    "Amazon ECDSA 256 M05", .intermediate,
                    "Amazon ECDSA 256",
                    ["Amazon Root CA 3"]
                ),
                (
                    "amazon/ecdsa-256-m06.pem",
                    "Amazon ECDSA 256 M06", .intermediate,
                    "Amazon ECDSA 256",
                    ["Amazon Root CA 3"]
                ),
                (
                    "amazon/ecdsa-384-m01.pem",
                    "Amazon ECDSA 384 M01", .intermediate,
                    "Amazon ECDSA 384",
                    ["Amazon Root CA 4"]
                ),
                (
                    "amazon/ecdsa-384-m03.pem",
                    "Amazon ECDSA 384 M03", .intermediate,
                    "Amazon ECDSA 384",
                    ["Amazon Root CA 4"]
                ),
                (
                    "amazon/ecdsa-384-m04.pem",
                    "Amazon ECDSA 384 M04", .intermediate,
                    "Amazon ECDSA 384",
                    ["Amazon Root CA 4"]
                ),
                (
                    "amazon/ecdsa-384-m05.pem",
                    "Amazon ECDSA 384 M05", .intermediate,
                    "Amazon ECDSA 384",
                    ["Amazon Root CA 4"]
                ),
                (
                    "amazon/ecdsa-384-m06.pem",
                    "Amazon ECDSA 384 M06", .intermediate,
                    "Amazon ECDSA 384",
                    ["Amazon Root CA 4"]
                ),
                (
                    "globalsign/atlas-r3-dv-tls-ca-2026-q1.pem",
                    "GlobalSign Atlas R3 DV TLS CA 2026 Q1", .intermediate,
                    "GlobalSign Atlas R3 DV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-dv-tls-ca-2026-q2.pem",
                    "GlobalSign Atlas R3 DV TLS CA 2026 Q2", .intermediate,
                    "GlobalSign Atlas R3 DV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-dv-tls-ca-2026-q3.pem",
                    "GlobalSign Atlas R3 DV TLS CA 2026 Q3", .intermediate,
                    "GlobalSign Atlas R3 DV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-ov-tls-ca-2026-q1.pem",
                    "GlobalSign Atlas R3 OV TLS CA 2026 Q1", .intermediate,
                    "GlobalSign Atlas R3 OV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-ov-tls-ca-2026-q2.pem",
                    "GlobalSign Atlas R3 OV TLS CA 2026 Q2", .intermediate,
                    "GlobalSign Atlas R3 OV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r3-ov-tls-ca-2026-q3.pem",
                    "GlobalSign Atlas R3 OV TLS CA 2026 Q3", .intermediate,
                    "GlobalSign Atlas R3 OV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-dv-tls-ca-2026-q1.pem",
                    "GlobalSign Atlas ECCR5 DV TLS CA 2026 Q1", .intermediate,
                    "GlobalSign Atlas ECCR5 DV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-dv-tls-ca-2026-q2.pem",
                    "GlobalSign Atlas ECCR5 DV TLS CA 2026 Q2", .intermediate,
                    "GlobalSign Atlas ECCR5 DV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-dv-tls-ca-2026-q3.pem",
                    "GlobalSign Atlas ECCR5 DV TLS CA 2026 Q3", .intermediate,
                    "GlobalSign Atlas ECCR5 DV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-ov-tls-ca-2026-q1.pem",
                    "GlobalSign Atlas ECCR5 OV TLS CA 2026 Q1", .intermediate,
                    "GlobalSign Atlas ECCR5 OV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-ov-tls-ca-2026-q2.pem",
                    "GlobalSign Atlas ECCR5 OV TLS CA 2026 Q2", .intermediate,
                    "GlobalSign Atlas ECCR5 OV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-eccr5-ov-tls-ca-2026-q3.pem",
                    "GlobalSign Atlas ECCR5 OV TLS CA 2026 Q3", .intermediate,
                    "GlobalSign Atlas ECCR5 OV 2026",
                    ["GlobalSign"]
                ),
                (
                    "globalsign/atlas-r46-dv-tls-ca-2026-q2.pem",
                    "GlobalSign Atlas R46 DV TLS CA 2026 Q2", .intermediate,
                    "GlobalSign Atlas R46 DV 2026",
                    ["GlobalSign Root R46"]
                ),
                (
                    "globalsign/atlas-r46-dv-tls-ca-2026-q3.pem",
                    "GlobalSign Atlas R46 DV TLS CA 2026 Q3", .intermediate,
                    "GlobalSign Atlas R46 DV 2026",
                    ["GlobalSign Root R46"]
                ),
                (
                    "globalsign/atlas-r46-dv-tls-ca-2026-q4.pem",
                    "GlobalSign Atlas R46 DV TLS CA 2026 Q4", .intermediate,
                    "GlobalSign Atlas R46 DV 2026",
                    ["GlobalSign Root R46"]
                ),
            ]

    /// The pin of the first certificate in `pem` by the openssl pipeline the README gives.
    static func opensslPin(ofCertificate pem: String) throws -> Pin {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID()).pem")
        try Data(pem.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ExternalCommand.run(
            ExternalCommand.shell,
            [
                "-c",
                "openssl x509 -pubkey -noout -in \"$1\" | openssl pkey -pubin -outform der "
                    + "| openssl dgst -sha256 -binary | base64",
                "sh", file.path,
            ])
        try #require(result.succeeded, "openssl: \(result.firstErrorLine)")
        return try #require(Pin(base64: result.text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    static func certificates(in text: String) -> [String] {
        text.components(separatedBy: "-----END CERTIFICATE-----").compactMap { part in
            part.range(of: "-----BEGIN CERTIFICATE-----").map {
                String(part[$0.lowerBound...]) + "-----END CERTIFICATE-----\n"
            }
        }
    }

    @Test("every generated row reads, and no key has two rows")
    func everyRowReads() {
        let catalogue = CACatalogue.builtIn
        #expect(catalogue.entries.count == CACatalogueData.rows.count)
        #expect(Set(catalogue.entries.map(\.pin)).count == catalogue.entries.count)
        #expect(CACatalogueData.sortedPins == catalogue.entries.map(\.pin.base64).sorted())
        #expect(catalogue.generated.contains(CACatalogueData.trustStoreVersion))
    }

    @Test("the notes a listing prints, read without building the catalogue, are the catalogue's own")
    func notesWithoutBuilding() throws {
        let catalogue = CACatalogue.builtIn
        for entry in catalogue.entries {
            #expect(CACatalogue.builtInLabel(for: entry.pin) == catalogue.label(for: entry.pin))
            #expect(CACatalogue.builtInNote(for: entry.pin) == catalogue.note(for: entry.pin))
        }
        // A key the catalogue does not hold: the test leaf's.
        let leaf = try #require(PinReader().pins(inFileAt: Fixtures.path("certs/leaf.pem")).first)
        #expect(CACatalogue.builtInNote(for: leaf.pin) == nil)
        #expect(CACatalogue.builtInLabel(for: leaf.pin) == nil)
    }

    @Test(
        "each committed CA certificate has the entry its CA documents, under the pin openssl computes",
        .enabled(if: ExternalCommand.hasOpenSSL), arguments: published.map(\.file))
    func publishedCertificate(file: String) throws {
        let expected = try #require(Self.published.first { $0.file == file })
        let pem = try String(contentsOf: Self.intermediates.appendingPathComponent(file), encoding: .utf8)
        let pin = try Self.opensslPin(ofCertificate: pem)
        let entry = try #require(
            CACatalogue.builtIn.entry(for: pin), "\(file): its key is not in the catalogue")
        #expect(entry.name == expected.name)
        #expect(entry.kind == expected.kind)
        #expect(entry.pool == expected.pool)
        let rootNames = entry.roots.map { CACatalogue.builtIn.entry(for: $0)?.name ?? $0.base64 }
        #expect(Set(rootNames) == Set(expected.roots))
        #expect(CACatalogue.builtInMayHold(pin))
    }

    @Test("the pools hold the committed siblings and nothing else")
    func pools() {
        let catalogue = CACatalogue.builtIn
        func names(_ pool: String) -> [String] { catalogue.pool(pool).map(\.name).sorted() }
        #expect(names("Let's Encrypt RSA 2024") == (10...14).map { "Let's Encrypt R\($0)" })
        #expect(names("Let's Encrypt ECDSA 2024") == (5...9).map { "Let's Encrypt E\($0)" })
        #expect(names("Let's Encrypt Gen Y RSA") == (1...3).map { "Let's Encrypt YR\($0)" })
        #expect(names("Let's Encrypt Gen Y ECDSA") == (1...3).map { "Let's Encrypt YE\($0)" })
        #expect(names("Amazon RSA 2048") == (1...6).map { "Amazon RSA 2048 M0\($0)" })
        #expect(names("Amazon RSA 4096") == (1...5).map { "Amazon RSA 4096 M0\($0)" })
        #expect(names("Amazon ECDSA 256") == (1...6).map { "Amazon ECDSA 256 M0\($0)" })
        #expect(names("Amazon ECDSA 384") == (1...6).map { "Amazon ECDSA 384 M0\($0)" })
        for (pool, kind) in [
            ("GlobalSign Atlas R3 DV 2025", "R3 DV"), ("GlobalSign Atlas R3 OV 2025", "R3 OV"),
            ("GlobalSign Atlas ECCR5 DV 2025", "ECCR5 DV"), ("GlobalSign Atlas ECCR5 OV 2025", "ECCR5 OV"),
        ] {
            #expect(names(pool) == (1...4).map { "GlobalSign Atlas \(kind) TLS CA 2025 Q\($0)" })
        }
        // 2026: Q1-Q3 of R3 and ECCR5 and Q2-Q4 of R46 DV are what the CCADB listed when the catalogue was made.
        for (pool, kind) in [
            ("GlobalSign Atlas R3 DV 2026", "R3 DV"), ("GlobalSign Atlas R3 OV 2026", "R3 OV"),
            ("GlobalSign Atlas ECCR5 DV 2026", "ECCR5 DV"), ("GlobalSign Atlas ECCR5 OV 2026", "ECCR5 OV"),
        ] {
            #expect(names(pool) == (1...3).map { "GlobalSign Atlas \(kind) TLS CA 2026 Q\($0)" })
        }
        #expect(
            names("GlobalSign Atlas R46 DV 2026")
                == (2...4).map { "GlobalSign Atlas R46 DV TLS CA 2026 Q\($0)" })
        #expect(
            names("Apple Public Server RSA")
                == ["Apple Public Server RSA CA 11 - G1", "Apple Public Server RSA CA 12 - G1"])
        #expect(
            names("Apple Public Server ECC")
                == ["1", "11", "12"].map { "Apple Public Server ECC CA \($0) - G1" })
        #expect(
            names("Google Trust Services RSA 2023") == (1...5).map { "Google Trust Services WR\($0)" })
        #expect(
            names("Google Trust Services ECDSA 2023") == (1...4).map { "Google Trust Services WE\($0)" })
        #expect(
            names("Microsoft Azure RSA TLS")
                == ["03", "04", "07", "08"].map { "Microsoft Azure RSA TLS Issuing CA \($0)" })
        #expect(
            names("Microsoft Azure ECC TLS")
                == ["03", "04", "07", "08"].map { "Microsoft Azure ECC TLS Issuing CA \($0)" })
        #expect(
            names("Microsoft TLS G2 RSA")
                == ["02", "04", "06", "08", "10", "12", "14", "16"].map {
                    "Microsoft TLS G2 RSA CA OCSP \($0)"
                })
        #expect(
            names("Microsoft TLS G2 ECC") == ["02", "04", "08"].map { "Microsoft TLS G2 ECC CA OCSP \($0)" })
        #expect(catalogue.entries.filter { $0.kind == .root }.allSatisfy { $0.pool == nil })
    }

    /// The store the catalogue was generated from is the one CI has (a fresh Debian 12 with the same
    /// ca-certificates): then its roots and the catalogue's must be the same keys. Another version only
    /// reports the difference, since the catalogue is committed data of its own date.
    @Test(
        "every root of the system trust store is in the catalogue (exactly, when the store's version matches)",
        .enabled(
            if: ExternalCommand.hasOpenSSL && FileManager.default.fileExists(atPath: "/usr/bin/dpkg-query")))
    func trustStoreRoots() throws {
        var storePins = Set<Pin>()
        // A file the package lists but that was removed by hand (a distrusted root) is not read; one that
        // was absent where the catalogue was made is not expected in it.
        var absentAtGeneration = Set<Pin>()
        for file in try Self.packageCertificateFiles() where FileManager.default.fileExists(atPath: file) {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for pem in Self.certificates(in: text) {
                let pin = try Self.opensslPin(ofCertificate: pem)
                storePins.insert(pin)
                if CACatalogueData.trustStoreFilesAbsent.contains(file) { absentAtGeneration.insert(pin) }
            }
        }
        try #require(!storePins.isEmpty)
        let version = try ExternalCommand.run(
            "/usr/bin/dpkg-query", ["-W", "-f", "${Version}", "ca-certificates"])
        // Roots read from the package's own copies (Catalogue/store-absent) are checked by storeAbsentCopies.
        let catalogueStorePins = Set(
            CACatalogue.builtIn.entries.filter {
                $0.source.hasPrefix("ca-certificates ") && !$0.source.contains("Catalogue/store-absent")
            }.map(\.pin))
        let missing = storePins.subtracting(catalogueStorePins).subtracting(absentAtGeneration)
        let gone = catalogueStorePins.subtracting(storePins)
        if version.text == CACatalogueData.trustStoreVersion {
            #expect(missing.isEmpty, "store roots not in the catalogue: \(missing.map(\.base64).sorted())")
            #expect(gone.isEmpty, "catalogue roots not in the store: \(gone.map(\.base64).sorted())")
        } else if !missing.isEmpty || !gone.isEmpty {
            print(
                "note: ca-certificates \(version.text) here, \(CACatalogueData.trustStoreVersion) at generation: "
                    + "\(missing.count) roots new since (run `make catalogue`), \(gone.count) removed")
        }
        for pin in storePins.intersection(catalogueStorePins) {
            #expect(CACatalogue.builtIn.entry(for: pin)?.kind == .root)
        }
    }

    /// A root file the package lists that was not on the machine the catalogue was made on is read from the
    /// package's own copy: it must be the certificate whose SHA-256 fingerprint Mozilla (or another trust
    /// store) publishes, as SOURCES records, and its key a root of the catalogue.
    @Test(
        "each copied package root has its published fingerprint and is a catalogue root",
        .enabled(if: ExternalCommand.hasOpenSSL))
    func storeAbsentCopies() throws {
        let folder = PackagePaths.root.appendingPathComponent("Catalogue/store-absent")
        let sources = try String(contentsOf: folder.appendingPathComponent("SOURCES"), encoding: .utf8)
        let rows = sources.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            $0.split(separator: "\t").map(String.init)
        }
        try #require(!rows.isEmpty)
        #expect(
            Set(rows.map { "/usr/share/ca-certificates/mozilla/\($0[0])" })
                == Set(CACatalogueData.trustStoreFilesCopied))
        for row in rows {
            let file = folder.appendingPathComponent(row[0])
            let result = try ExternalCommand.run(
                ExternalCommand.shell,
                ["-c", "openssl x509 -in \"$1\" -noout -fingerprint -sha256", "sh", file.path])
            try #require(result.succeeded, "openssl: \(result.firstErrorLine)")
            let fingerprint = result.text.split(separator: "=").last.map {
                $0.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(fingerprint == row[1], "\(row[0])")
            let pin = try Self.opensslPin(ofCertificate: String(contentsOf: file, encoding: .utf8))
            let entry = try #require(CACatalogue.builtIn.entry(for: pin), "\(row[0]) is not in the catalogue")
            #expect(entry.kind == .root)
            #expect(entry.source.contains("Catalogue/store-absent"))
        }
    }

    @Test("a key the catalogue does not hold is not named, and does not build the catalogue's entries")
    func unknownKey() {
        let pin = Pin(subjectPublicKeyInfo: [0x30, 0x00])
        #expect(!CACatalogue.builtInMayHold(pin))
        #expect(CACatalogue.builtInNote(for: pin) == nil)
        #expect(CACatalogue.builtInJSON(for: pin) == "null")
    }

    @Test("a CA key's note and label name it and its pool", .enabled(if: ExternalCommand.hasOpenSSL))
    func note() throws {
        let pem = try String(
            contentsOf: Self.intermediates.appendingPathComponent("letsencrypt/r11.pem"), encoding: .utf8)
        let r11 = try Self.opensslPin(ofCertificate: pem)
        #expect(
            CACatalogue.builtInNote(for: r11) == "(catalogue: Let's Encrypt R11, pool Let's Encrypt RSA 2024)"
        )
        #expect(
            CACatalogue.builtInLabel(for: r11) == "catalogue: Let's Encrypt R11, pool Let's Encrypt RSA 2024")
        let json = CACatalogue.builtInJSON(for: r11)
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "not JSON: \(json)")
        #expect(object["name"] as? String == "Let's Encrypt R11")
        #expect((object["roots"] as? [[String: Any]])?.first?["name"] as? String == "ISRG Root X1")
    }
}
