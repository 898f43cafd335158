/// Names for the pins of CA keys: a pin is an opaque hash, and people cannot tell which CA
/// `C5+lpZ7tcVwmwQIMcRtPbsQtWLABXhQzejna0wHFr8M=` is. Built by a committed script from sources anyone can
/// re-check (the system trust store for roots, the intermediates the big public CAs publish); the data
/// is generated Swift (`CACatalogueData.swift`) with the date it was made.
public struct CACatalogue: Sendable {
    /// The entries, one per CA key (a key certified by several certificates, as a cross-signed root is,
    /// is one entry).
    public let entries: [CatalogueEntry]
    /// When the generating script ran, and from what.
    public let generated: String
    private let byPin: [Pin: Int]

    public init(entries: [CatalogueEntry], generated: String) {
        self.entries = entries
        self.generated = generated
        var byPin: [Pin: Int] = [:]
        for (index, entry) in entries.enumerated() where byPin[entry.pin] == nil { byPin[entry.pin] = index }
        self.byPin = byPin
    }

    /// What the catalogue knows of the key with `pin`; nil for a key it does not know (any leaf).
    public func entry(for pin: Pin) -> CatalogueEntry? {
        byPin[pin].map { entries[$0] }
    }

    /// The keys of a pool: the intermediates a CA issues from interchangeably (Let's Encrypt's R10–R14).
    public func pool(_ name: String) -> [CatalogueEntry] {
        entries.filter { $0.pool == name }
    }
}

/// One CA key the catalogue names.
public struct CatalogueEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case root, intermediate
    }

    public var pin: Pin
    /// The CA's name as people use it: `Let's Encrypt R11`, `ISRG Root X1`.
    public var name: String
    /// The subject's organization, when it has one.
    public var organization: String?
    public var kind: Kind
    /// The pool of sibling intermediates this one is issued from interchangeably (`Let's Encrypt RSA
    /// 2024`); nil for a root or an intermediate with no siblings.
    public var pool: String?
    /// The pins of the roots this key chains to, cross-signs included; empty for a root.
    public var roots: [Pin]
    /// The first and last day of the certificate's validity (the latest certificate of the key).
    public var notBefore: CalendarDate?
    public var notAfter: CalendarDate?
    /// Where the certificate was read: `ca-certificates 20230311 (Debian 12)`, a CA's published URL.
    public var source: String

    public init(
        pin: Pin, name: String, organization: String? = nil, kind: Kind, pool: String? = nil,
        roots: [Pin] = [],
        notBefore: CalendarDate? = nil, notAfter: CalendarDate? = nil, source: String
    ) {
        self.pin = pin
        self.name = name
        self.organization = organization
        self.kind = kind
        self.pool = pool
        self.roots = roots
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.source = source
    }
}
