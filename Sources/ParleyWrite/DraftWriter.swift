import Foundation
import ParleyCore
import ParleyEngine
import ParleyStore

/// Generates drafts and revisions through the conversation engine, so every exchange is also a
/// write-mode conversation in the user's history, and keeps the draft in its store.
///
/// A draft is checked before it is kept (`DraftReview`, and for a revision that it changed and went
/// the way asked). One that fails is generated once more with another seed and a reminder of what
/// went wrong, off the record, and the better of the two is kept; what is still wrong is recorded
/// as notes on the version. The stored reply is made to hold the text the user gets.
public struct DraftWriter: Sendable {
    public var engine: ConversationEngine
    public var backend: any ChatBackend
    public var persona: Persona
    public var sampling: SamplingOptions
    /// Where drafts are kept; nil keeps them in memory only (`--no-save`).
    public var drafts: DraftStore?
    /// What the draft's conversation remembers of `backend`, so that continuing it goes back there.
    public var backendChoice: BackendChoice?

    public init(
        engine: ConversationEngine, backend: any ChatBackend, persona: Persona, sampling: SamplingOptions, drafts: DraftStore?,
        backendChoice: BackendChoice? = nil
    ) {
        self.backendChoice = backendChoice
        self.engine = engine
        self.backend = backend
        self.persona = persona
        self.sampling = sampling
        self.drafts = drafts
    }

    /// What a generation gave: the draft (nil when the first generation produced no text at all)
    /// and the engine's outcome, whose `failure` says why a reply stopped early.
    public struct Result: Sendable {
        public var draft: Draft?
        public var outcome: TurnOutcome
        public var failure: String? { outcome.failure }
        /// What the checks found wrong with the kept text, one line each (also on the version).
        public var notes: [String] = []
        /// Why a revision made no new version (the model gave the draft back unchanged, or not
        /// shorter when asked); nil when it made one.
        public var refusal: String?
        /// Generations made: 1, or 2 when the first failed its checks.
        public var attempts = 1
    }

    /// Writes the first version of a new draft from a filled template. With `conversationID` the
    /// exchange continues that stored conversation (the chat screen's, so its transcript shows it);
    /// without, it starts a write-mode conversation of its own.
    public func start(
        _ filled: FilledTemplate, template: WritingTemplate, conversationID: String? = nil,
        onEvent: @escaping @Sendable (TurnEvent) -> Void
    ) async throws -> Result {
        let target: TurnTarget
        if engine.store == nil {
            target = .unsaved(Conversation(persona: persona.name, mode: .write))
        } else if let conversationID {
            target = .existing(id: conversationID)
        } else {
            target = .newConversation(persona: persona.name, mode: .write)
        }
        // Only the template's own examples: a persona's general examples pull a small model off
        // the task (it retells them).
        var settings = TurnSettings(
            systemPrompt: persona.systemPrompt, examples: template.examples,
            sampling: limited(sampling, kind: template.kind, length: filled.controls.length),
            format: DraftSchema.format(template: template, values: filled.values))
        settings.backendChoice = backendChoice
        let detector = CopyDetector(examples: template.exampleAnswers, userText: filled.instruction)
        let judge = { (answer: String) -> Verdict in
            let text = DraftNormalizer.finish(answer, template: template, values: filled.values)
            let review = DraftReview(text: text, template: template, values: filled.values, request: filled.instruction)
            return Verdict(text: text, review: review, json: Self.json(of: answer, template: template))
        }
        let run = try await generate(
            filled.instruction, target: target, settings: settings, kind: template.kind, onEvent: onEvent, judge: judge,
            repair: { Self.withoutCopies($0, detector: detector, judge: judge) },
            pin: { DraftSchema.format(template: template, values: filled.values, pinning: $0) })
        guard let verdict = run.verdict else { return Result(draft: nil, outcome: run.outcome) }
        let outcome = try keep(verdict.text, of: run.outcome, stored: engine.store != nil)
        let version = Self.version(from: outcome, verdict: verdict, instruction: filled.instruction)
        let draft = Draft(
            template: template, filled: filled, first: version,
            conversationID: engine.store == nil ? nil : outcome.conversation.id)
        try drafts?.create(draft)
        return Result(draft: draft, outcome: outcome, notes: verdict.notes, attempts: run.attempts)
    }

