import Foundation
import ParleyCore

/// Edits of a decision, as pure mutations that check their input first: a failed edit changes
/// nothing. The CLI's flags and the TUI's matrix panel both go through these.
extension DecisionRecord {
    public func optionIndex(_ name: String) -> Int? {
        let key = DecisionNames.key(name)
        return options.firstIndex { DecisionNames.key($0.name) == key }
    }

    public func criterionIndex(_ name: String) -> Int? {
        let key = DecisionNames.key(name)
        return criteria.firstIndex { DecisionNames.key($0.name) == key }
    }

    public func score(option: String, criterion: String) -> DecisionScore? {
        let o = DecisionNames.key(option), c = DecisionNames.key(criterion)
        return scores.first { DecisionNames.key($0.option) == o && DecisionNames.key($0.criterion) == c }
    }

    /// Adds an option, or (when one of that name exists) keeps it and, for a user edit, marks it the user's.
    public mutating func addOption(_ name: String, givenBy: Provenance) throws {
        let clean = try DecisionRecord.checkedName(name, what: "option")
        if let index = optionIndex(clean) {
            if givenBy == .user { options[index].givenBy = .user }
            return
        }
        options.append(DecisionOption(name: clean, givenBy: givenBy))
    }

    public mutating func removeOption(_ name: String) throws {
        guard let index = optionIndex(name) else { throw DecisionEditError.unknownOption(name, known: options.map(\.name)) }
        let key = DecisionNames.key(options[index].name)
        notes.removeAll { $0.contains("'\(options[index].name)'") }
        options.remove(at: index)
        scores.removeAll { DecisionNames.key($0.option) == key }
    }

    /// Adds a criterion or changes its weight. A nil weight keeps an existing weight, or for a new
    /// criterion assumes a neutral 3 (marked `assumed`, so it can be asked for or shown as such).
    public mutating func setCriterion(_ name: String, weight: Int?, givenBy: Provenance) throws {
        let clean = try DecisionRecord.checkedName(name, what: "criterion")
        if let weight, !DecisionCriterion.weightRange.contains(weight) {
            throw DecisionEditError.weightOutOfRange(criterion: clean, weight: weight)
        }
        if let index = criterionIndex(clean) {
            if let weight {
                criteria[index].weight = weight
                criteria[index].givenBy = givenBy
            }
            return
        }
        criteria.append(DecisionCriterion(name: clean, weight: weight ?? 3, givenBy: weight == nil ? .assumed : givenBy))
    }

    public mutating func removeCriterion(_ name: String) throws {
        guard let index = criterionIndex(name) else { throw DecisionEditError.unknownCriterion(name, known: criteria.map(\.name)) }
        let key = DecisionNames.key(criteria[index].name)
        notes.removeAll { $0.contains("'\(criteria[index].name)'") }
        criteria.remove(at: index)
        scores.removeAll { DecisionNames.key($0.criterion) == key }
    }

    /// Sets one cell. The option and criterion must exist; the value must be 0-10.
    public mutating func setScore(option: String, criterion: String, value: Int, givenBy: Provenance) throws {
        guard let o = optionIndex(option) else { throw DecisionEditError.unknownOption(option, known: options.map(\.name)) }
        guard let c = criterionIndex(criterion) else { throw DecisionEditError.unknownCriterion(criterion, known: criteria.map(\.name)) }
        guard DecisionScore.valueRange.contains(value) else {
            throw DecisionEditError.scoreOutOfRange(option: options[o].name, criterion: criteria[c].name, value: value)
        }
        let cell = DecisionScore(option: options[o].name, criterion: criteria[c].name, value: value, givenBy: givenBy)
        if let existing = scores.firstIndex(where: {
            DecisionNames.key($0.option) == DecisionNames.key(cell.option) && DecisionNames.key($0.criterion) == DecisionNames.key(cell.criterion)
        }) {
            scores[existing] = cell
        } else {
            scores.append(cell)
        }
    }

    public mutating func removeScore(option: String, criterion: String) {
        let o = DecisionNames.key(option), c = DecisionNames.key(criterion)
        scores.removeAll { DecisionNames.key($0.option) == o && DecisionNames.key($0.criterion) == c }
    }

    public mutating func setOutcome(_ text: String, date: Date) throws {
        let clean = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !clean.isEmpty else { throw DecisionEditError.emptyOutcome }
        outcome = DecisionOutcome(text: clean, date: date)
        updatedAt = date
    }

    /// Scores in the matrix order (options, then criteria), dropping cells whose option or criterion is gone.
    public var orderedScores: [DecisionScore] {
        options.flatMap { option in criteria.compactMap { score(option: option.name, criterion: $0.name) } }
    }

    static func checkedName(_ name: String, what: String) throws -> String {
        let clean = DecisionNames.clean(name)
        guard !clean.isEmpty else { throw DecisionEditError.emptyName(what: what) }
        guard clean.count <= 200 else { throw DecisionEditError.nameTooLong(what: what) }
        return clean
    }
}

/// Why an edit was refused; one line saying what to fix.
public enum DecisionEditError: UserFacingError, Equatable {
    case unknownOption(String, known: [String])
    case unknownCriterion(String, known: [String])
    case scoreOutOfRange(option: String, criterion: String, value: Int)
    case weightOutOfRange(criterion: String, weight: Int)
    case emptyName(what: String)
    case nameTooLong(what: String)
    case emptyOutcome

    public var description: String { description(addOption: "--option", addCriterion: "--criterion") }

    /// The same line naming the way to add an option or criterion where the user is (the CLI's
    /// flags, or the chat screen's `/option add` and `/criterion`).
    public func description(addOption: String, addCriterion: String) -> String {
        func list(_ names: [String]) -> String { names.isEmpty ? "none yet" : names.map { "'\($0)'" }.joined(separator: ", ") }
        switch self {
        case .unknownOption(let name, let known):
            return "no option '\(name)' in this decision (options: \(list(known))); add it with \(addOption) first"
        case .unknownCriterion(let name, let known):
            return "no criterion '\(name)' in this decision (criteria: \(list(known))); add it with \(addCriterion) first"
        case .scoreOutOfRange(let option, let criterion, let value):
            return "the score of '\(option)' on '\(criterion)' must be 0 to 10, not \(value)"
        case .weightOutOfRange(let criterion, let weight):
            return "the weight of '\(criterion)' must be 1 to 5, not \(weight)"
        case .emptyName(let what):
            return "\(what == "option" ? "an" : "a") \(what) needs a name"
        case .nameTooLong(let what):
            return "that \(what) name is longer than 200 characters; shorten it"
        case .emptyOutcome:
            return "the outcome text is empty; say what happened"
        }
    }
}
