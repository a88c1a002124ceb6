import Foundation
import ParleyCore
import StructuredOutput

/// The decision flow: from a question and whatever the user gave, asks the model — under a JSON
/// schema each time — for what is missing, in as few calls as the matrix allows:
///
/// 1. options named in the question ("train or fly") are read without the model;
/// 2. one call for whatever of options, criteria and weights is still missing (none when the user
///    gave them all);
/// 3. one call per option: its pros and cons, then for each criterion a one-line reason followed by
///    a score. The reason is generated before the score, so the score sees it (the two-stage chain
///    of thought, within one constrained answer). The schema requires every cell;
/// 4. one call for the model's comment on the totals the program computed.
///
/// The user's values are never replaced and never asked for; the model only fills gaps. A cell that
/// still cannot be read (an answer cut at its token limit) is asked for once more, then left empty —
/// never invented. The recommendation is derived from the ranking; the model's comment is kept as
/// commentary (`DecisionRecord.modelDisagrees` flags it when it picks another option).
/// A failed turn with nothing in it stops the asking: the record keeps what it has.
public struct DecisionSession: Sendable {
    public let turns: any DecisionTurns
    /// One line per step, for a status display (stderr in the CLI).
    public let progress: @Sendable (String) -> Void
    /// The record as it stands after each step that changed it, so a live view can fill in while
    /// the model works; `run` still returns the final record.
    public let partial: @Sendable (DecisionRecord) -> Void
    /// The most options and criteria the model may bring the matrix up to.
    public var maximumOptions = 4
    public var maximumCriteria = 4
    /// How many criteria the model proposes when the user gave none: each one costs a reason and a
    /// score per option, the bulk of the generated tokens.
    public var proposedCriteria = 2...3
    /// Whether proposed criteria are picked from `DecisionSchemas.criteriaVocabulary` (see there
    /// why); false lets the model name them freely (a larger model may do better).
    public var picksCriteriaFromVocabulary = true
    /// Whether to ask for the model's comment on the result (one call); the recommendation itself
    /// is derived from the ranking either way.
    public var asksForComment = true

    public init(
        turns: any DecisionTurns, progress: @escaping @Sendable (String) -> Void = { _ in },
        partial: @escaping @Sendable (DecisionRecord) -> Void = { _ in }
    ) {
        self.turns = turns
        self.progress = progress
        self.partial = partial
    }

    /// Stops the flow when the model cannot be reached at all.
    private struct ModelUnavailable: Error {
        var reason: String
    }

    /// Stops the flow when the user cancels (Ctrl-C): the record keeps what was gathered.
    private struct Stopped: Error {}

    /// How the note starts when the model could not be reached (a failed turn with no text).
    public static let unavailablePrefix = "the model stopped answering "

    /// The note a record carries when the user stopped the flow.
    public static let stoppedNote = "stopped by the user before the model had filled everything in"

    /// Fills in what is missing. Errors thrown are storage errors (the exchange could not be saved)
    /// and cancellation; a model that answers badly or not at all still yields a record.
    public func run(_ start: DecisionRecord) async throws -> DecisionRecord {
        var record = start
        var stats = DecisionRunStats()
        let clock = ContinuousClock()
        let began = clock.now
        do {
            readOptionsFromQuestion(&record)
            try await fillSetup(&record, &stats)
            try await fillOptions(&record, &stats)
            try await fillComment(&record, &stats)
        } catch let stop as ModelUnavailable {
            record.notes.append(DecisionSession.unavailablePrefix + "(\(stop.reason)); the rest is left for you")
        } catch is Stopped {
            record.notes.append(DecisionSession.stoppedNote)
        }
        let elapsed = clock.now - began
        stats.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        record.run = stats
        return record
    }

    // MARK: - Asking

