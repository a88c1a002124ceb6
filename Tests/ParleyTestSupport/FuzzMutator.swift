/// Makes fuzz inputs for a parser from valid examples: each input is an example changed in a few
/// random ways (bits flipped, bytes replaced, ranges cut, repeated or swapped with another
/// example's, tokens of the format inserted, the end cut off). Seeded, so every run of the suite
/// tries the same inputs and a failure names the iteration that replays it.
public struct FuzzMutator {
    public var examples: [[UInt8]]
    /// Pieces of the format worth inserting (`{`, `"`, `---`, `*a`, ...).
    public var tokens: [[UInt8]]
    private var random: SeededGenerator

    public init(examples: [String], tokens: [String], seed: UInt64) {
        self.examples = examples.map { Array($0.utf8) }
        self.tokens = tokens.map { Array($0.utf8) }
        random = SeededGenerator(seed: seed)
    }

    /// The next input.
    public mutating func next() -> [UInt8] {
        var bytes = examples.randomElement(using: &random) ?? []
        for _ in 0..<Int.random(in: 1...6, using: &random) { mutate(&bytes) }
        return bytes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0 where !bytes.isEmpty:
            bytes[at] ^= 1 << UInt8.random(in: 0...7, using: &random)
        case 1 where !bytes.isEmpty:
            bytes[at] = UInt8.random(in: 0...255, using: &random)
        case 2 where !bytes.isEmpty:
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &random)))
        case 3 where !bytes.isEmpty:
            let piece = bytes[at..<min(bytes.count, at + Int.random(in: 1...32, using: &random))]
            bytes.insert(contentsOf: Array(repeating: piece, count: Int.random(in: 1...8, using: &random)).joined(), at: at)
        case 4:
            if let token = tokens.randomElement(using: &random) { bytes.insert(contentsOf: token, at: at) }
        case 5 where !bytes.isEmpty:
            bytes.removeSubrange(at...)
        case 6:
            if let other = examples.randomElement(using: &random), !other.isEmpty {
                let start = Int.random(in: 0..<other.count, using: &random)
                bytes.insert(contentsOf: other[start..<min(other.count, start + 64)], at: at)
            }
        default:
            if let token = tokens.randomElement(using: &random) {
                bytes.insert(contentsOf: Array(repeating: token, count: Int.random(in: 2...64, using: &random)).joined(), at: at)
            }
        }
    }
}
