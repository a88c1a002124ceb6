import Foundation
import ParleyCore

/// A slash command typed into the input, parsed. Parsing is pure; the reducer turns a command into
/// state changes and effects.
public enum SlashCommand: Sendable, Equatable {
    case new
    case title(String)
    case persona(String)
    case mode(Mode)
    case backend(String)
    case model(String)
    case system(String)
    case retry
    case edit
    case export(format: ExportFormat, path: String?)
    case search(String)
    case delete
    case copy
    case think
    case help
    case quit

    public enum ExportFormat: String, Sendable, Equatable, CaseIterable { case md, json }

    /// Every command with its argument hint and what it does, for help and completion.
    public static let catalogue: [(name: String, argument: String, summary: String)] = [
        ("new", "", "start a new conversation"),
        ("title", "TEXT", "rename this conversation"),
        ("persona", "NAME", "switch persona"),
        ("mode", "chat|decide|write", "set the conversation's mode"),
        ("backend", "NAME", "switch to a configured backend"),
        ("model", "NAME", "ask the backend for another model"),
        ("system", "TEXT", "add a system instruction to this conversation"),
        ("retry", "", "regenerate the last reply (the old one is kept)"),
        ("edit", "", "edit and resend your last message"),
        ("export", "md|json [FILE]", "export this conversation"),
        ("search", "TEXT", "search all conversations"),
        ("delete", "", "move this conversation to the trash"),
        ("copy", "", "copy the last reply (OSC 52)"),
        ("think", "", "show or hide replies' reasoning (also Ctrl-T)"),
        ("help", "", "show keys and commands"),
        ("quit", "", "leave Parley"),
    ]

    /// Why a command line was refused: one line for the error line.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `/name args`. Leading and trailing whitespace of the argument is dropped.
    public static func parse(_ line: String) -> Result<SlashCommand, ParseError> {
        var text = Substring(line)
        guard text.first == "/" else { return .failure(ParseError(description: "commands start with /")) }
        text = text.dropFirst()
        let name = text.prefix(while: { !$0.isWhitespace })
        let argument = text.dropFirst(name.count).trimmingCharacters(in: .whitespacesAndNewlines)
        func needs(_ what: String) -> ParseError { ParseError(description: "/\(name) needs \(what)") }
        func none(_ command: SlashCommand) -> Result<SlashCommand, ParseError> {
            argument.isEmpty ? .success(command) : .failure(ParseError(description: "/\(name) takes no argument"))
        }
        switch name.lowercased() {
        case "new": return none(.new)
        case "title", "rename": return argument.isEmpty ? .failure(needs("a title: /title TEXT")) : .success(.title(argument))
        case "persona": return argument.isEmpty ? .failure(needs("a name: /persona NAME")) : .success(.persona(argument))
        case "mode":
            guard let mode = Mode(rawValue: argument.lowercased()) else {
                return .failure(ParseError(description: "/mode takes chat, decide or write"))
            }
            return .success(.mode(mode))
        case "backend": return argument.isEmpty ? .failure(needs("a name: /backend NAME")) : .success(.backend(argument))
        case "model": return argument.isEmpty ? .failure(needs("a name: /model NAME")) : .success(.model(argument))
        case "system": return argument.isEmpty ? .failure(needs("text: /system TEXT")) : .success(.system(argument))
        case "retry": return none(.retry)
        case "edit": return none(.edit)
        case "export":
            let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
            guard let first = parts.first, let format = ExportFormat(rawValue: first.lowercased()) else {
                return .failure(ParseError(description: "/export takes md or json, then an optional file"))
            }
            let path = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
            return .success(.export(format: format, path: path?.isEmpty == true ? nil : path))
        case "search": return argument.isEmpty ? .failure(needs("text: /search TEXT")) : .success(.search(argument))
        case "delete": return none(.delete)
        case "copy": return none(.copy)
        case "think", "reasoning": return none(.think)
        case "help": return none(.help)
        case "quit", "exit", "q": return none(.quit)
        case "": return .failure(ParseError(description: "type a command after / (Tab lists them)"))
        default:
            return .failure(ParseError(description: "unknown command /\(name) (Tab lists the commands, F1 shows help)"))
        }
    }
}

/// Tab completion for slash commands and their arguments.
public enum SlashCompleter {
    /// The candidates for `line`: whole replacement lines, sorted. `names` supplies argument values
    /// for `/persona`, `/backend` and `/model`.
    public static func candidates(for line: String, personas: [String], backends: [String], models: [String]) -> [String] {
        guard line.hasPrefix("/") else { return [] }
        let body = line.dropFirst()
        if let space = body.firstIndex(of: " ") {
            let name = String(body[..<space]).lowercased()
            let argument = body[body.index(after: space)...].trimmingCharacters(in: .whitespaces)
            let values: [String]
            switch name {
            case "persona": values = personas
            case "backend": values = backends
            case "model": values = models
            case "mode": values = Mode.allCases.map(\.rawValue)
            case "export": values = SlashCommand.ExportFormat.allCases.map(\.rawValue)
            default: values = []
            }
            return values.filter { $0.lowercased().hasPrefix(argument.lowercased()) }.sorted().map { "/\(name) \($0)" }
        }
        let prefix = body.lowercased()
        return SlashCommand.catalogue.map(\.name).filter { $0.hasPrefix(prefix) }.map { name in
            let takesArgument = !(SlashCommand.catalogue.first { $0.name == name }?.argument.isEmpty ?? true)
            return "/" + name + (takesArgument ? " " : "")
        }
    }

    /// What Tab does: the single candidate, or the longest common prefix of several (nil when
    /// there is nothing to add).
    public static func complete(_ line: String, personas: [String], backends: [String], models: [String]) -> (line: String, candidates: [String])? {
        let all = candidates(for: line, personas: personas, backends: backends, models: models)
        guard let first = all.first else { return nil }
        if all.count == 1 { return (first, all) }
        var common = first
        for candidate in all.dropFirst() {
            while !candidate.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
        }
        return (common.count > line.count ? common : line, all)
    }
}