    private func ask(_ request: DecisionRequest, _ stats: inout DecisionRunStats) async throws -> JSONObject? {
        if Task.isCancelled { throw Stopped() }
        progress(request.step)
        let reply = try await turns.ask(request)
        stats.modelCalls += 1
        stats.promptTokens += reply.usage?.promptTokens ?? 0
        stats.completionTokens += reply.usage?.completionTokens ?? 0
        if Task.isCancelled { throw Stopped() }
        if let failure = reply.failure {
            if reply.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ModelUnavailable(reason: failure) }
            progress("the answer was cut short (\(failure)); using what arrived")
        }
        if let value = reply.value { return value.objectValue }
        // Not valid as a whole (cut at the token limit, or a server that ignores schemas): whatever
        // parses is still read member by member; the flow asks again for what it lacks.
        return (try? JSONValue.parse(reply.text.trimmingCharacters(in: .whitespacesAndNewlines)))?.objectValue
    }

    // MARK: - Steps

    /// "Train or fly?" names its options: they are the user's own words, not the model's guess.
    private func readOptionsFromQuestion(_ record: inout DecisionRecord) {
        guard record.options.count < 2 else { return }
        let named = QuestionOptions.options(in: record.question)
        guard !named.isEmpty else { return }
        for name in named where record.options.count < maximumOptions { try? record.addOption(name, givenBy: .user) }
        partial(record)
    }

    /// Options, criteria and weights that are missing, in one answer (asked once more if it did not
    /// bring enough to score).
    private func fillSetup(_ record: inout DecisionRecord, _ stats: inout DecisionRunStats) async throws {
        for attempt in 0..<2 {
            let needOptions = record.options.count < 2
            // One criterion makes no comparison: the model adds at least one more (and a repeated
            // pick from the list, which the schema cannot forbid, is asked for again).
            let needCriteria = record.criteria.count < 2
            let unweighted = record.criteria.filter { $0.givenBy == .assumed }.map(\.name)
            let known = record.options.count
            let optionCount = max(1, 2 - known)...max(max(1, 2 - known), min(3, maximumOptions - known))
            guard let schema = DecisionSchemas.setup(
                options: needOptions ? optionCount : nil, criteria: needCriteria ? criteriaCount(record) : nil, weightsFor: unweighted,
                vocabulary: picksCriteriaFromVocabulary ? vocabulary(record) : nil)
            else { return }
            let wanted = [needOptions ? "options" : nil, needCriteria ? "criteria" : nil, unweighted.isEmpty ? nil : "weights"].compactMap { $0 }
            let request = DecisionRequest(
                prompt: DecisionPrompts.setup(
                    question: record.question, options: record.options.map(\.name), moreOptions: needOptions,
                    criteria: needCriteria, known: record.criteria.map(\.name), weightsFor: unweighted),
                maxTokens: 24 + (needOptions ? 40 : 0) + (needCriteria ? 50 : 0) + 8 * unweighted.count,
                schema: schema,
                step: (attempt == 0 ? "asking for " : "asking once more for ") + wanted.joined(separator: " and "))
            let answer = try await ask(request, &stats)
            read(setup: answer, into: &record)
            partial(record)
            if record.options.count >= 2 && record.criteria.count >= 2 { break }
        }
        if record.options.count < 2 { record.notes.append("the model named too few options") }
        if record.criteria.isEmpty { record.notes.append("the model named no criteria") }
    }

    /// How many more criteria to ask for: up to two in all at least, `proposedCriteria` at most.
    private func criteriaCount(_ record: DecisionRecord) -> ClosedRange<Int> {
        let known = record.criteria.count
        let low = max(1, proposedCriteria.lowerBound - known)
        return low...max(low, min(proposedCriteria.upperBound, maximumCriteria) - known)
    }

    /// The list to pick criteria from, without those the record has.
    private func vocabulary(_ record: DecisionRecord) -> [String] {
        let known = Set(record.criteria.map { DecisionNames.key($0.name) })
        return DecisionSchemas.criteriaVocabulary(for: record.question).filter { !known.contains(DecisionNames.key($0)) }
    }

    private func read(setup answer: JSONObject?, into record: inout DecisionRecord) {
        guard let answer else { return }
        for item in answer["options"]?.arrayValue ?? [] {
            guard let name = item.stringValue.map(DecisionNames.clean), usable(name, in: record), record.options.count < maximumOptions else { continue }
            try? record.addOption(name, givenBy: .model)
        }
        for item in answer["criteria"]?.arrayValue ?? [] {
            guard let name = item["name"]?.stringValue.map(DecisionNames.clean), usable(name, in: record),
                record.criteria.count < maximumCriteria
            else { continue }
            let weight = item["weight"].flatMap(DecisionSession.integer).flatMap { DecisionCriterion.weightRange.contains($0) ? $0 : nil }
            if !record.criteria.contains(where: { DecisionNames.key($0.name) == DecisionNames.key(name) }) {
                try? record.setCriterion(name, weight: weight, givenBy: .model)
            }
        }
        for (name, value) in answer["weights"]?.objectValue ?? JSONObject() {
            guard let criterion = record.criteria.first(where: { DecisionNames.key($0.name) == DecisionNames.key(name) }),
                criterion.givenBy == .assumed, let weight = DecisionSession.integer(value), DecisionCriterion.weightRange.contains(weight)
            else { continue }
            try? record.setCriterion(criterion.name, weight: weight, givenBy: .model)
        }
    }

    /// A name worth adding: not empty, not the question itself.
    private func usable(_ name: String, in record: DecisionRecord) -> Bool {
        !name.isEmpty && name.rangeOfCharacter(from: .letters) != nil && DecisionNames.key(name) != DecisionNames.key(record.question)
    }

    /// Each option in one call: pros and cons if it has none, and every empty cell of its row.
    private func fillOptions(_ record: inout DecisionRecord, _ stats: inout DecisionRunStats) async throws {
        guard record.options.count >= 1, !record.criteria.isEmpty else { return }
        var reasons: [String] = []
        for index in record.options.indices {
            let name = record.options[index].name
            for attempt in 0..<2 {
                let needPoints = attempt == 0 && record.options[index].pros.isEmpty && record.options[index].cons.isEmpty
                let missing = record.analysis.missing.filter { DecisionNames.key($0.option) == DecisionNames.key(name) }.map(\.criterion)
                let compact = DecisionSchemas.isChinese(record.question)
                guard let schema = DecisionSchemas.option(prosAndCons: needPoints, criteria: missing, compact: compact) else { break }
                let request = DecisionRequest(
                    prompt: DecisionPrompts.option(
                        question: record.question, option: name, others: record.options.map(\.name).filter { $0 != name },
                        prosAndCons: needPoints, criteria: missing),
                    maxTokens: 24 + (needPoints ? 50 : 0) + 36 * missing.count,
                    schema: schema,
                    step: attempt == 0 ? "asking about \(name)" : "asking once more for \(missing.count) scores of \(name)")
                let answer = try await ask(request, &stats)
                if needPoints {
                    record.options[index].pros = DecisionSession.points(answer?["pros"])
                    record.options[index].cons = DecisionSession.points(answer?["cons"])
                    if record.options[index].pros.isEmpty && record.options[index].cons.isEmpty {
                        record.notes.append("no pros or cons could be read for '\(name)'")
                    }
                }
                let cells = answer?["scores"]?.objectValue ?? JSONObject()
                for criterion in missing {
                    guard let cell = cells[criterion], let score = cell["score"].flatMap(DecisionSession.integer),
                        DecisionScore.valueRange.contains(score)
                    else { continue }
                    try? record.setScore(option: name, criterion: criterion, value: score, givenBy: .model)
                    let reason = DecisionNames.clean(cell["reason"]?.stringValue ?? "")
                    reasons.append("\(name) – \(criterion) (\(score)/10)" + (reason.isEmpty ? "" : ": \(reason)"))
                }
                partial(record)
                if !record.analysis.missing.contains(where: { DecisionNames.key($0.option) == DecisionNames.key(name) }) { break }
            }
        }
        if !reasons.isEmpty {
            record.reasoning = reasons.joined(separator: "\n")
            partial(record)
        }
    }

    /// The model's one-sentence comment on the totals; it picks an option from the list only.
    private func fillComment(_ record: inout DecisionRecord, _ stats: inout DecisionRunStats) async throws {
        let analysis = record.analysis
        guard asksForComment, analysis.ranking.count >= 2 else { return }
        let totals = analysis.ranking.map { (option: $0.option, total: $0.total) }
        let request = DecisionRequest(
            prompt: DecisionPrompts.recommendation(question: record.question, totals: totals), maxTokens: 60,
            schema: DecisionSchemas.recommendation(options: record.options.map(\.name), compact: DecisionSchemas.isChinese(record.question)), step: "asking for the model's view")
        let answer = try await ask(request, &stats)
        let reason = DecisionNames.clean(answer?["reason"]?.stringValue ?? "")
        let choice = answer?["choice"]?.stringValue
        if !reason.isEmpty { record.recommendation = reason }
        if let choice, record.options.contains(where: { $0.name == choice }) { record.modelChoice = choice }
        partial(record)
    }

    // MARK: - Reading values

    static func integer(_ value: JSONValue) -> Int? {
        guard let number = value.numberValue, number.isIntegral, let exact = number.int64Value else { return nil }
        return Int(exactly: exact)
    }

    static func points(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap { $0.stringValue.map(DecisionNames.clean) }.filter { !$0.isEmpty }
    }
}