    /// Writes a new version of `draft` from its current version and `instruction` ("shorter").
    /// The exchange continues the draft's conversation (or starts one if it is gone). `template`
    /// (the draft's, when it still exists) gives the structure and checks; without it the text is
    /// only checked for having changed. A revision that comes back unchanged, or not shorter (or
    /// longer) when that was asked, twice, makes no version: `refusal` says so.
    public func revise(
        _ draft: Draft, template: WritingTemplate? = nil, instruction: String, onEvent: @escaping @Sendable (TurnEvent) -> Void
    ) async throws -> Result {
        let request = instruction.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !request.isEmpty else { throw DraftError.emptyRevision }
        var target: TurnTarget = .newConversation(persona: persona.name, mode: .write)
        if let store = engine.store {
            if let id = draft.conversationID, (try? store.load(id: id)) != nil { target = .existing(id: id) }
        } else {
            target = .unsaved(Conversation(persona: persona.name, mode: .write))
        }
        // A draft written as JSON is revised as JSON under its schema, the model shown the JSON it
        // wrote: shown the text and held to a schema it had no example of, it wrote noise (tried
        // on SmolLM2-135M). Other drafts are revised as text, told the format to keep.
        let json = template?.structure.output == .json ? draft.current.json : nil
        var settings = TurnSettings(
            systemPrompt: persona.systemPrompt, sampling: limited(sampling, kind: draft.kind, length: draft.controls.length),
            format: json == nil ? nil : template.flatMap { DraftSchema.format(template: $0, values: draft.fields) })
        settings.backendChoice = backendChoice
        let prompt = json.map { RevisionPrompt.make(current: draft.current.text, instruction: request, kind: draft.kind, json: $0) }
            ?? draft.revisionPrompt(request, format: template?.structure.summary(values: draft.fields))
        let goal = RevisionGoal(request)
        let current = draft.current.text
        let before = TextTokens.wordCount(current)
        // A second try at "shorter" gets a reply limit near the size asked for: the small model
        // does not count words, but it cannot run past its limit (the unfinished sentence goes).
        // (Not for code, which a limit would cut mid-statement.)
        var retry: SamplingOptions?
        if goal == .shorter, draft.kind != .code, let target = goal.target(from: before) {
            // About 1.3 tokens a word in English, so this leaves room for a little less than asked.
            let cap = target * 4 / 3 + (json == nil ? 8 : 40)
            retry = settings.sampling
            retry?.maxTokens = min(settings.sampling.maxTokens ?? cap, cap)
        }
        let detector = template.map { CopyDetector(examples: $0.exampleAnswers, userText: prompt) }
        let judge = { (answer: String) -> Verdict in
            let text = DraftNormalizer.finish(answer, template: template, values: draft.fields)
            let review = template.map { DraftReview(text: text, template: $0, values: draft.fields, request: prompt) } ?? DraftReview()
            var verdict = Verdict(text: text, review: review, json: template.flatMap { Self.json(of: answer, template: $0) })
            let after = TextTokens.wordCount(text)
            if Self.sameText(text, current) {
                verdict.weight += 1000
                verdict.reason = "the model gave the draft back unchanged"
                verdict.reminder = "Change the text as asked: \(request)"
                verdict.refusal = "the model gave the draft back unchanged twice, so no new version was made; try saying the change another way"
            } else if !goal.isMet(before: before, after: after) {
                let word = goal == .shorter ? "shorter" : "longer"
                verdict.weight += 100
                verdict.reason = "the new text is not \(word) (\(before) → \(after) words)"
                verdict.reminder = goal.target(from: before).map { "Use \(goal == .shorter ? "at most" : "at least") \($0) words." } ?? ""
                verdict.refusal = "the model could not make the draft \(word) (\(before) words; it gave \(after)), so no new version was made"
            }
            return verdict
        }
        let run = try await generate(
            prompt, target: target, settings: settings, retrySampling: retry, kind: draft.kind, onEvent: onEvent, judge: judge,
            repair: { verdict in detector.flatMap { Self.withoutCopies(verdict, detector: $0, judge: judge) } },
            pin: { values in json == nil ? nil : template.flatMap { DraftSchema.format(template: $0, values: draft.fields, pinning: values) } })
        guard let verdict = run.verdict else { return Result(draft: draft, outcome: run.outcome) }
        if let refusal = verdict.refusal, run.outcome.reply.status == .complete {
            onEvent(.notice(refusal))
            return Result(draft: draft, outcome: run.outcome, refusal: refusal, attempts: run.attempts)
        }
        let outcome = try keep(verdict.text, of: run.outcome, stored: engine.store != nil)
        let version = Self.version(from: outcome, verdict: verdict, instruction: request)
        var revised = draft
        revised.addRevision(version)
        if engine.store != nil { revised.conversationID = outcome.conversation.id }
        if let drafts {
            let conversationID = revised.conversationID
            revised = try drafts.documents.update(id: draft.id) { stored in
                stored.addRevision(version)
                stored.conversationID = conversationID
            }
        }
        return Result(draft: revised, outcome: outcome, notes: verdict.notes, attempts: run.attempts)
    }

