/// Turns a stream of byte chunks (token pieces) into text, holding back a character whose bytes
/// are split across chunks until the rest arrives.
///
/// Byte-level tokenizers often cut an emoji or a CJK character between two tokens; printing
/// each token's bytes as they come would show replacement characters mid-stream. Invalid bytes
/// that can never complete become U+FFFD at once; an incomplete character left at the end becomes
/// U+FFFD in `finish()`.
public struct UTF8StreamDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// True when bytes are held back waiting for the rest of a character.
    public var hasPendingBytes: Bool { !pending.isEmpty }

    /// Adds bytes and returns the text that is now complete (possibly empty).
    public mutating func append(_ bytes: [UInt8]) -> String {
        pending.append(contentsOf: bytes)
        let cut = Self.completePrefixLength(pending)
        guard cut > 0 else { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Ends the stream: returns whatever is held back, an unfinished character as U+FFFD.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// How many leading bytes can be decoded now: everything except a final sequence that is
    /// still a valid beginning of a character.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        // A character is at most 4 bytes: its lead byte is among the last 3 if it is unfinished.
        var index = count - 1
        while index >= 0 && index >= count - 3 {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {  // not a continuation byte: a lead (or ASCII)
                let needed: Int
                switch byte {
                case 0xC2...0xDF: needed = 2
                case 0xE0...0xEF: needed = 3
                case 0xF0...0xF4: needed = 4
                default: return count  // ASCII or a byte that can never start a character
                }
                let available = count - index
                if available >= needed { return count }
                // Check the continuation bytes so far could still form a valid character.
                for offset in 1..<available {
                    let next = bytes[index + offset]
                    var low: UInt8 = 0x80, high: UInt8 = 0xBF
                    if offset == 1 {
                        switch byte {
                        case 0xE0: low = 0xA0
                        case 0xED: high = 0x9F
                        case 0xF0: low = 0x90
                        case 0xF4: high = 0x8F
                        default: break
                        }
                    }
                    if next < low || next > high { return count }
                }
                return index
            }
            index -= 1
        }
        return count
    }
}
