import Foundation
import ParleyCore
import ParleyDecide

/// A slash command typed into the input, parsed. Parsing is pure; the reducer turns a command into
/// state changes and effects.
public enum SlashCommand: Sendable, Equatable {
    case new
    case title(String)
    case persona(String)
    case mode(Mode)
    case backend(String)
    case model(String)
    /// `/lora FILE[:SCALE]` adds a LoRA adapter to the local model (a file already in use takes the
    /// new scale); `/lora off` (nil) removes them all.
    case lora(String?)
    case system(String)
    /// `/schema FILE` applies a JSON schema to the next replies; `/schema off` (nil) stops it.
    case schema(path: String?)
    case retry
    case edit
    case export(format: ExportFormat, path: String?)
    case search(String)
    case delete
    case copy
    case think
    case help
    case quit
    // Decide mode: edits of the decision, re-running the model, the outcome.
    case decisionEdit(DecisionEditCommand)
    /// Ask the model for what is still missing; with a question, start a new decision on it.
    case decide(question: String?)
    case outcome(String)
    // Write mode
    /// `/write TEMPLATE`: the template's form (nil: which templates there are).
    case write(String?)
    case version(VersionChoice)
    /// `/diff [A B]`: nil, nil compares the previous version with the current one.
    case diff(from: Int?, to: Int?)
    case save(String)
    // Feedback on the reply under the cursor (Alt-↑↓), or the last one.
    case rate(Rating, note: String?)
    /// `/prefer N`: version N of the reply becomes the chosen one, the others rejected.
    case prefer(Int)
    /// `/ideal`: write the answer wanted instead, in the editor.
    case ideal
    // Pictures
    /// `/image PROMPT [options]`: a picture from the configured image backend, into the transcript.
    case image(PictureOrder)
    /// `/open`: the newest picture of the conversation in the desktop's viewer.
    case open

    /// Which draft version `/version` shows.
    public enum VersionChoice: Sendable, Equatable {
        case number(Int)
        case next
        case previous
    }

    public enum ExportFormat: String, Sendable, Equatable, CaseIterable { case md, json }

