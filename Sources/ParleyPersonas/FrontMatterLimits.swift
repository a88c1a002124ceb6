import Foundation
import Yams

/// The caps on a persona or template file, checked before YAML can cost anything.
///
/// Why: YAML aliases copy what an anchor holds, so a few lines of anchors that alias each other
/// ("billion laughs") expand to billions of values — nine levels took 4 GB and 52 s — and one such
/// file blocked every command that loads personas. Legitimate front matter is a few keys and a
/// list of fields: it needs no more than a handful of aliases, a few levels of nesting and a few
/// hundred values, so the caps are far above it and far below harm.
public enum FrontMatterLimits {
    /// The largest persona or template file read (front matter and prompt together).
    public static let maxFileBytes = 256 << 10
    /// The most alias references (`*name`) front matter may hold when it defines anchors.
    public static let maxAliases = 20
    /// The deepest nesting of lists and mappings.
    public static let maxDepth = 32
    /// The most values the front matter may stand for, aliases expanded.
    public static let maxValues = 10_000

    /// Counts what could be an anchor (`&name`) or an alias (`*name`) token, by looking only at
    /// each `&` or `*` and the bytes on either side of it.
    ///
    /// Why so blunt: the count needs no YAML lexer of its own, so it cannot disagree with the real
    /// one about where a quoted string or a comment ends; every real alias is counted (an alias
    /// token always starts after a space, a line start or `[ { , :`), and text such as
    /// `*emphasis*` only counts against the cap when the file also defines anchors, without
    /// which no alias can expand.
    static func checkAliases(_ yaml: String) throws(MarkdownFrontMatter.Problem) {
        var anchors = 0
        var aliases = 0
        var previous: UInt8 = 0x0A
        var pending: UInt8?
        for byte in yaml.utf8 {
            if let marker = pending, isNameByte(byte) {
                if marker == UInt8(ascii: "&") { anchors += 1 } else { aliases += 1 }
            }
            pending = nil
            if (byte == UInt8(ascii: "&") || byte == UInt8(ascii: "*")) && startsToken(after: previous) { pending = byte }
            previous = byte
        }
        if anchors > 0 && aliases > maxAliases {
            throw MarkdownFrontMatter.Problem(
                "front matter: \(aliases) YAML aliases (*name) where at most \(maxAliases) are allowed; write the values out")
        }
    }

    /// Checks the composed front matter, aliases expanded, before it is turned into values:
    /// no deeper than `maxDepth`, no more than `maxValues` values, keys plain text. Stops at the first excess, so
    /// it costs at most `maxValues` steps whatever the tree would expand to.
    static func checkTree(_ root: Node) throws(MarkdownFrontMatter.Problem) {
        var values = 0
        func visit(_ node: Node, depth: Int) throws(MarkdownFrontMatter.Problem) {
            values += 1
            if values > maxValues {
                throw MarkdownFrontMatter.Problem("front matter: more than \(maxValues) values (aliases expanded)")
            }
            if depth > maxDepth {
                throw MarkdownFrontMatter.Problem("front matter: lists or mappings nested deeper than \(maxDepth) levels")
            }
            switch node {
            case .scalar, .alias:
                break
            case .sequence(let sequence):
                for child in sequence { try visit(child, depth: depth + 1) }
            case .mapping(let mapping):
                for (key, value) in mapping {
                    // Yams stops the process on a key that is a list or a mapping (`? [a]: b`,
                    // `? ? x`); the persona fuzz test found it. Front matter keys are plain words.
                    guard case .scalar = key else {
                        throw MarkdownFrontMatter.Problem("front matter: a key must be plain text, not a list or a mapping")
                    }
                    try visit(key, depth: depth + 1)
                    try visit(value, depth: depth + 1)
                }
            }
        }
        try visit(root, depth: 0)
    }

    /// Where a YAML token may start: a line start, white space, or a flow indicator.
    private static func startsToken(after byte: UInt8) -> Bool {
        switch byte {
        case 0x0A, 0x0D, 0x20, 0x09, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: ":"): return true
        default: return false
        }
    }

    /// A byte that may be part of an anchor name: anything but white space and flow indicators.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x0A, 0x0D, 0x20, 0x09, UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","):
            return false
        default: return true
        }
    }
}
