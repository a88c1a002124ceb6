import Foundation
import ParleyCore
import Yams

/// Reads one persona file: YAML front matter between `---` lines, then Markdown.
///
/// ```markdown
/// ---
/// name: coder
/// description: Help with code
/// mode: chat            # chat, decide or write
/// temperature: 0.2
/// top_p: 0.9
/// backend: local        # optional
/// ---
/// The system prompt, any Markdown.
///
/// ## Example
/// ### User
/// How do I reverse a list in Python?
/// ### Assistant
/// Use `items[::-1]` ...
/// ```
/// Everything before the first `## Example` heading is the system prompt. Each `## Example` section
/// holds `### User` and `### Assistant` parts, in turn.
public struct PersonaParser {
    public var file: String

    public init(file: String) {
        self.file = file
    }

    public func parse(_ text: String) throws -> Persona {
        let (frontMatter, body) = try split(text)
        let fields = try readFrontMatter(frontMatter)
        guard let name = fields["name"] as? String, !name.isEmpty else {
            throw PersonaError(file: file, problem: "the front matter has no 'name'")
        }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw PersonaError(file: file, problem: "name '\(name)' may use only letters, digits, '-' and '_'")
        }
        let known: Set = ["name", "description", "mode", "temperature", "top_p", "backend"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw PersonaError(file: file, problem: "unknown front matter key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        var mode = Mode.chat
        if let value = fields["mode"] {
            guard let text = value as? String, let parsed = Mode(rawValue: text) else {
                throw PersonaError(file: file, problem: "mode must be chat, decide or write")
            }
            mode = parsed
        }
        let (prompt, examples) = try readBody(body)
        guard !prompt.isEmpty else { throw PersonaError(file: file, problem: "the system prompt (the text after the front matter) is empty") }
        return Persona(
            name: name,
            description: (fields["description"] as? String) ?? "",
            mode: mode,
            temperature: try number(fields["temperature"], key: "temperature", range: 0...2),
            topP: try number(fields["top_p"], key: "top_p", range: 0...1),
            backend: try optionalString(fields["backend"], key: "backend"),
            systemPrompt: prompt,
            examples: examples,
            source: file)
    }

    /// Splits off the front matter. A file without one is an error: the name lives there.
    func split(_ text: String) throws -> (String, String) {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            throw PersonaError(file: file, problem: "it must start with YAML front matter between '---' lines")
        }
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw PersonaError(file: file, problem: "the front matter is not closed with a '---' line")
        }
        return (lines[1..<end].joined(separator: "\n"), lines[(end + 1)...].joined(separator: "\n"))
    }

    private func readFrontMatter(_ yaml: String) throws -> [String: Any] {
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: yaml)
        } catch {
            let reason = String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid YAML"
            throw PersonaError(file: file, problem: "front matter: \(reason)")
        }
        guard let fields = loaded as? [String: Any] else {
            throw PersonaError(file: file, problem: "the front matter must be a set of 'key: value' lines")
        }
        return fields
    }

    private func readBody(_ body: String) throws -> (String, [ChatMessage]) {
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
                    throw PersonaError(file: file, problem: "'\(heading)' follows the examples; put the whole prompt before the first '## Example'")
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
                    throw PersonaError(file: file, problem: "'\(heading)' in an example: use '### User' or '### Assistant'")
                }
                continue
            }
            if inExample {
                if current != nil {
                    current!.lines.append(line)
                } else if !heading.isEmpty {
                    throw PersonaError(file: file, problem: "text in an example before '### User'")
                }
            } else {
                prompt.append(line)
            }
        }
        flush()
        try checkAlternation(examples)
        return (trimmed(prompt), examples)
    }

    private func checkAlternation(_ examples: [ChatMessage]) throws {
        for (index, message) in examples.enumerated() {
            let expected: Role = index % 2 == 0 ? .user : .assistant
            guard message.role == expected else {
                throw PersonaError(file: file, problem: "example turns must alternate '### User' then '### Assistant'")
            }
            guard !message.content.isEmpty else {
                throw PersonaError(file: file, problem: "an example's '### \(message.role == .user ? "User" : "Assistant")' part is empty")
            }
        }
        if examples.count % 2 == 1 {
            throw PersonaError(file: file, problem: "the last example has a '### User' part but no '### Assistant' answer")
        }
    }

    private func trimmed(_ lines: [String]) -> String {
        lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func number(_ value: Any?, key: String, range: ClosedRange<Double>) throws -> Double? {
        guard let value else { return nil }
        let number: Double
        if let d = value as? Double { number = d } else if let i = value as? Int { number = Double(i) } else {
            throw PersonaError(file: file, problem: "\(key) must be a number")
        }
        guard range.contains(number) else {
            throw PersonaError(file: file, problem: "\(key) \(number) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    private func optionalString(_ value: Any?, key: String) throws -> String? {
        guard let value else { return nil }
        guard let text = value as? String else { throw PersonaError(file: file, problem: "\(key) must be text") }
        return text
    }
}

/// A persona file that could not be read: names the file and the problem.
public struct PersonaError: UserFacingError, Equatable {
    public var file: String
    public var problem: String

    public var description: String { "persona file \(file): \(problem)" }
}