    /// Every command with its argument hint and what it does, for help and completion.
    public static let catalogue: [(name: String, argument: String, summary: String)] = [
        ("new", "", "start a new conversation"),
        ("title", "TEXT", "rename this conversation"),
        ("persona", "NAME", "switch persona"),
        ("mode", "chat|decide|write", "set the conversation's mode"),
        ("backend", "NAME", "switch to a configured backend"),
        ("model", "NAME", "ask the backend for another model"),
        ("lora", "FILE[:S]|off", "add a LoRA adapter to the local model; off: none"),
        ("system", "TEXT", "add a system instruction to this conversation"),
        ("schema", "FILE|off", "replies are JSON that validates against the schema in FILE; off stops it"),
        ("retry", "", "regenerate the last reply (the old one is kept)"),
        ("edit", "", "edit and resend your last message"),
        ("export", "md|json [FILE]", "export the chat, or in decide mode the decision"),
        ("search", "TEXT", "search all conversations"),
        ("delete", "", "move this conversation to the trash"),
        ("copy", "", "copy the last reply (OSC 52); in write mode the draft version shown"),
        ("option", "add|remove NAME", "decide mode: add or remove an option"),
        ("criterion", "NAME:WEIGHT", "decide mode: add a criterion or set its weight 1-5 (without one: 3); /criterion remove NAME"),
        ("score", "OPT:CRIT=VALUE", "decide mode: set a score 0-10; /score remove OPT:CRIT clears it"),
        ("decide", "[QUESTION]", "decide mode: ask the model for what is missing (or start a new question)"),
        ("outcome", "TEXT", "decide mode: record what happened after the decision"),
        ("write", "[TEMPLATE]", "write mode: fill a template's form (no name: choose from a list); the draft streams into the panel"),
        ("version", "N|next|prev", "write mode: show another version of the draft"),
        ("diff", "[A B]", "write mode: what changed from version A to B (default: previous to current)"),
        ("save", "FILE", "write mode: save the draft version shown to FILE (asks before replacing)"),
        ("rate", "up|down [NOTE]", "rate the reply under the cursor (Alt-↑↓), or the last one; a note says why"),
        ("prefer", "N", "choose version N of a regenerated reply; the other versions count as rejected"),
        ("ideal", "", "write the answer you wanted in $EDITOR (kept with the reply, for fine-tuning)"),
        ("image", "PROMPT [--steps N --seed N --size WxH --negative TEXT --model NAME --init FILE --control FILE --control-module NAME]",
         "draw a picture with the image backend (Tab completes <lora:NAME:WEIGHT> and --model); Ctrl-C stops it"),
        ("open", "", "open the newest picture with the desktop's viewer"),
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
        case "lora":
            if argument.isEmpty { return .failure(needs("an adapter file, or off: /lora FILE[:SCALE]")) }
            return .success(.lora(argument.lowercased() == "off" ? nil : argument))
        case "system": return argument.isEmpty ? .failure(needs("text: /system TEXT")) : .success(.system(argument))
        case "schema":
            if argument.isEmpty { return .failure(needs("a JSON schema file, or off: /schema FILE")) }
            return .success(.schema(path: argument.lowercased() == "off" ? nil : argument))
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
        case "option", "criterion", "score":
            return DecisionEditCommand.parse(command: name.lowercased(), argument: argument)?.map(SlashCommand.decisionEdit)
                ?? .failure(ParseError(description: "unknown command /\(name)"))
        case "decide": return .success(.decide(question: argument.isEmpty ? nil : argument))
        case "outcome": return argument.isEmpty ? .failure(needs("text: /outcome TEXT")) : .success(.outcome(argument))
        case "write": return .success(.write(argument.isEmpty ? nil : argument))
        case "version", "v":
            switch argument.lowercased() {
            case "next", "n", "+": return .success(.version(.next))
            case "prev", "previous", "p", "-": return .success(.version(.previous))
            default:
                guard let number = Int(argument), number > 0 else {
                    return .failure(ParseError(description: "/version takes a version number, next or prev"))
                }
                return .success(.version(.number(number)))
            }
        case "diff":
            let numbers = argument.split(whereSeparator: \.isWhitespace).map { Int($0) }
            if numbers.isEmpty { return .success(.diff(from: nil, to: nil)) }
            guard numbers.count == 2, let from = numbers[0], let to = numbers[1], from > 0, to > 0 else {
                return .failure(ParseError(description: "/diff takes two version numbers (/diff 1 2), or none for the previous against the current"))
            }
            return .success(.diff(from: from, to: to))
        case "save": return argument.isEmpty ? .failure(needs("a file name: /save FILE")) : .success(.save(argument))
        case "rate":
            let parts = argument.split(maxSplits: 1, whereSeparator: \.isWhitespace)
            guard let first = parts.first, let rating = Rating(rawValue: first.lowercased()) else {
                return .failure(ParseError(description: "/rate takes up or down, then an optional note"))
            }
            let note = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
            return .success(.rate(rating, note: note?.isEmpty == true ? nil : note))
        case "prefer":
            guard let number = Int(argument), number > 0 else {
                return .failure(ParseError(description: "/prefer takes the number of a version: /prefer 2"))
            }
            return .success(.prefer(number))
        case "ideal": return none(.ideal)
        case "image", "img": return PictureOrder.parse(argument).map(SlashCommand.image)
        case "open": return none(.open)
        case "": return .failure(ParseError(description: "type a command after / (Tab lists them)"))
        default:
            return .failure(ParseError(description: "unknown command /\(name) (Tab lists the commands, F1 shows help)"))
        }
    }
}

