import Foundation

/// The user's rating of one version of a reply, with an optional note saying why.
public struct VersionRating: Codable, Sendable, Equatable {
    /// Which version (1-based, as the transcript shows ‹2/3›) the rating is for.
    public var version: Int
    public var rating: Rating
    public var note: String?
    public var ratedAt: Date

    public init(version: Int, rating: Rating, note: String? = nil, ratedAt: Date) {
        self.version = version
        self.rating = rating
        self.note = note
        self.ratedAt = ratedAt
    }
}
