/// The Unicode facts the pre-tokenizer rules look at for one code point: its general-category
/// group (`\p{L}`, `\p{N}`, ...) and whether it is white space (`\s`).
///
/// The groups follow llama.cpp's table (every general category folds into one group, unassigned
/// code points are `undefined`); white space is the Unicode `White_Space` property. The empty set
/// stands for "outside the current chunk", which the splitting rules treat specially.
struct PreTokenizerCodepointFlags: OptionSet, Sendable {
    let rawValue: UInt16

    static let undefined = PreTokenizerCodepointFlags(rawValue: 0x0001)
    static let number = PreTokenizerCodepointFlags(rawValue: 0x0002)
    static let letter = PreTokenizerCodepointFlags(rawValue: 0x0004)
    static let separator = PreTokenizerCodepointFlags(rawValue: 0x0008)
    static let mark = PreTokenizerCodepointFlags(rawValue: 0x0010)
    static let punctuation = PreTokenizerCodepointFlags(rawValue: 0x0020)
    static let symbol = PreTokenizerCodepointFlags(rawValue: 0x0040)
    static let control = PreTokenizerCodepointFlags(rawValue: 0x0080)
    static let whitespace = PreTokenizerCodepointFlags(rawValue: 0x0100)

    var isNumber: Bool { contains(.number) }
    var isLetter: Bool { contains(.letter) }
    var isWhitespace: Bool { contains(.whitespace) }
    var isPunctuation: Bool { contains(.punctuation) }
    /// True for any code point inside the chunk (every code point has some category).
    var isPresent: Bool { rawValue != 0 }

    /// Flags of one code point. The Basic Multilingual Plane is served from a table built once;
    /// other planes ask the standard library each time (they are rare in text).
    static func of(_ codepoint: UInt32) -> PreTokenizerCodepointFlags {
        if codepoint < 0x10000 {
            return PreTokenizerCodepointFlags(rawValue: basicPlaneTable[Int(codepoint)])
        }
        return computed(codepoint)
    }

    /// The Unicode version of llama.cpp's code point table (15.1); newer assignments count as
    /// unassigned there.
    private static let referenceUnicodeVersion = (15, 1)

    private static let basicPlaneTable: [UInt16] = (0..<0x10000).map { computed(UInt32($0)).rawValue }

    private static func computed(_ codepoint: UInt32) -> PreTokenizerCodepointFlags {
        guard let scalar = Unicode.Scalar(codepoint) else {
            // Surrogate code points never reach the tokenizer from a Swift String; llama.cpp
            // files them under control.
            return .control
        }
        var flags: PreTokenizerCodepointFlags
        if let age = scalar.properties.age, (age.major, age.minor) > referenceUnicodeVersion {
            // Assigned after the Unicode version llama.cpp's table was built from: llama.cpp
            // sees it as unassigned, and so must we to split text the same way.
            return .undefined
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            flags = .letter
        case .nonspacingMark, .spacingMark, .enclosingMark:
            flags = .mark
        case .decimalNumber, .letterNumber, .otherNumber:
            flags = .number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            flags = .punctuation
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            flags = .symbol
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            flags = .separator
        case .control, .format, .surrogate, .privateUse:
            flags = .control
        case .unassigned:
            flags = .undefined
        @unknown default:
            flags = .undefined
        }
        if isWhiteSpace(codepoint) {
            flags.insert(.whitespace)
        }
        return flags
    }

    /// The Unicode `White_Space` code points, as llama.cpp lists them.
    private static func isWhiteSpace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
