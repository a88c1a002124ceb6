import Foundation

/// A `Content-Range: bytes FIRST-LAST/TOTAL` header (TOTAL may be `*`). Pure.
public struct ContentRange: Equatable, Sendable {
    public var first: Int64
    public var last: Int64
    public var total: Int64?

    public init(first: Int64, last: Int64, total: Int64?) {
        self.first = first
        self.last = last
        self.total = total
    }

    public static func parse(_ header: String?) -> ContentRange? {
        guard let header else { return nil }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let rest = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
        let halves = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first >= 0, last >= first else {
            return nil
        }
        var total: Int64?
        if halves[1] != "*" {
            guard let value = Int64(halves[1]), value > last else { return nil }
            total = value
        }
        return ContentRange(first: first, last: last, total: total)
    }
}
