import Foundation

/// The message that asks for a new version. It carries the current version itself, so a revision
/// works from the version the user is looking at (not necessarily the latest) and a small model
/// with a short context still sees what to change.
public enum RevisionPrompt {
    public static func make(current: String, instruction: String, kind: TemplateKind) -> String {
        let what = kind == .code ? "code" : "text"
        var change = instruction.trimmingCharacters(in: .whitespacesAndNewlines)
        if let last = change.last, !".!?。！？".contains(last) { change += "." }
        // A size in words: a small model follows "at most 40 words" where "shorter" alone gave
        // back the same text.
        let goal = RevisionGoal(change)
        let words = TextTokens.wordCount(current)
        var size = ""
        if let target = goal.target(from: words) {
            size = goal == .shorter
                ? "\nThe \(what) has \(words) words. The new \(what) must have at most \(target) words."
                : "\nThe \(what) has \(words) words. The new \(what) must have at least \(target) words."
        }
        // The request first and the text last: the small model then answers with the new text
        // instead of echoing the request after it (tried against SmolLM2-135M).
        return """
            Rewrite the \(what) below. Change: \(change)\(size)
            Keep everything else the same. Reply with only the new \(what).

            \(what == "code" ? "Code" : "Text"):
            \(current)
            """
    }
}
