import Foundation
import ParleyCore
import ParleyEngine
import ParleyStore
import ParleyTestSupport
import Testing
@testable import ParleyWrite

/// The writer's second attempt: when a draft or a revision fails its checks it is generated once
/// more, off the record, with another seed, and the better answer is kept — or, for a revision
/// that changes nothing, none.
@Suite("Draft retries")
struct DraftRetryTests {
    let directory: StoreTemporaryDirectory
    let conversations: ConversationStore
    let drafts: DraftStore
    let persona = Persona(name: "writer", description: "", mode: .write, systemPrompt: "You write.")
    let email = WritingTemplate(
        name: "email", kind: .document, description: "",
        fields: [
            TemplateField(name: "to", prompt: "To?", required: true, mention: .all),
            TemplateField(name: "topic", prompt: "About?", required: true, mention: .all),
            TemplateField(name: "sender", prompt: "From?", required: false, mention: .all),
        ],
        instruction: "Write an email to {{to}} about {{topic}}.\nSign it as {{sender}}.",
        examples: [
            ChatMessage(role: .user, content: "Write an email to Priya about moving the review."),
            ChatMessage(role: .assistant, content: "Subject: Moving Friday's review to Monday\n\nHi Priya,\n\nCould we move our review to Monday?\n\nThanks,\nTom"),
        ],
        structure: TemplateStructure(subject: "{{topic}}", signOff: "{{sender}}"))
    let values = ["to": "my landlord", "topic": "the broken heater"]

    init() throws {
        directory = try StoreTemporaryDirectory("retries")
        conversations = try ConversationStore(root: directory.url, diagnostics: { _ in })
        drafts = try DraftStore(storage: directory.url, diagnostics: { _ in })
    }

    func writer(_ backend: SequenceBackend, seed: UInt64? = 7) -> DraftWriter {
        DraftWriter(
            engine: ConversationEngine(store: conversations), backend: backend, persona: persona,
            sampling: SamplingOptions(temperature: 0.3, seed: seed), drafts: drafts)
    }

    static let copied = "Subject: Moving Friday's review to Monday\n\nDear landlord,\n\nThe heater is broken.\n\nThanks,\nTom"
    static let good = "Subject: Broken heater\n\nDear landlord,\n\nThe heater is broken. Could you fix it?\n\nThanks,\nAlex"

