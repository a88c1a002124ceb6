import Foundation
import ParleyCore
import Yams

/// The shape shared by persona and template files: YAML front matter between `---` lines, then a
/// Markdown body whose text before the first `## Example` heading is the prompt and whose
/// `## Example` sections hold `### User` / `### Assistant` parts, in turn.
///
/// One reader for both kinds of file, so they cannot drift apart. Problems are thrown as
/// `MarkdownFrontMatter.Problem` (what is wrong, without the file); each file kind wraps them in its
/// own error that names the file.
public struct MarkdownFrontMatter {
    /// The front matter as YAML loaded it: a mapping from key to value.
    public var fields: [String: Any]
    /// The prompt: the body before the first `## Example`, trimmed.
    public var prompt: String
    /// Example turns, alternating user then assistant, never empty parts.
    public var examples: [ChatMessage]

    /// What is wrong with a file, as one phrase ("the front matter is not closed with a '---' line").
    public struct Problem: Error, Equatable {
        public var text: String
        public init(_ text: String) { self.text = text }
    }

    public init(parsing text: String) throws(Problem) {
        // Checked here too (not only when the file is read), so text from anywhere gets the cap.
        if text.utf8.count > FrontMatterLimits.maxFileBytes {
            throw Problem(BoundedFile.Failure.tooLarge(size: text.utf8.count, limit: FrontMatterLimits.maxFileBytes).description)
        }
        let (frontMatter, body) = try Self.split(text)
        fields = try Self.readFrontMatter(frontMatter)
        (prompt, examples) = try Self.readBody(body)
    }

    /// Splits off the front matter. A file without one is an error: the name lives there.
    static func split(_ text: String) throws(Problem) -> (String, String) {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            throw Problem("it must start with YAML front matter between '---' lines")
        }
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw Problem("the front matter is not closed with a '---' line")
        }
        return (lines[1..<end].joined(separator: "\n"), lines[(end + 1)...].joined(separator: "\n"))
    }

    /// The YAML read in two steps, so the caps apply before anything is expanded: the alias count
    /// on the text, then depth and size on the composed tree (libyaml itself stops at 1,000
    /// levels), and only then the values.
    private static func readFrontMatter(_ yaml: String) throws(Problem) -> [String: Any] {
        try FrontMatterLimits.checkAliases(yaml)
        let loaded: Any?
        do {
            let root = try Yams.compose(yaml: yaml)
            if let root { try FrontMatterLimits.checkTree(root) }
            loaded = root?.any
        } catch let problem as Problem {
            throw problem
        } catch {
            let reason = String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid YAML"
            throw Problem("front matter: \(reason)")
        }
        guard let fields = loaded as? [String: Any] else {
            throw Problem("the front matter must be a set of 'key: value' lines")
        }
        return fields
    }

    private static func readBody(_ body: String) throws(Problem) -> (String, [ChatMessage]) {
        var prompt: [String] = []
        var examples: [ChatMessage] = []
        var current: (role: Role, lines: [String])?
        var inExample = false
        var inFence = false
        func flush() {
            if let part = current {
                examples.append(ChatMessage(role: part.role, content: trimmed(part.lines)))
            }
            current = nil
        }
        for line in body.components(separatedBy: "\n") {
            let heading = line.trimmingCharacters(in: .whitespaces)
            if heading.hasPrefix("```") { inFence.toggle() }
            if !inFence && heading.hasPrefix("## ") && !heading.hasPrefix("### ") {
                flush()
                inExample = heading.dropFirst(3).trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("example")
                if !inExample && !examples.isEmpty {
                    throw Problem("'\(heading)' follows the examples; put the whole prompt before the first '## Example'")
                }
                if !inExample { prompt.append(line) }
                continue
            }
            if inExample && !inFence && heading.hasPrefix("### ") {
                flush()
                switch heading.dropFirst(4).trimmingCharacters(in: .whitespaces).lowercased() {
                case "user": current = (.user, [])
                case "assistant": current = (.assistant, [])
                default:
                    throw Problem("'\(heading)' in an example: use '### User' or '### Assistant'")
                }
                continue
            }
            if inExample {
                if current != nil {
                    current!.lines.append(line)
                } else if !heading.isEmpty {
                    throw Problem("text in an example before '### User'")
                }
            } else {
                prompt.append(line)
            }
        }
        flush()
        try checkAlternation(examples)
        return (trimmed(prompt), examples)
    }

    private static func checkAlternation(_ examples: [ChatMessage]) throws(Problem) {
        for (index, message) in examples.enumerated() {
            let expected: Role = index % 2 == 0 ? .user : .assistant
            guard message.role == expected else {
                throw Problem("example turns must alternate '### User' then '### Assistant'")
            }
            guard !message.content.isEmpty else {
                throw Problem("an example's '### \(message.role == .user ? "User" : "Assistant")' part is empty")
            }
        }
        if examples.count % 2 == 1 {
            throw Problem("the last example has a '### User' part but no '### Assistant' answer")
        }
    }

    private static func trimmed(_ lines: [String]) -> String {
        lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
