import Foundation
import ParleyCore

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
/// holds `### User` and `### Assistant` parts, in turn (read by `MarkdownFrontMatter`, which template
/// files share).
public struct PersonaParser {
    public var file: String

    public init(file: String) {
        self.file = file
    }

    public func parse(_ text: String) throws -> Persona {
        let document: MarkdownFrontMatter
        do {
            document = try MarkdownFrontMatter(parsing: text)
        } catch {
            throw PersonaError(file: file, problem: error.text)
        }
        let fields = document.fields
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
        let prompt = document.prompt
        guard !prompt.isEmpty else { throw PersonaError(file: file, problem: "the system prompt (the text after the front matter) is empty") }
        return Persona(
            name: name,
            description: (fields["description"] as? String) ?? "",
            mode: mode,
            temperature: try number(fields["temperature"], key: "temperature", range: 0...2),
            topP: try number(fields["top_p"], key: "top_p", range: 0...1),
            backend: try optionalString(fields["backend"], key: "backend"),
            systemPrompt: prompt,
            examples: document.examples,
            source: file)
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