    // MARK: - Attempts

    /// What the checks make of one answer: the text the user would get and how good it is.
    struct Verdict {
        var text: String
        /// Lower is better.
        var weight: Int
        /// Why the answer should be written again; nil when it is fine.
        var reason: String?
        /// Added to the request for the second attempt.
        var reminder: String
        var notes: [String]
        /// Why, if this is the best answer, it must not become a version.
        var refusal: String?
        /// Whether the text repeats sentences of the template's examples.
        var copies: Bool
        /// The content as JSON, for a template written as JSON.
        var json: String?
        /// The user's values the text leaves out (for `mention: any`, the whole value).
        var missingValues: [String]

        init(text: String, review: DraftReview, json: String? = nil) {
            self.text = text
            weight = review.weight
            reason = review.isClean ? nil : review.summary
            reminder = review.reminder
            notes = review.notes
            copies = !review.copies.isEmpty
            self.json = json
            missingValues = review.missing.map(\.value)
        }
    }

    /// A JSON answer's content as JSON in schema order, for a template written as JSON.
    static func json(of answer: String, template: WritingTemplate) -> String? {
        guard template.structure.output == .json else { return nil }
        return JSONDraftRenderer.read(answer, structure: template.structure)?.json(structure: template.structure)
    }

    /// The verdict on `verdict`'s text with its copied sentences taken out, when that is better:
    /// the last resort once a second attempt copied too. The note says what was left out.
    static func withoutCopies(_ verdict: Verdict, detector: CopyDetector, judge: (String) -> Verdict) -> Verdict? {
        guard verdict.copies else { return nil }
        let (text, removed) = detector.removingCopies(from: verdict.text)
        guard !removed.isEmpty, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        var repaired = judge(text)
        guard repaired.weight < verdict.weight else { return nil }
        repaired.notes.insert(
            "left out \(removed.count == 1 ? "a sentence" : "\(removed.count) sentences") copied from the template's example: "
                + removed.map { "\u{201C}\($0)\u{201D}" }.joined(separator: " "), at: 0)
        return repaired
    }

