import Foundation

/// What the user said about a reply and its alternatives: ratings per version, the version chosen
/// among several (`/prefer`; the others count as rejected), and a written ideal answer.
/// Stored on the assistant message (schema 2); absent when there is none.
public struct ReplyFeedback: Codable, Sendable, Equatable {
    /// At most one rating per version; rating a version again replaces its rating.
    public var ratings: [VersionRating]
    /// The version (1-based) chosen over the others, when the user picked one.
    public var preferredVersion: Int?
    public var preferredAt: Date?
    public var ideal: Demonstration?

    public init(ratings: [VersionRating] = [], preferredVersion: Int? = nil, preferredAt: Date? = nil, ideal: Demonstration? = nil) {
        self.ratings = ratings
        self.preferredVersion = preferredVersion
        self.preferredAt = preferredAt
        self.ideal = ideal
    }

    public var isEmpty: Bool { ratings.isEmpty && preferredVersion == nil && ideal == nil }

    /// The rating of one version, if it has one.
    public func rating(of version: Int) -> VersionRating? {
        ratings.first { $0.version == version }
    }

    enum CodingKeys: String, CodingKey { case ratings, preferredVersion, preferredAt, ideal }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ratings = try c.decodeIfPresent([VersionRating].self, forKey: .ratings) ?? []
        preferredVersion = try c.decodeIfPresent(Int.self, forKey: .preferredVersion)
        preferredAt = try c.decodeIfPresent(Date.self, forKey: .preferredAt)
        ideal = try c.decodeIfPresent(Demonstration.self, forKey: .ideal)
    }
}