    @Test func aDraftThatCopiesTheExampleIsWrittenAgainAndTheSecondIsKept() async throws {
        defer { directory.remove() }
        let backend = SequenceBackend([Self.copied, Self.good])
        let notices = NoticeLog()
        let filled = try TemplateFiller.fill(email, values: values)
        let result = try await writer(backend).start(filled, template: email) { notices.add($0) }
        let draft = try #require(result.draft)
        #expect(result.attempts == 2)
        #expect(draft.current.text == Self.good)
        #expect(draft.current.notes == nil && result.notes.isEmpty)
        #expect(notices.all == ["it repeats the template's example; writing it again with another seed"])
        // The second request: another seed, the same examples, the first answer left out, and a reminder.
        let requests = backend.requests.all
        #expect(requests.count == 2)
        #expect(requests[0].sampling.seed == 7 && requests[1].sampling.seed == 7 + 1_000_003)
        #expect(!requests[1].messages.contains { $0.content == Self.copied })
        #expect(requests[1].messages.last?.content.hasPrefix(filled.instruction + "\n\n") == true)
        #expect(requests[1].messages.last?.content.contains("do not reuse the example's sentences") == true)
        #expect(requests[1].messages.dropLast() == requests[0].messages.dropLast())
        // The record holds one exchange, whose reply is the kept text.
        let stored = try conversations.load(id: try #require(draft.conversationID)).conversation
        #expect(stored.messages.map(\.content) == [filled.instruction, Self.good])
        #expect(draft.current.messageID == stored.messages.last?.id)
        #expect(try drafts.load(id: draft.id).current.text == Self.good)
    }

    @Test func aJSONDraftThatLeavesOutAValueIsWrittenAgainWithTheValuePinned() async throws {
        defer { directory.remove() }
        let slogan = WritingTemplate(
            name: "slogan", kind: .copy, description: "",
            fields: [TemplateField(name: "product", prompt: "Product?", required: true, mention: .all)],
            instruction: "Write 3 slogans for {{product}}.",
            structure: TemplateStructure(output: .json, list: TemplateStructure.ListRule(count: "3", maxWords: 8)))
        let without = #"{"items": ["健康每一天", "喝水更简单", "随身带着走"]}"#
        let with = #"{"items": ["智能水杯，健康每一天", "喝水更简单", "随身带着走"]}"#
        let backend = SequenceBackend([without, with])
        let filled = try TemplateFiller.fill(slogan, values: ["product": "智能水杯"])
        let result = try await writer(backend).start(filled, template: slogan) { _ in }
        #expect(result.attempts == 2)
        #expect(try #require(result.draft).current.text == "1. 智能水杯，健康每一天\n2. 喝水更简单\n3. 随身带着走")
        let formats = backend.requests.all.map(\.format)
        guard case .jsonSchema(_, let first)? = formats.first, case .jsonSchema(_, let second)? = formats.last else {
            Issue.record("no schemas: \(formats)")
            return
        }
        #expect(!first.contains("pattern"))
        #expect(second.contains(#""prefixItems":[{"type":"string","pattern":"^智能水杯"#))
    }

    @Test func aSecondAttemptWithTheValuesButACopiedSentenceIsKeptWithoutThatSentence() async throws {
        defer { directory.remove() }
        let first = "Subject: Broken heater\n\nDear Sam,\n\nThe heater is broken.\n\nThanks,\nAlex"
        let second = "Subject: Broken heater\n\nDear landlord,\n\nThe heater is broken. Could we move our review to Monday?\n\nThanks,\nAlex"
        let backend = SequenceBackend([first, second])
        let result = try await writer(backend).start(try TemplateFiller.fill(email, values: values), template: email) { _ in }
        let text = try #require(result.draft).current.text
        #expect(text.contains("Dear landlord,") && text.contains("The heater is broken."))
        #expect(!text.contains("review"))
        #expect(result.notes.first?.hasPrefix("left out a sentence copied from the template's example") == true)
    }

    @Test func whenBothAttemptsFailTheBetterIsKeptWithNotes() async throws {
        defer { directory.remove() }
        // The first copies the example and writes to Sam; the second only writes to Sam.
        let worse = "Subject: Broken heater\n\nDear Sam,\n\nThe heater is broken. Could we move our review to Monday?\n\nThanks,\nTom"
        let better = "Subject: Broken heater\n\nDear Sam,\n\nThe heater is broken.\n\nThanks,\nTom"
        let backend = SequenceBackend([worse, better])
        let filled = try TemplateFiller.fill(email, values: values)
        let result = try await writer(backend).start(filled, template: email) { _ in }
        let draft = try #require(result.draft)
        #expect(draft.current.text == better)
        #expect(result.notes == ["the draft does not mention \u{201C}my landlord\u{201D} (to)"])
        #expect(draft.current.notes == result.notes)
        #expect(try drafts.load(id: draft.id).current.notes == result.notes)
        // The reminder named the value that was missing.
        #expect(backend.requests.all[1].messages.last?.content.contains("Use these words from the request: \u{201C}my landlord\u{201D}.") == true)
    }

    @Test func whenBothAttemptsCopyTheCopiedSentencesAreLeftOutAndSaidSo() async throws {
        defer { directory.remove() }
        let copying = "Subject: Broken heater\n\nDear landlord,\n\nThe heater is broken. Could we move our review to Monday?\n\nThanks,\nTom"
        let result = try await writer(SequenceBackend([copying])).start(try TemplateFiller.fill(email, values: values), template: email) { _ in }
        let draft = try #require(result.draft)
        #expect(result.attempts == 2)
        #expect(draft.current.text == "Subject: Broken heater\n\nDear landlord,\n\nThe heater is broken.\n\nThanks,\nTom")
        #expect(result.notes == ["left out a sentence copied from the template's example: \u{201C}Could we move our review to Monday?\u{201D}"])
    }

    @Test func aReplyCutAtItsTokenLimitLosesItsUnfinishedSentence() async throws {
        defer { directory.remove() }
        let backend = ScriptedBackend(steps: [
            .event(.text("Subject: Broken heater\n\nDear landlord,\n\nThe heater is broken. Please come and fix it bef")),
            .event(.finish(.length)),
        ])
        let persona = persona
        let cut = DraftWriter(
            engine: ConversationEngine(store: conversations), backend: backend, persona: persona, sampling: SamplingOptions(), drafts: drafts)
        let result = try await cut.start(try TemplateFiller.fill(email, values: values), template: email) { _ in }
        #expect(result.draft?.current.text == "Subject: Broken heater\n\nDear landlord,\n\nThe heater is broken.")
        #expect(result.notes == ["the reply reached its length limit; its unfinished last sentence was left out"])
    }

    @Test func aCleanDraftIsAskedForOnceAndFixedUpWithoutAsking() async throws {
        defer { directory.remove() }
        // No subject line, the example's name at the end, a list numbered from 4: all fixed by the program.
        let backend = SequenceBackend(["Dear landlord,\n\nThe heater is broken:\n4. It is cold.\n5. It is loud.\n\nThanks,\nTom"])
        let filled = try TemplateFiller.fill(email, values: values.merging(["sender": "Jo"]) { $1 })
        let result = try await writer(backend).start(filled, template: email) { _ in }
        #expect(backend.requests.all.count == 1)
        #expect(result.draft?.current.text
            == "Subject: The broken heater\n\nDear landlord,\n\nThe heater is broken:\n1. It is cold.\n2. It is loud.\n\nThanks,\nJo")
        #expect(result.notes.isEmpty)
    }