/// Tab completion for slash commands and their arguments.
public enum SlashCompleter {
    /// The candidates for `line`: whole replacement lines, sorted. `names` supplies argument values
    /// for `/persona`, `/backend` and `/model`; `decision` the option and criterion names for the
    /// decide-mode edits.
    public static func candidates(
        for line: String, personas: [String], backends: [String], models: [String], decision: DecisionRecord? = nil,
        templates: [String] = [], loras: [String] = []
    ) -> [String] {
        guard line.hasPrefix("/") else { return [] }
        let body = line.dropFirst()
        if let space = body.firstIndex(of: " ") {
            let name = String(body[..<space]).lowercased()
            if name == "image" || name == "img" { return loraCandidates(line, loras: loras) }
            let argument = body[body.index(after: space)...].trimmingCharacters(in: .whitespaces)
            let typed = String(body[body.index(after: space)...].drop(while: \.isWhitespace))
            if let names = decisionCandidates(command: name, argument: typed, decision: decision) { return names }
            let values: [String]
            switch name {
            case "persona": values = personas
            case "backend": values = backends
            case "model": values = models
            case "mode": values = Mode.allCases.map(\.rawValue)
            case "write": values = templates
            case "version": values = ["next", "prev"]
            case "schema": values = ["off"]
            case "export": values = SlashCommand.ExportFormat.allCases.map(\.rawValue)
            case "rate": values = Rating.allCases.map(\.rawValue)
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

    /// In `/image`, the value of `--model` being typed at the end of the line (`--model sd`,
    /// `--model=sd`, `--model "v1 5`), without its opening quote; "" just after `--model `. Nil
    /// when the line has moved on past it.
    public static func imageModelBeingTyped(_ line: String) -> String? {
        guard let range = modelOptionRange(line) else { return nil }
        var value = line[range.upperBound...]
        if let quote = value.first, quote == "\"" || quote == "'" {
            value = value.dropFirst()
            if let close = value.firstIndex(of: quote) {
                guard value[value.index(after: close)...].isEmpty else { return nil }
                value = value[..<close]
            }
            return String(value)
        }
        return value.contains(where: \.isWhitespace) ? nil : String(value)
    }

    /// The whole line with each of `models` that starts with the `--model` value being typed
    /// written in (quoted when it holds blanks, as SD WebUI's titles do), sorted.
    static func imageModelCandidates(_ line: String, models: [String]) -> [String] {
        guard let typed = imageModelBeingTyped(line)?.lowercased(), let range = modelOptionRange(line) else { return [] }
        let head = line[..<range.upperBound]
        return models.filter { $0.lowercased().hasPrefix(typed) }.sorted().map {
            head + ($0.contains(where: \.isWhitespace) ? "\"\($0)\"" : $0)
        }
    }

    /// Where the last `--model ` or `--model=` of the line is.
    private static func modelOptionRange(_ line: String) -> Range<String.Index>? {
        [" --model ", " --model="].compactMap { line.range(of: $0, options: .backwards) }.max { $0.lowerBound < $1.lowerBound }
    }

    /// In `/image`, the last word being a LoRA tag (`<lora:`, `<lora:fo`): the whole line with
    /// each LoRA name that fits written in as `<lora:NAME:1>` (sorted). `<` or `<lo` first
    /// becomes `<lora:`. Nothing for other words.
    static func loraCandidates(_ line: String, loras: [String]) -> [String] {
        let start = line.lastIndex(where: \.isWhitespace).map(line.index(after:)) ?? line.startIndex
        let word = line[start...]
        let head = line[..<start]
        let tag = "<lora:"
        if word.hasPrefix("<"), word.count < tag.count, tag.hasPrefix(word.lowercased()) { return [head + tag] }
        guard word.lowercased().hasPrefix(tag), !word.contains(">") else { return [] }
        let typed = word.dropFirst(tag.count)
        guard !typed.contains(":") else { return [] }
        return loras.filter { $0.lowercased().hasPrefix(typed.lowercased()) }.sorted().map { head + tag + $0 + ":1>" }
    }

    /// What Tab does: the single candidate, or the longest common prefix of several (nil when
    /// there is nothing to add).
    public static func complete(
        _ line: String, personas: [String], backends: [String], models: [String], decision: DecisionRecord? = nil,
        templates: [String] = [], loras: [String] = []
    ) -> (line: String, candidates: [String])? {
        let all = candidates(
            for: line, personas: personas, backends: backends, models: models, decision: decision, templates: templates, loras: loras)
        guard let first = all.first else { return nil }
        if all.count == 1 { return (first, all) }
        var common = first
        for candidate in all.dropFirst() {
            while !candidate.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
        }
        return (common.count > line.count ? common : line, all)
    }
}
