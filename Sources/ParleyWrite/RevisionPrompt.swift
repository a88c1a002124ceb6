import Foundation

/// The message that asks for a new version. It carries the current version itself, so a revision
/// works from the version the user is looking at (not necessarily the latest) and a small model
/// with a short context still sees what to change.
public enum RevisionPrompt {
    /// `format`: what the template's structure asks, as a phrase ("a numbered list of 5 items"),
    /// so a small model rewriting the text keeps its shape.
    /// `json`: the version as JSON (a template written as JSON); the model is then shown that and
    /// rewrites it, sizes still counted in the text's words.
    public static func make(current: String, instruction: String, kind: TemplateKind, format: String? = nil, json: String? = nil) -> String {
        let what = json != nil ? "JSON" : kind == .code ? "code" : "text"
        var change = instruction.trimmingCharacters(in: .whitespacesAndNewlines)
        if let last = change.last, !".!?。！？".contains(last) { change += "." }
        let goal = RevisionGoal(change)
        let words = TextTokens.wordCount(current)
        let keep = format.map { "Keep the format: \($0)." } ?? ""
        var lines: [String]
        switch (goal, goal.target(from: words)) {
        case (.shorter, let target?):
            // A size in words: a small model follows "at most 40 words" where "shorter" alone gave
            // back the same text; and no "keep everything else", which it took as "copy it".
            lines = [
                "Rewrite the \(what) below in at most \(target) words (it has \(words)). Change: \(change)",
                "Keep its main points. \(keep)", "Reply with only the new \(what).",
            ]
        case (.longer, let target?):
            lines = [
                "Rewrite the \(what) below in at least \(target) words (it has \(words)). Change: \(change)",
                keep, "Reply with only the new \(what).",
            ]
        default:
            lines = [
                "Rewrite the \(what) below. Change: \(change)",
                ["Keep everything else the same.", keep, "Reply with only the new \(what)."].filter { !$0.isEmpty }.joined(separator: " "),
            ]
        }
        // The request first and the text last: the small model then answers with the new text
        // instead of echoing the request after it (tried against SmolLM2-135M).
        let head = lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\n")
        let label = json != nil ? "JSON" : what == "code" ? "Code" : "Text"
        return head + "\n\n" + label + ":\n" + (json ?? current)
    }
}
