import Foundation

/// The answer the user wanted instead of a reply, written by them (`/ideal`): a demonstration for
/// supervised fine-tuning, and the chosen side of a pair against the version it corrects.
public struct Demonstration: Codable, Sendable, Equatable {
    public var content: String
    /// The version (1-based) it corrects.
    public var version: Int
    public var writtenAt: Date

    public init(content: String, version: Int, writtenAt: Date) {
        self.content = content
        self.version = version
        self.writtenAt = writtenAt
    }
}