    @Test func aStructuredTemplateIsAskedForJSONAndLaidOutByTheProgram() async throws {
        defer { directory.remove() }
        let slogan = WritingTemplate(
            name: "slogan", kind: .copy, description: "",
            fields: [TemplateField(name: "product", prompt: "What?", required: true, mention: .all),
                     TemplateField(name: "count", prompt: "How many?", required: false, defaultValue: "2")],
            instruction: "Write {{count}} slogans for {{product}}.",
            structure: TemplateStructure(output: .json, list: .init(count: "{{count}}", maxWords: 8)))
        let backend = SequenceBackend([#"{"items": ["Coffee cups that come back.", "Reuse your cup."]}"#])
        let filled = try TemplateFiller.fill(slogan, values: ["product": "coffee cups"])
        let result = try await writer(backend).start(filled, template: slogan) { _ in }
        let draft = try #require(result.draft)
        #expect(draft.current.text == "1. Coffee cups that come back.\n2. Reuse your cup.")
        guard case .jsonSchema(let name, let schema)? = backend.requests.all.first?.format else {
            Issue.record("no schema was sent")
            return
        }
        #expect(name == "slogan" && schema.contains(#""minItems":2,"maxItems":2"#))
        // The history shows the text, not the JSON.
        let stored = try conversations.load(id: try #require(draft.conversationID)).conversation
        #expect(stored.messages.last?.content == draft.current.text)
    }

    @Test func aDraftWrittenAsJSONIsRevisedAsJSONUnderItsSchema() async throws {
        defer { directory.remove() }
        let slogan = WritingTemplate(
            name: "slogan", kind: .copy, description: "",
            fields: [TemplateField(name: "product", prompt: "What?", required: true, mention: .all)],
            instruction: "Write 2 slogans for {{product}}.",
            structure: TemplateStructure(output: .json, list: .init(count: "2", maxWords: 8)))
        let filled = try TemplateFiller.fill(slogan, values: ["product": "coffee cups"])
        let first = try await writer(SequenceBackend([#"{"items": ["Coffee cups that come back to you.", "Reuse your coffee cup}]"]}"#]))
            .start(filled, template: slogan) { _ in }
        let draft = try #require(first.draft)
        // The cleaned content is kept as JSON in schema order.
        #expect(draft.current.json == #"{"items": ["Coffee cups that come back to you.", "Reuse your coffee cup"]}"#)
        let backend = SequenceBackend([#"{"items": ["Coffee cups, again.", "Reuse cups."]}"#])
        let revised = try await writer(backend).revise(draft, template: slogan, instruction: "shorter") { _ in }
        #expect(revised.draft?.current.text == "1. Coffee cups, again.\n2. Reuse cups.")
        #expect(revised.draft?.current.json == #"{"items": ["Coffee cups, again.", "Reuse cups."]}"#)
        let request = try #require(backend.requests.all.first)
        guard case .jsonSchema? = request.format else {
            Issue.record("the revision was not asked for under the schema")
            return
        }
        let words = TextTokens.wordCount(draft.current.text)
        #expect(request.messages.last?.content == """
            Rewrite the JSON below in at most \(words * 3 / 5) words (it has \(words)). Change: shorter.
            Keep its main points.
            Reply with only the new JSON.

            JSON:
            \(draft.current.json!)
            """)
    }

    // MARK: - Revisions

    func firstDraft(_ text: String) async throws -> Draft {
        let filled = try TemplateFiller.fill(email, values: values)
        return try #require(try await writer(SequenceBackend([text])).start(filled, template: email) { _ in }.draft)
    }

    @Test func aRevisionThatComesBackUnchangedTwiceMakesNoVersion() async throws {
        defer { directory.remove() }
        let draft = try await firstDraft(Self.good)
        // The same text, give or take white space.
        let backend = SequenceBackend([Self.good + "\n", Self.good.replacingOccurrences(of: "\n\n", with: "\n")])
        let notices = NoticeLog()
        let result = try await writer(backend).revise(draft, template: email, instruction: "more formal") { notices.add($0) }
        #expect(result.refusal == "the model gave the draft back unchanged twice, so no new version was made; try saying the change another way")
        #expect(result.attempts == 2)
        #expect(result.draft?.versionCount == 1)
        #expect(try drafts.load(id: draft.id).versionCount == 1)
        #expect(notices.all == ["the model gave the draft back unchanged; writing it again with another seed", result.refusal!])
        #expect(backend.requests.all[1].messages.last?.content.hasSuffix("Change the text as asked: more formal") == true)
    }

    @Test func aRevisionUnchangedOnceIsWrittenAgain() async throws {
        defer { directory.remove() }
        let draft = try await firstDraft(Self.good)
        let formal = "Subject: Broken heater\n\nDear landlord,\n\nI write to report that the heater is broken.\n\nKind regards,\nAlex"
        let result = try await writer(SequenceBackend([Self.good, formal])).revise(draft, template: email, instruction: "more formal") { _ in }
        #expect(result.refusal == nil)
        #expect(result.draft?.versions.map(\.text) == [Self.good, formal])
        #expect(try drafts.load(id: draft.id).versionCount == 2)
    }

    @Test func shorterMeansFewerWords() async throws {
        defer { directory.remove() }
        let draft = try await firstDraft(Self.good)
        let longer = Self.good.replacingOccurrences(of: "Could you fix it?", with: "Could you please come and fix it this week?")
        let shorter = "Subject: Broken heater\n\nDear landlord,\n\nThe heater is broken.\n\nAlex"
        let backend = SequenceBackend([longer, shorter])
        let result = try await writer(backend).revise(draft, template: email, instruction: "make it shorter") { _ in }
        #expect(result.draft?.current.text == shorter)
        #expect(TextTokens.wordCount(shorter) < TextTokens.wordCount(Self.good))
        // The request asked for a size in words, and the second one insisted.
        let words = TextTokens.wordCount(Self.good)
        #expect(backend.requests.all[0].messages.last?.content.hasPrefix("Rewrite the text below in at most \(words * 3 / 5) words (it has \(words)).") == true)
        #expect(backend.requests.all[0].messages.last?.content.contains("Keep the format: a first line \"Subject: ...\".") == true)
        #expect(backend.requests.all[1].messages.last?.content.hasSuffix("Use at most \(words * 3 / 5) words.") == true)
        // The second try cannot run long: its reply limit is near the size asked for.
        #expect(backend.requests.all[0].sampling.maxTokens == 600)
        #expect(backend.requests.all[1].sampling.maxTokens == words * 3 / 5 * 4 / 3 + 8)

        let never = try await writer(SequenceBackend([longer])).revise(draft, template: email, instruction: "shorter") { _ in }
        #expect(never.refusal == "the model could not make the draft shorter (\(words) words; it gave \(TextTokens.wordCount(longer))), so no new version was made")
        #expect(try drafts.load(id: draft.id).versionCount == 2)
    }

    @Test func aRevisionWithoutItsTemplateIsOnlyCheckedForChange() async throws {
        defer { directory.remove() }
        let draft = try await firstDraft(Self.good)
        // Copies the example, but without the template nothing says so.
        let result = try await writer(SequenceBackend([Self.copied])).revise(draft, instruction: "more formal") { _ in }
        #expect(result.attempts == 1 && result.refusal == nil)
        #expect(result.draft?.current.text == Self.copied)
    }

    @Test func anotherSeedAlsoSamplesWhenTheFirstWasGreedy() {
        let options = DraftWriter.reseeded(SamplingOptions(temperature: 0, seed: 1))
        #expect(options.seed == 1_000_004 && options.temperature == 0.4)
        #expect(DraftWriter.reseeded(SamplingOptions(temperature: 0.7)).temperature == 0.7)
        #expect(DraftWriter.reseeded(SamplingOptions()).seed != nil)
    }
}

/// The notices a turn reported, in order.
final class NoticeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var notices: [String] = []

    func add(_ event: TurnEvent) {
        if case .notice(let text) = event { lock.withLock { notices.append(text) } }
    }

    var all: [String] { lock.withLock { notices } }
}
