import Foundation
import ParleyCore

/// The decision flow: from a question and whatever the user gave, asks the model — one small thing
/// at a time — for the missing options, criteria and weights, the pros and cons, then the two-stage
/// reasoning (think step by step; then, with that reasoning fed back, the scores and a recommendation).
///
/// The user's values are never replaced; the model only fills gaps. Whatever cannot be read from an
/// answer is asked for once more, then left empty — never invented. Gaps the matrix itself shows
/// (missing cells, assumed weights, too few options) are derived by `DecisionReport.openItems`; the
/// record's `notes` keep only what cannot be derived (pros and cons not read, no recommendation).
/// A failed turn with nothing in it stops the asking: the record keeps what it has.
public struct DecisionSession: Sendable {
    public let turns: any DecisionTurns
    /// One line per step, for a status display (stderr in the CLI).
    public let progress: @Sendable (String) -> Void
    /// The record as it stands after each step that changed it (options, criteria, each option's
    /// pros and cons, the reasoning, the scores), so a live view can fill in while the model works;
    /// `run` still returns the final record.
    public let partial: @Sendable (DecisionRecord) -> Void
    /// The most options and criteria the model may bring the matrix up to.
    public var maximumOptions = 4
    public var maximumCriteria = 4

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
        do {
            try await fillOptions(&record)
            try await fillCriteria(&record)
            try await fillProsAndCons(&record)
            try await fillScores(&record)
        } catch let stop as ModelUnavailable {
            record.notes.append(DecisionSession.unavailablePrefix + "(\(stop.reason)); the rest is left for you")
        } catch is Stopped {
            record.notes.append(DecisionSession.stoppedNote)
        }
        return record
    }

    // MARK: - Steps

    private func ask(_ prompt: String, maxTokens: Int, examples: [ChatMessage]? = nil) async throws -> String {
        if Task.isCancelled { throw Stopped() }
        let reply = try await turns.ask(prompt, maxTokens: maxTokens, examples: examples)
        if Task.isCancelled { throw Stopped() }
        if let failure = reply.failure {
            if reply.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ModelUnavailable(reason: failure) }
            progress("the answer was cut short (\(failure)); using what arrived")
        }
        return reply.text
    }

    private func fillOptions(_ record: inout DecisionRecord) async throws {
        guard record.options.count < 2 else { return }
        progress("asking for options")
        var answer = try await ask(DecisionPrompts.options(question: record.question, known: record.options.map(\.name)), maxTokens: 120)
        var proposed = DecisionParser.options(in: answer).filter { !DecisionPrompts.isPlaceholder($0) }
        if proposed.isEmpty {
            progress("no options could be read; asking once more")
            answer = try await ask(DecisionPrompts.optionsAgain(question: record.question), maxTokens: 60)
            proposed = DecisionParser.options(in: answer).filter { !DecisionPrompts.isPlaceholder($0) }
        }
        for name in proposed where record.options.count < maximumOptions {
            try? record.addOption(name, givenBy: .model)
        }
        partial(record)
    }

    private func fillCriteria(_ record: inout DecisionRecord) async throws {
        if record.criteria.isEmpty {
            progress("asking for criteria and weights")
            var answer = try await ask(DecisionPrompts.criteria(question: record.question, options: record.options.map(\.name)), maxTokens: 120)
            var proposed = DecisionParser.criteria(in: answer).filter { !DecisionPrompts.isPlaceholder($0.name) }
            if proposed.isEmpty {
                progress("no criteria could be read; asking once more")
                answer = try await ask(DecisionPrompts.criteriaAgain(question: record.question), maxTokens: 60)
                proposed = DecisionParser.criteria(in: answer).filter { !DecisionPrompts.isPlaceholder($0.name) }
            }
            for criterion in proposed.prefix(maximumCriteria) {
                try? record.setCriterion(criterion.name, weight: criterion.weight, givenBy: .model)
            }
            partial(record)
        }
        let unweighted = record.criteria.filter { $0.givenBy == .assumed }.map(\.name)
        guard !unweighted.isEmpty else { return }
        progress("asking for the weights of \(unweighted.joined(separator: ", "))")
        let answer = try await ask(DecisionPrompts.weights(question: record.question, criteria: unweighted), maxTokens: 60)
        for name in unweighted {
            let weight = unweighted.count == 1
                ? DecisionParser.weight(of: name, in: answer)
                : DecisionParser.criteria(in: answer).first { DecisionNames.key($0.name) == DecisionNames.key(name) }?.weight
            if let weight { try? record.setCriterion(name, weight: weight, givenBy: .model) }
        }
        partial(record)
    }

    private func fillProsAndCons(_ record: inout DecisionRecord) async throws {
        for index in record.options.indices where record.options[index].pros.isEmpty && record.options[index].cons.isEmpty {
            let name = record.options[index].name
            progress("asking for the pros and cons of \(name)")
            let answer = try await ask(DecisionPrompts.prosAndCons(question: record.question, option: name), maxTokens: 160)
            var found = DecisionParser.prosAndCons(in: answer, option: name)
            found.pros.removeAll(where: DecisionPrompts.isPlaceholder)
            found.cons.removeAll(where: DecisionPrompts.isPlaceholder)
            record.options[index].pros = found.pros
            record.options[index].cons = found.cons
            if found.pros.isEmpty && found.cons.isEmpty { record.notes.append("no pros or cons could be read for '\(name)'") }
            partial(record)
        }
    }

    private func fillScores(_ record: inout DecisionRecord) async throws {
        guard !record.options.isEmpty, !record.criteria.isEmpty else { return }
        let options = record.options.map(\.name), criteria = record.criteria.map(\.name)
        progress("thinking step by step")
        let reasoning = try await ask(DecisionPrompts.reasoning(question: record.question, options: options, criteria: criteria), maxTokens: 300,
            examples: DecisionPrompts.reasoningExample)
        record.reasoning = reasoning.trimmingCharacters(in: .whitespacesAndNewlines)
        partial(record)

        let missing = record.analysis.missing
        progress(missing.isEmpty ? "asking for a recommendation" : "asking for \(missing.count) scores and a recommendation")
        let answer = try await ask(DecisionPrompts.scores(reasoning: record.reasoning, cells: missing), maxTokens: 40 + 16 * missing.count,
            examples: DecisionPrompts.scoresExample)
        fill(&record, from: answer, cells: missing)
        record.recommendation = recommendation(in: answer)
        partial(record)

        let stillMissing = record.analysis.missing
        if !stillMissing.isEmpty {
            progress("\(stillMissing.count) scores could not be read; asking once more")
            let again = try await ask(DecisionPrompts.missingScores(stillMissing), maxTokens: 16 * stillMissing.count + 20,
                examples: DecisionPrompts.scoresExample)
            fill(&record, from: again, cells: stillMissing)
            if record.recommendation == nil { record.recommendation = recommendation(in: again) }
            partial(record)
        }
        if record.recommendation == nil { record.notes.append("the model gave no recommendation line") }
    }

    /// The recommendation line, unless it is the prompt's own placeholder copied back.
    private func recommendation(in answer: String) -> String? {
        DecisionParser.recommendation(in: answer).flatMap { DecisionPrompts.isPlaceholder($0) ? nil : $0 }
    }

    /// Takes from an answer only the scores of the cells that were asked for.
    private func fill(_ record: inout DecisionRecord, from answer: String, cells: [MissingCell]) {
        let wanted = Set(cells.map { DecisionNames.key($0.option) + "\u{1F}" + DecisionNames.key($0.criterion) })
        let parsed = DecisionParser.scores(in: answer, options: record.options.map(\.name), criteria: record.criteria.map(\.name))
        for score in parsed where wanted.contains(DecisionNames.key(score.option) + "\u{1F}" + DecisionNames.key(score.criterion)) {
            try? record.setScore(option: score.option, criterion: score.criterion, value: score.value, givenBy: .model)
        }
    }
}