    /// Sends `request`; when the complete answer fails its checks, asks once more off the record
    /// (the conversation as it was before, so the model does not see the rejected answer) with
    /// another seed (and `retrySampling`'s limit, if any) and the reminder, and keeps the better
    /// verdict, or `repair`'s version of it. When the first answer left out values the user gave,
    /// `pin` may give the second a format that holds them (see `DraftSchema.schema`). The outcome
    /// is the recorded first exchange. The verdict is nil when no text arrived.
    private func generate(
        _ request: String, target: TurnTarget, settings: TurnSettings, retrySampling: SamplingOptions? = nil, kind: TemplateKind,
        onEvent: @escaping @Sendable (TurnEvent) -> Void, judge: (String) -> Verdict, repair: (Verdict) -> Verdict?,
        pin: ([String]) -> ResponseFormat?
    ) async throws -> (outcome: TurnOutcome, verdict: Verdict?, attempts: Int) {
        // A text reply stopped by its token limit ends mid-sentence: that fragment goes, and the
        // user is told.
        func judged(_ outcome: TurnOutcome) -> Verdict {
            guard outcome.reply.finishReason == FinishReason.length.rawValue, settings.format == nil, kind != .code else {
                return judge(outcome.reply.content)
            }
            var verdict = judge(DraftNormalizer.droppingUnfinishedSentence(outcome.reply.content))
            verdict.notes.append("the reply reached its length limit; its unfinished last sentence was left out")
            return verdict
        }
        let first = try await engine.send(request, to: target, using: backend, settings: settings, onEvent: onEvent)
        guard !first.reply.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return (first, nil, 1) }
        var best = judged(first)
        // A reply that stopped early is kept as it is: the user stopped it, or the backend failed.
        guard first.reply.status == .complete, let reason = best.reason, !Task.isCancelled else { return (first, best, 1) }
        onEvent(.notice("\(reason); writing it again with another seed"))
        var retry = settings
        retry.sampling = Self.reseeded(retrySampling ?? settings.sampling)
        if !best.missingValues.isEmpty, let pinned = pin(best.missingValues) { retry.format = pinned }
        var earlier = first.conversation
        earlier.messages.removeAll { $0.id == first.reply.id }
        if earlier.messages.last?.role == .user { earlier.messages.removeLast() }
        let again = best.reminder.isEmpty ? request : request + "\n\n" + best.reminder
        let second = try await engine.send(again, to: .unsaved(earlier), using: backend, settings: retry) { event in
            // The first answer has been shown streaming; the second is shown when chosen.
            switch event {
            case .notice, .safetyNotice, .contextTrimmed: onEvent(event)
            case .started, .text, .reasoning: break
            }
        }
        var candidates = [best]
        if second.reply.status == .complete, !second.reply.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            candidates.append(judged(second))
        }
        // Either answer with its copied sentences taken out may be the best there is (a second
        // attempt held to the user's values sometimes fills the rest from the example).
        candidates += candidates.compactMap(repair)
        best = candidates.min { $0.weight < $1.weight } ?? best
        return (first, best, 2)
    }

    /// Another seed for a second attempt. At (near) zero temperature every seed gives the same
    /// answer, so the second attempt samples a little.
    static func reseeded(_ options: SamplingOptions) -> SamplingOptions {
        var options = options
        options.seed = (options.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))) &+ 1_000_003
        if let temperature = options.temperature, temperature < 0.2 { options.temperature = 0.4 }
        return options
    }

    /// Makes the recorded reply hold `text` (the rendered, checked draft) when it differs from
    /// what the model wrote, in the outcome and in the stored conversation, so the history shows
    /// what the user got.
    private func keep(_ text: String, of outcome: TurnOutcome, stored: Bool) throws -> TurnOutcome {
        guard text != outcome.reply.content.trimmingCharacters(in: .whitespacesAndNewlines) else { return outcome }
        var changed = outcome
        changed.reply.content = text
        let id = outcome.reply.id
        func replace(_ conversation: inout Conversation) {
            if let index = conversation.messages.lastIndex(where: { $0.id == id }) { conversation.messages[index].content = text }
        }
        replace(&changed.conversation)
        if stored, let store = engine.store { _ = try store.update(id: outcome.conversation.id, replace) }
        return changed
    }

    /// The same text but for white space.
    static func sameText(_ a: String, _ b: String) -> Bool {
        a.split(whereSeparator: \.isWhitespace) == b.split(whereSeparator: \.isWhitespace)
    }

    /// The sampling options with a reply limit suited to the length, unless the caller set one.
    func limited(_ options: SamplingOptions, kind: TemplateKind, length: Length?) -> SamplingOptions {
        var options = options
        if options.maxTokens == nil { options.maxTokens = kind.replyTokenLimit(for: length ?? .medium) }
        return options
    }

    /// The version the kept text makes, with the reply's metadata.
    static func version(from outcome: TurnOutcome, verdict: Verdict, instruction: String) -> DraftVersion {
        DraftVersion(
            text: verdict.text, instruction: instruction, createdAt: outcome.reply.createdAt, backend: outcome.reply.backend,
            model: outcome.reply.model, status: outcome.reply.status, messageID: outcome.reply.id,
            notes: verdict.notes.isEmpty ? nil : verdict.notes, json: verdict.json)
    }
}
