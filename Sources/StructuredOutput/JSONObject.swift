/// The members of a JSON object in their order, with lookup by key.
///
/// Keys are unique: setting an existing key replaces its value in place, so the order is the
/// order in which keys were first added.
public struct JSONObject: Sendable, Equatable, Sequence {
    public typealias Member = (key: String, value: JSONValue)

    public private(set) var keys: [String] = []
    private var values: [JSONValue] = []
    private var positions: [String: Int] = [:]

    public init() {}

    /// Members in order; a repeated key keeps its first place and its last value.
    public init(_ members: [Member]) {
        for member in members { self[member.key] = member.value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public var members: [Member] {
        (0..<keys.count).map { (keys[$0], values[$0]) }
    }

    public func contains(_ key: String) -> Bool { positions[key] != nil }

    public subscript(key: String) -> JSONValue? {
        get { positions[key].map { values[$0] } }
        set {
            if let index = positions[key] {
                if let newValue {
                    values[index] = newValue
                } else {
                    removeMember(at: index)
                }
            } else if let newValue {
                positions[key] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    private mutating func removeMember(at index: Int) {
        positions[keys[index]] = nil
        keys.remove(at: index)
        values.remove(at: index)
        for i in index..<keys.count { positions[keys[i]] = i }
    }

    public func makeIterator() -> IndexingIterator<[Member]> {
        members.makeIterator()
    }

    /// JSON equality: the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (index, key) in lhs.keys.enumerated() {
            guard let other = rhs[key], other == lhs.values[index] else { return false }
        }
        return true
    }
}
