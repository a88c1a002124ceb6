import Foundation

/// The direction of length a revision request asks for, read from its words ("make it shorter",
/// "more concise", "更短" are `.shorter`; "expand it", "more detail" are `.longer`). A revision
/// with a direction must move that way, counted in words; any other request must at least change
/// the text.
public enum RevisionGoal: Sendable, Equatable {
    case shorter, longer, other

    public init(_ instruction: String) {
        let text = instruction.lowercased()
        let shorter = [
            "shorter", "shorten", "brief", "concise", "condense", "trim", "tighten", "cut it", "cut down", "fewer words",
            "less wordy", "reduce", "更短", "简短", "缩短", "精简", "短一点", "简洁",
        ]
        let longer = ["longer", "expand", "more detail", "elaborate", "lengthen", "flesh out", "更长", "详细", "扩展", "长一点"]
        if shorter.contains(where: text.contains) {
            self = .shorter
        } else if longer.contains(where: text.contains) {
            self = .longer
        } else {
            self = .other
        }
    }

    /// The word count to ask for, given the current one: about 60% for shorter, 150% for longer.
    public func target(from words: Int) -> Int? {
        switch self {
        case .shorter: return max(1, words * 3 / 5)
        case .longer: return max(words + 10, words * 3 / 2)
        case .other: return nil
        }
    }

    /// Whether a revision from `before` to `after` words went the way asked.
    public func isMet(before: Int, after: Int) -> Bool {
        switch self {
        case .shorter: return after < before
        case .longer: return after > before
        case .other: return true
        }
    }
}
