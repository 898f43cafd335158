/// The preload list's requirements on max-age, named as hstspreload names its policies.
public enum PreloadPolicy: String, Sendable, Hashable, CaseIterable {
    /// Today's requirement for new entries: max-age of at least one year.
    case bulk1Year = "bulk-1-year"
    /// The requirement for entries added from Chrome 50 to 63: max-age of at least 18 weeks.
    case bulk18Weeks = "bulk-18-weeks"

    /// The least max-age the policy accepts, in seconds.
    public var minimumMaxAge: UInt64 {
        switch self {
        case .bulk1Year: 31_536_000
        case .bulk18Weeks: 10_886_400
        }
    }

    /// `1 year` or `18 weeks`, as hstspreload's messages say it.
    public var ageName: String {
        switch self {
        case .bulk1Year: "1 year"
        case .bulk18Weeks: "18 weeks"
        }
    }

    /// Above this max-age (ten years) hstspreload warns of an unusually long value.
    public static let unusualMaxAge: UInt64 = 315_360_000
}
