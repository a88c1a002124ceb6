import ParleyDecide

/// Tab completion for the decide-mode edits: the sub-words (`add`, `remove`) and the decision's own
/// option and criterion names, so a long or oddly spelled name never has to be typed twice.
extension SlashCompleter {
    /// Whole replacement lines for `/option`, `/criterion` and `/score`; nil for other commands.
    static func decisionCandidates(command: String, argument: String, decision: DecisionRecord?) -> [String]? {
        let options = decision?.options.map(\.name) ?? []
        let criteria = decision?.criteria.map(\.name) ?? []
        let (word, rest) = DecisionEditCommand.split(argument)
        let afterWord = argument.count > word.count
        let removing = afterWord && ["remove", "rm", "delete"].contains(word.lowercased())
        func matching(_ names: [String], _ prefix: String) -> [String] {
            names.filter { $0.lowercased().hasPrefix(prefix.lowercased()) }
        }
        func words(_ candidates: [String]) -> [String] {
            afterWord ? [] : candidates.filter { $0.hasPrefix(argument.lowercased()) }.map { "/\(command) \($0) " }
        }
        switch command {
        case "option":
            if removing { return matching(options, rest).map { "/option \(word) \($0)" } }
            return words(["add", "remove"])
        case "criterion":
            if removing { return matching(criteria, rest).map { "/criterion \(word) \($0)" } }
            guard !argument.contains(":") else { return [] }
            return words(["remove"]) + matching(criteria, argument).map { "/criterion \($0):" }
        case "score":
            let cell = removing ? rest : argument
            let lead = removing ? "/score \(word) " : "/score "
            let cells = cellCandidates(cell, options: options, criteria: criteria, suffix: removing ? "" : "=").map { lead + $0 }
            return (removing || cell.contains(":") ? [] : words(["remove"])) + cells
        default:
            return nil
        }
    }

    /// `OPTION:CRITERION` completed one name at a time: an option (then the colon), then a criterion
    /// of that option (then `suffix`).
    private static func cellCandidates(_ text: String, options: [String], criteria: [String], suffix: String) -> [String] {
        let lowered = text.lowercased()
        if let option = options.sorted(by: { $0.count > $1.count }).first(where: { lowered.hasPrefix($0.lowercased() + ":") }) {
            let typed = text.dropFirst(option.count + 1)
            guard !typed.contains("=") else { return [] }
            return criteria.filter { $0.lowercased().hasPrefix(typed.lowercased()) }.map { "\(option):\($0)\(suffix)" }
        }
        guard !text.contains(":") else { return [] }
        return options.filter { $0.lowercased().hasPrefix(lowered) }.map { "\($0):" }
    }
}
