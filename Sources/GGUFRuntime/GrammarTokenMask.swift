/// A set of token ids as bits, one per vocabulary entry: what a grammar state allows.
public struct GrammarTokenMask: Sendable, Equatable {
    /// Bit `t % 64` of word `t / 64` is set when token `t` is allowed.
    public private(set) var words: [UInt64]
    /// How many bits are set.
    public private(set) var count: Int

    init(vocabularySize: Int) {
        words = [UInt64](repeating: 0, count: (vocabularySize + 63) / 64)
        count = 0
    }

    public func contains(_ token: Int32) -> Bool {
        let t = Int(token)
        guard t >= 0, t >> 6 < words.count else { return false }
        return words[t >> 6] & (1 << UInt64(t & 63)) != 0
    }

    mutating func insert(_ token: Int32) {
        let t = Int(token)
        let bit: UInt64 = 1 << UInt64(t & 63)
        if words[t >> 6] & bit == 0 {
            words[t >> 6] |= bit
            count += 1
        }
    }

    /// The allowed ids in increasing order.
    public var tokens: [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(count)
        for (index, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                result.append(Int32(index << 6 + bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
        return result
    }
}
