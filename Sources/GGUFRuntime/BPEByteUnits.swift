/// GPT-2's reversible byte-to-character table: byte-level BPE vocabularies spell every byte of
/// the UTF-8 text as one printable character, so a token's text never holds raw control bytes or
/// spaces (a space is `Ġ`, a newline `Ċ`).
enum BPEByteUnits {
    /// The character (as a code point) standing for each byte.
    static let codepointForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The UTF-8 spelling of each byte's character.
    static let utf8ForByte: [[UInt8]] = codepointForByte.map { Array(String(Unicode.Scalar($0)!).utf8) }

    /// The byte a character stands for, or nil when the character is not one of the 256.
    static func byte(for codepoint: UInt32) -> UInt8? {
        if codepoint < 256 {
            let byte = Int(codepoint)
            if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
                return UInt8(byte)
            }
            return nil
        }
        return inverse[codepoint]
    }

    private static let inverse: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, cp) in codepointForByte.enumerated() where cp >= 256 {
            map[cp] = UInt8(byte)
        }
        return map
    }()
}
