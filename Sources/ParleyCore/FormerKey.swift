import Foundation

/// A key a file once spelled differently (`conversationID` before `conversationId`), read when
/// the current spelling is absent. Files are written in the current spelling only.
public struct FormerKey: CodingKey {
    public let stringValue: String
    public var intValue: Int? { nil }

    public init(_ name: String) { stringValue = name }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

extension Decoder {
    /// The value under `name`, the key's former spelling; nil when that is absent too.
    public func decodeIfPresent<T: Decodable>(_ type: T.Type, formerKey name: String) throws -> T? {
        try container(keyedBy: FormerKey.self).decodeIfPresent(type, forKey: FormerKey(name))
    }
}
