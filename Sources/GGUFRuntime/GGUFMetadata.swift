/// The key/value metadata of a GGUF file, in file order, with typed accessors that
/// return nil when a key is absent or holds another type.
public struct GGUFMetadata: Sendable {
    /// Keys in the order the file lists them.
    public let keys: [String]
    public let values: [String: GGUFValue]

    public init(keys: [String], values: [String: GGUFValue]) {
        self.keys = keys
        self.values = values
    }

    public subscript(key: String) -> GGUFValue? { values[key] }

    public func string(_ key: String) -> String? { values[key]?.stringValue }

    public func bool(_ key: String) -> Bool? { values[key]?.boolValue }

    /// Any integer type, when the value fits an Int.
    public func int(_ key: String) -> Int? { values[key]?.intValue }

    /// Any integer type, when the value fits a UInt32.
    public func uint32(_ key: String) -> UInt32? { int(key).flatMap { UInt32(exactly: $0) } }

    /// Any integer type, when the value fits an Int32.
    public func int32(_ key: String) -> Int32? { int(key).flatMap { Int32(exactly: $0) } }

    /// A float32 or float64 value.
    public func float(_ key: String) -> Float? { values[key]?.floatValue }

    public func array(_ key: String) -> [GGUFValue]? { values[key]?.arrayValue }

    /// An array of strings (nil if any element is not a string).
    public func stringArray(_ key: String) -> [String]? {
        guard let items = array(key) else { return nil }
        var result: [String] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let s = item.stringValue else { return nil }
            result.append(s)
        }
        return result
    }

    /// An array of float32/float64 values.
    public func floatArray(_ key: String) -> [Float]? {
        guard let items = array(key) else { return nil }
        var result: [Float] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let f = item.floatValue else { return nil }
            result.append(f)
        }
        return result
    }

    /// An array of integers of any type that all fit an Int32.
    public func int32Array(_ key: String) -> [Int32]? {
        guard let items = array(key) else { return nil }
        var result: [Int32] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let i = item.intValue, let v = Int32(exactly: i) else { return nil }
            result.append(v)
        }
        return result
    }

    /// An array of integers of any type that all fit an Int.
    public func intArray(_ key: String) -> [Int]? {
        guard let items = array(key) else { return nil }
        var result: [Int] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let i = item.intValue else { return nil }
            result.append(i)
        }
        return result
    }
}
