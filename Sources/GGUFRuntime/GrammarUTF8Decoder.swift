/// UTF-8 decoding one byte at a time, exactly as llama.cpp's grammar decodes token pieces.
///
/// Token pieces cut characters apart, so the decoder carries an unfinished character from one
/// token to the next. llama.cpp's rules, kept because they decide which tokens are allowed:
/// continuation bytes are checked only while finishing a character carried over from the
/// previous token; inside one token a lead byte takes the next bytes as its continuation
/// whatever they are; a continuation byte where a character should begin makes the whole token
/// invalid; lead bytes 0xF8-0xFF count as four-byte leads. Invalid tokens are never allowed.
struct GrammarUTF8Decoder: Hashable, Sendable {
    /// The bits of the character so far.
    var value: UInt32 = 0
    /// Continuation bytes still expected; -1 once the token is invalid.
    var remaining: Int8 = 0
    /// True while finishing a character carried over from the previous token.
    var carried = false

    /// The result of `push` when no character is complete yet.
    static let pending: Int64 = -1
    /// The result of `push` once the bytes are invalid (and for every byte after).
    static let invalid: Int64 = -2

    init() {}

    /// A decoder for the next token after one that ended in this state.
    init(after previous: GrammarUTF8Decoder) {
        value = previous.remaining > 0 ? previous.value : 0
        remaining = max(previous.remaining, 0)
        carried = remaining > 0
    }

    /// The state a token ended in, as carried to the next one (llama.cpp's llama_partial_utf8).
    var partial: GrammarUTF8Decoder {
        var state = GrammarUTF8Decoder()
        state.value = remaining > 0 ? value : 0
        state.remaining = remaining
        return state
    }

    /// Sequence length minus one, by the lead byte's high four bits; -1 for a continuation byte.
    private static let continuations: [Int8] = [0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, 1, 1, 2, 3]

    /// Takes one byte: returns the character it completes, `pending` or `invalid`.
    @inline(__always)
    mutating func push(_ byte: UInt8) -> Int64 {
        if remaining > 0 {
            if carried && byte >> 6 != 2 {
                remaining = -1
                return Self.invalid
            }
            value = value << 6 | UInt32(byte & 0x3F)
            remaining -= 1
            guard remaining == 0 else { return Self.pending }
            carried = false
            return Int64(value)
        }
        if remaining < 0 { return Self.invalid }
        let more = Self.continuations[Int(byte >> 4)]
        if more < 0 {
            remaining = -1
            return Self.invalid
        }
        value = UInt32(byte) & ((1 << (7 - UInt32(more))) - 1)
        remaining = more
        return more == 0 ? Int64(value) : Self.pending
    }

    /// Decodes a whole token piece after `previous`: its complete characters and the state it
    /// ends in, or nil when it is invalid. Like llama.cpp (C strings), a NUL byte ends the piece.
    static func decode(_ bytes: some Sequence<UInt8>, after previous: GrammarUTF8Decoder)
        -> (codePoints: [UInt32], end: GrammarUTF8Decoder)?
    {
        var decoder = GrammarUTF8Decoder(after: previous)
        var codePoints: [UInt32] = []
        codePoints.reserveCapacity(bytes.underestimatedCount)
        for byte in bytes {
            if byte == 0 { break }
            let result = decoder.push(byte)
            if result >= 0 {
                codePoints.append(UInt32(result))
            } else if result == invalid {
                return nil
            }
        }
        return (codePoints, decoder.partial)
    }
}
