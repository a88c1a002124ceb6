import Foundation
import ParleyCore

/// A batch of user edits as written on a command line (`--option`, `--criterion NAME[:WEIGHT]`,
/// `--score OPTION:CRITERION=VALUE`, removals), applied all or nothing: on any error the record is
/// left as it was. Everything applied is marked as given by the user.
public struct DecisionEdits: Sendable, Equatable {
    public var addOptions: [String] = []
    public var criteria: [String] = []
    public var scores: [String] = []
    public var removeOptions: [String] = []
    public var removeCriteria: [String] = []
    /// `OPTION:CRITERION` cells to clear.
    public var removeScores: [String] = []

    public init(
        addOptions: [String] = [], criteria: [String] = [], scores: [String] = [], removeOptions: [String] = [],
        removeCriteria: [String] = [], removeScores: [String] = []
    ) {
        self.addOptions = addOptions
        self.criteria = criteria
        self.scores = scores
        self.removeOptions = removeOptions
        self.removeCriteria = removeCriteria
        self.removeScores = removeScores
    }

    public var isEmpty: Bool {
        addOptions.isEmpty && criteria.isEmpty && scores.isEmpty && removeOptions.isEmpty && removeCriteria.isEmpty && removeScores.isEmpty
    }

    /// A malformed flag value, named as the user typed it.
    public struct Malformed: UserFacingError, Equatable {
        public var flag: String
        public var value: String
        public var expected: String
        public var description: String { "\(flag) '\(value)' is not \(expected)" }
    }

    /// Removals first, then options, criteria and scores, so a flag may refer to what an earlier flag added.
    public func apply(to record: inout DecisionRecord) throws {
        var edited = record
        for name in removeOptions { try edited.removeOption(name) }
        for name in removeCriteria { try edited.removeCriterion(name) }
        for spec in removeScores {
            let cell = try DecisionEdits.cell(spec, in: edited, flag: "--remove-score", expected: "OPTION:CRITERION")
            edited.removeScore(option: cell.option, criterion: cell.criterion)
        }
        for name in addOptions { try edited.addOption(name, givenBy: .user) }
        for spec in criteria {
            let (name, weight) = try DecisionEdits.criterion(spec)
            try edited.setCriterion(name, weight: weight, givenBy: .user)
        }
        for spec in scores {
            guard let equals = spec.lastIndex(of: "=") else {
                throw Malformed(flag: "--score", value: spec, expected: "OPTION:CRITERION=VALUE (e.g. 'Berlin:Cost=7')")
            }
            let valueText = spec[spec.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let value = Int(valueText) else {
                throw Malformed(flag: "--score", value: spec, expected: "OPTION:CRITERION=VALUE with a whole number 0-10")
            }
            let expected = "OPTION:CRITERION=VALUE (e.g. 'Berlin:Cost=7')"
            guard let cell = try? DecisionEdits.cell(String(spec[..<equals]), in: edited, flag: "--score", expected: expected) else {
                throw Malformed(flag: "--score", value: spec, expected: expected)
            }
            try edited.setScore(option: cell.option, criterion: cell.criterion, value: value, givenBy: .user)
        }
        record = edited
    }

    /// `NAME` or `NAME:WEIGHT`.
    public static func criterion(_ spec: String) throws -> (name: String, weight: Int?) {
        guard let colon = spec.lastIndex(of: ":") else { return (spec, nil) }
        let name = String(spec[..<colon])
        let weightText = spec[spec.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard let weight = Int(weightText), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Malformed(flag: "--criterion", value: spec, expected: "NAME or NAME:WEIGHT with a whole-number weight 1-5 (e.g. 'Cost:4')")
        }
        return (name, weight)
    }

    /// `OPTION:CRITERION`, where either name may itself hold a colon: the split that names an
    /// existing option and criterion wins; otherwise the first colon, so the error names the option.
    static func cell(_ text: String, in record: DecisionRecord, flag: String, expected: String) throws -> (option: String, criterion: String) {
        let colons = text.indices.filter { text[$0] == ":" }
        guard let first = colons.first else { throw Malformed(flag: flag, value: text, expected: expected) }
        for colon in colons {
            let option = String(text[..<colon]), criterion = String(text[text.index(after: colon)...])
            if record.optionIndex(option) != nil && record.criterionIndex(criterion) != nil { return (option, criterion) }
        }
        let option = String(text[..<first]), criterion = String(text[text.index(after: first)...])
        if option.trimmingCharacters(in: .whitespaces).isEmpty || criterion.trimmingCharacters(in: .whitespaces).isEmpty {
            throw Malformed(flag: flag, value: text, expected: expected)
        }
        return (option, criterion)
    }
}
