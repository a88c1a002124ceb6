/// One element of a flattened grammar rule.
///
/// The layout is llama.cpp's, because the matcher must reach the same decisions: a rule is its
/// alternatives one after another, separated by `alternate` and closed by `end`. A character
/// class is a run: its first element (`char`, `charNot` or `charAny`) followed by `charAlternate`
/// elements for further characters, and a `charRangeUpper` after any character that starts a
/// range. A literal "abc" is three one-character classes in a row.
struct GrammarElement: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        /// End of the rule (and of its last alternative).
        case end
        /// End of one alternative; the next begins after it.
        case alternate
        /// The rule whose index is `value`.
        case ruleReference
        /// A class of characters that matches when `value` (or a following alternative or
        /// range) matches.
        case char
        /// A negated class: matches a character none of its members match.
        case charNot
        /// A further member of the class begun before it.
        case charAlternate
        /// Upper bound (inclusive) of a range whose lower bound is the element before it.
        case charRangeUpper
        /// `.`: any character.
        case charAny
    }

    var kind: Kind
    var value: UInt32

    init(_ kind: Kind, _ value: UInt32 = 0) {
        self.kind = kind
        self.value = value
    }

    /// True at the end of an alternative: the position after the last element of a sequence.
    var endsSequence: Bool { kind == .end || kind == .alternate }
}
