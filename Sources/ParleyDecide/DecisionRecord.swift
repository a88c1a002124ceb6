import Foundation
import ParleyCore

/// Who put a value into a decision: the user's own values are never overwritten by the model.
public enum Provenance: String, Codable, Sendable, Equatable {
    /// Given by the user (a flag, an edit, the matrix panel).
    case user
    /// Proposed by the model and parsed from its answer.
    case model
    /// Neither gave it and the program assumed a neutral value (a weight of 3); shown as such.
    case assumed
}

/// One option under consideration, with its pros and cons.
public struct DecisionOption: Codable, Sendable, Equatable {
    public var name: String
    public var pros: [String]
    public var cons: [String]
    public var givenBy: Provenance

    public init(name: String, pros: [String] = [], cons: [String] = [], givenBy: Provenance) {
        self.name = name
        self.pros = pros
        self.cons = cons
        self.givenBy = givenBy
    }
}

/// Something that matters for the choice, with its importance (1-5).
public struct DecisionCriterion: Codable, Sendable, Equatable {
    public static let weightRange = 1...5
    public var name: String
    public var weight: Int
    public var givenBy: Provenance

    public init(name: String, weight: Int, givenBy: Provenance) {
        self.name = name
        self.weight = weight
        self.givenBy = givenBy
    }
}

/// How well one option does on one criterion (0-10).
public struct DecisionScore: Codable, Sendable, Equatable {
    public static let valueRange = 0...10
    public var option: String
    public var criterion: String
    public var value: Int
    public var givenBy: Provenance

    public init(option: String, criterion: String, value: Int, givenBy: Provenance) {
        self.option = option
        self.criterion = criterion
        self.value = value
        self.givenBy = givenBy
    }
}

/// What happened after the decision, added later by the user.
public struct DecisionOutcome: Codable, Sendable, Equatable {
    public var text: String
    public var date: Date

    public init(text: String, date: Date) {
        self.text = text
        self.date = date
    }
}

/// A decision: the question, the matrix of options × criteria, the model's reasoning and
/// recommendation, and later its outcome. A plain value: every edit is a pure function on it and the
/// totals, ranking and sensitivity are always recomputed from it (`analysis`), never stored as truth.
public struct DecisionRecord: Sendable, Equatable, Identifiable {
    /// The schema this build writes.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var id: String
    public var question: String
    public var options: [DecisionOption]
    public var criteria: [DecisionCriterion]
    public var scores: [DecisionScore]
    /// The model's step-by-step reasoning (stage 1), as it wrote it.
    public var reasoning: String
    /// The model's one-line comment on the result, nil when it gave none. Commentary only: the
    /// recommendation itself is derived from the ranking (`recommendedOption`).
    public var recommendation: String?
    /// The option the model's comment picks, when it named one.
    public var modelChoice: String?
    /// What the last run of the flow cost (calls, tokens, seconds); nil for records made without it.
    public var run: DecisionRunStats?
    /// What the program could not get from the model and left for the user, one line each.
    public var notes: [String]
    public var createdAt: Date
    public var updatedAt: Date
    public var outcome: DecisionOutcome?
    /// The stored conversation (mode `decide`) that holds the exchange with the model.
    public var conversationID: String?
    public var backend: String?
    public var model: String?

    public init(
        id: String = Identifier.make(), question: String, options: [DecisionOption] = [],
        criteria: [DecisionCriterion] = [], scores: [DecisionScore] = [], reasoning: String = "",
        recommendation: String? = nil, notes: [String] = [], createdAt: Date = Date(),
        outcome: DecisionOutcome? = nil, conversationID: String? = nil, backend: String? = nil, model: String? = nil
    ) {
        self.schemaVersion = DecisionRecord.currentSchemaVersion
        self.id = id
        self.question = question
        self.options = options
        self.criteria = criteria
        self.scores = scores
        self.reasoning = reasoning
        self.recommendation = recommendation
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.outcome = outcome
        self.conversationID = conversationID
        self.backend = backend
        self.model = model
    }

    /// Totals, ranking, missing cells and sensitivity, computed from the matrix as it is now.
    public var analysis: DecisionAnalysis {
        DecisionAnalysis(options: options.map(\.name), criteria: criteria, scores: scores)
    }

    /// The recommendation: the option the arithmetic ranks first (nil on a tie or an empty matrix).
    /// Derived, never taken from the model, so it always agrees with the totals.
    public var recommendedOption: String? { analysis.winner }

    /// True when the model's comment picks another option than the ranking does; its text is then
    /// shown as commentary, flagged.
    public var modelDisagrees: Bool {
        guard let choice = modelChoice, let winner = recommendedOption else { return false }
        return DecisionNames.key(choice) != DecisionNames.key(winner)
    }
}

/// The file stores the inputs and, for readers of the JSON, the derived totals and ranking; decoding
/// ignores the derived part and recomputes it, so a hand-edited file can never disagree with itself.
extension DecisionRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case schemaVersion, id, question, options, criteria, scores, reasoning, recommendation, notes
        case createdAt, updatedAt, outcome, backend, model, modelChoice, run
        case totals, ranking, missingScores, sensitivity
        /// camelCase with `Id`, as in all of Parley's JSON; records written before said
        /// `conversationID`, which is still read.
        case conversationID = "conversationId"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        id = try c.decode(String.self, forKey: .id)
        question = try c.decode(String.self, forKey: .question)
        options = try c.decodeIfPresent([DecisionOption].self, forKey: .options) ?? []
        criteria = try c.decodeIfPresent([DecisionCriterion].self, forKey: .criteria) ?? []
        scores = try c.decodeIfPresent([DecisionScore].self, forKey: .scores) ?? []
        reasoning = try c.decodeIfPresent(String.self, forKey: .reasoning) ?? ""
        recommendation = try c.decodeIfPresent(String.self, forKey: .recommendation)
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        updatedAt = try c.decode(Date.self, forKey: .updatedAt)
        outcome = try c.decodeIfPresent(DecisionOutcome.self, forKey: .outcome)
        conversationID = try c.decodeIfPresent(String.self, forKey: .conversationID)
            ?? decoder.decodeIfPresent(String.self, formerKey: "conversationID")
        backend = try c.decodeIfPresent(String.self, forKey: .backend)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        modelChoice = try c.decodeIfPresent(String.self, forKey: .modelChoice)
        run = try c.decodeIfPresent(DecisionRunStats.self, forKey: .run)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(id, forKey: .id)
        try c.encode(question, forKey: .question)
        try c.encode(options, forKey: .options)
        try c.encode(criteria, forKey: .criteria)
        try c.encode(scores, forKey: .scores)
        try c.encode(reasoning, forKey: .reasoning)
        try c.encodeIfPresent(recommendation, forKey: .recommendation)
        try c.encode(notes, forKey: .notes)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encodeIfPresent(outcome, forKey: .outcome)
        try c.encodeIfPresent(conversationID, forKey: .conversationID)
        try c.encodeIfPresent(backend, forKey: .backend)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encodeIfPresent(modelChoice, forKey: .modelChoice)
        try c.encodeIfPresent(run, forKey: .run)
        let analysis = self.analysis
        try c.encode(analysis.totals, forKey: .totals)
        try c.encode(analysis.ranking, forKey: .ranking)
        try c.encode(analysis.missing, forKey: .missingScores)
        try c.encode(analysis.sensitivity, forKey: .sensitivity)
    }
}
