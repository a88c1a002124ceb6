import Foundation

/// The "Subject: ..." line an email starts with. Small models write "Subj:", "**Subject:**",
/// "Subject: Subject: ...", put it under the greeting, or leave it out; the reader gets one plain
/// subject line at the top either way.
public enum SubjectLine {
    /// The subject a line states ("" when the label has no text after it), or nil when the line
    /// is not a subject line.
    public static func subject(of line: String) -> String? {
        var rest = Substring(line.trimmingCharacters(in: .whitespaces))
        var found = false
        while true {
            let plain = rest.drop { "#*_ ".contains($0) }
            guard let label = ["subject line", "subject", "subj", "re"].first(where: { plain.lowercased().hasPrefix($0) }) else { break }
            let after = plain.dropFirst(label.count).drop { $0 == "*" || $0 == "_" || $0 == " " }
            guard let colon = after.first, colon == ":" || colon == "\u{FF1A}" else { break }
            rest = after.dropFirst().drop { $0 == "*" || $0 == "_" || $0 == " " }
            found = true
        }
        guard found else { return nil }
        var text = String(rest).trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("*") || text.hasSuffix("_") { text.removeLast() }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The text with one "Subject: ..." first line and a blank line after it: the model's own
    /// subject where it wrote one (moved up from the first few lines if need be), else `fallback`.
    public static func ensure(_ text: String, fallback: String) -> String {
        var lines = text.components(separatedBy: "\n")
        var stated = ""
        // Only near the top: further down, "Subject:" is part of the body.
        if let near = lines.indices.prefix(6).first(where: { subject(of: lines[$0]) != nil }) {
            stated = subject(of: lines[near]) ?? ""
            lines.remove(at: near)
        }
        if stated.isEmpty { stated = capitalised(fallback) }
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        return (["Subject: " + stated, ""] + lines).joined(separator: "\n")
    }

    static func capitalised(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = trimmed.first else { return trimmed }
        return first.uppercased() + trimmed.dropFirst()
    }
}
