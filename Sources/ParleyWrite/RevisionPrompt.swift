import Foundation

/// The message that asks for a new version. It carries the current version itself, so a revision
/// works from the version the user is looking at (not necessarily the latest) and a small model
/// with a short context still sees what to change.
public enum RevisionPrompt {
    public static func make(current: String, instruction: String, kind: TemplateKind) -> String {
        let what = kind == .code ? "code" : "text"
        var change = instruction.trimmingCharacters(in: .whitespacesAndNewlines)
        if let last = change.last, !".!?".contains(last) { change += "." }
        return """
            Here is the current \(what):

            \(current)

            Rewrite it. Change: \(change)
            Keep everything else the same. Reply with only the new \(what).
            """
    }
}
