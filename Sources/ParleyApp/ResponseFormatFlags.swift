import ArgumentParser
import Foundation
import GGUFRuntime
import ParleyCore
import StructuredOutput

/// `--schema` and `--grammar`: the shape a reply must take.
struct ResponseFormatFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Reply with JSON that validates against this JSON Schema: a file, or the schema itself ({...}).",
        valueName: "file|json"))
    var schema: String?

    @Option(help: ArgumentHelp("Reply in this GBNF grammar (llama.cpp's dialect; the local backend only).", valueName: "file"))
    var grammar: String?

    func validate() throws {
        if schema != nil && grammar != nil { throw ValidationError("give --schema or --grammar, not both") }
    }

    /// The format the flags ask for, read and checked; nil when neither is given.
    func load() throws -> ResponseFormat? {
        if let schema { return try ResponseFormatSource.schema(schema) }
        if let grammar { return try ResponseFormatSource.grammar(file: grammar) }
        return nil
    }
}

/// Reads and checks schemas and grammars named on the command line or in the chat's `/schema`.
enum ResponseFormatSource {
    /// Schema and grammar files are small; a cap keeps a wrong path (a log, a model) from being read whole.
    static let sizeLimit = 1 << 20

    struct Failure: UserFacingError {
        var description: String
    }

    /// A JSON schema from a file, or inline when the argument starts with `{`. Checked: it must be
    /// JSON, use only keywords Parley supports, and convert to a grammar.
    static func schema(_ argument: String) throws -> ResponseFormat {
        let trimmed = argument.trimmingCharacters(in: .whitespacesAndNewlines)
        let inline = trimmed.hasPrefix("{")
        let text = inline ? trimmed : try read(argument, what: "schema")
        let origin = inline ? "the --schema JSON" : argument
        do {
            let schema = try JSONSchema(parsing: text)
            _ = try schema.gbnf()
        } catch {
            throw Failure(description: "\(origin): \(oneLineDescription(of: error))")
        }
        let name = inline ? "reply" : URL(fileURLWithPath: argument).deletingPathExtension().lastPathComponent
        return .jsonSchema(name: ResponseFormat.schemaName(from: name), schema: text)
    }

    /// A GBNF grammar from a file, parsed to check it.
    static func grammar(file: String) throws -> ResponseFormat {
        let text = try read(file, what: "grammar")
        do {
            _ = try Grammar(gbnf: text)
        } catch {
            throw Failure(description: "\(file): \(oneLineDescription(of: error))")
        }
        return .grammar(text)
    }

    /// The text of a regular file of at most `sizeLimit` bytes (a FIFO or a device would block or
    /// never end).
    static func read(_ path: String, what: String) throws -> String {
        let expanded = NSString(string: path).expandingTildeInPath
        var info = stat()
        guard stat(expanded, &info) == 0 else {
            throw Failure(description: "cannot read the \(what) file \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(description: "the \(what) file \(path) is not a regular file")
        }
        guard Int(info.st_size) <= sizeLimit else {
            throw Failure(description: "the \(what) file \(path) is larger than \(sizeLimit >> 20) MiB")
        }
        guard let data = FileManager.default.contents(atPath: expanded) else {
            throw Failure(description: "cannot read the \(what) file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "the \(what) file \(path) is not UTF-8 text")
        }
        return text
    }
}
