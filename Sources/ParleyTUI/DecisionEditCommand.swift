import ParleyCore
import ParleyDecide

/// One edit of the decision typed in decide mode (`/option`, `/criterion`, `/score`), kept as the
/// text the user gave. Applying it goes through `DecisionEdits`, the CLI's own parser and
/// validation, so `parley decide edit` and the chat screen accept and refuse the same things.
public enum DecisionEditCommand: Sendable, Equatable {
    case addOption(String)
    case removeOption(String)
    /// `NAME` or `NAME:WEIGHT`: adds the criterion or sets its weight.
    case criterion(String)
    case removeCriterion(String)
    /// `OPTION:CRITERION=VALUE`.
    case score(String)
    /// `OPTION:CRITERION`.
    case removeScore(String)

    /// Parses the argument of `/option`, `/criterion` or `/score` (nil for other commands).
    static func parse(command: String, argument: String) -> Result<DecisionEditCommand, SlashCommand.ParseError>? {
        let (word, rest) = split(argument)
        let removing = ["remove", "rm", "delete"].contains(word.lowercased())
        func need(_ usage: String) -> Result<DecisionEditCommand, SlashCommand.ParseError> {
            .failure(SlashCommand.ParseError(description: "/\(command) needs \(usage)"))
        }
        switch command {
        case "option":
            if removing { return rest.isEmpty ? need("a name: /option remove NAME") : .success(.removeOption(rest)) }
            if word.lowercased() == "add" { return rest.isEmpty ? need("a name: /option add NAME") : .success(.addOption(rest)) }
            return .failure(SlashCommand.ParseError(description: "/option takes add NAME or remove NAME"))
        case "criterion":
            if removing && !rest.isEmpty { return .success(.removeCriterion(rest)) }
            return argument.isEmpty ? need("a name: /criterion NAME[:WEIGHT] or /criterion remove NAME") : .success(.criterion(argument))
        case "score":
            if removing { return rest.isEmpty ? need("a cell: /score remove OPTION:CRITERION") : .success(.removeScore(rest)) }
            return argument.isEmpty ? need("a score: /score OPTION:CRITERION=VALUE") : .success(.score(argument))
        default:
            return nil
        }
    }

    /// The first word and the rest, trimmed.
    static func split(_ argument: String) -> (word: String, rest: String) {
        let word = argument.prefix(while: { !$0.isWhitespace })
        return (String(word), argument.dropFirst(word.count).trimmingCharacters(in: .whitespaces))
    }

    /// The same edit in the CLI's terms.
    public var edits: DecisionEdits {
        switch self {
        case .addOption(let name): return DecisionEdits(addOptions: [name])
        case .removeOption(let name): return DecisionEdits(removeOptions: [name])
        case .criterion(let spec): return DecisionEdits(criteria: [spec])
        case .removeCriterion(let name): return DecisionEdits(removeCriteria: [name])
        case .score(let spec): return DecisionEdits(scores: [spec])
        case .removeScore(let cell): return DecisionEdits(removeScores: [cell])
        }
    }

    /// Applies the edit (all or nothing), or says in one line why not, naming this screen's
    /// commands rather than the CLI's flags.
    public func apply(to record: inout DecisionRecord) -> String? {
        var edited = record
        do {
            try edits.apply(to: &edited)
        } catch let malformed as DecisionEdits.Malformed {
            var renamed = malformed
            renamed.flag = DecisionEditCommand.command(forFlag: malformed.flag)
            return renamed.description
        } catch let refused as DecisionEditError {
            return refused.description(addOption: "/option add", addCriterion: "/criterion")
        } catch {
            return oneLineDescription(of: error)
        }
        if case .removeScore(let cell) = self, edited == record {
            return "no score for '\(cell)' to remove (write it as OPTION:CRITERION)"
        }
        record = edited
        return nil
    }

    static func command(forFlag flag: String) -> String {
        switch flag {
        case "--score": return "/score"
        case "--remove-score": return "/score remove"
        case "--criterion": return "/criterion"
        case "--option": return "/option add"
        default: return flag
        }
    }

    /// What changed, for the notice line.
    var summary: String {
        switch self {
        case .addOption(let name): return "option \u{201C}\(name)\u{201D} added"
        case .removeOption(let name): return "option \u{201C}\(name)\u{201D} removed"
        case .criterion(let spec): return "criterion \u{201C}\(spec)\u{201D} set"
        case .removeCriterion(let name): return "criterion \u{201C}\(name)\u{201D} removed"
        case .score(let spec): return "score \(spec) set"
        case .removeScore(let cell): return "score \(cell) cleared"
        }
    }
}
