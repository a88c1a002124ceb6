import Foundation
import ParleyCore
import ParleyEngine
import ParleyStore
import ParleyTestSupport
import Testing
@testable import ParleyWrite

/// Generation through the engine: drafts and their conversations on disk.
@Suite("Draft writer")
struct DraftWriterTests {
    let directory: StoreTemporaryDirectory
    let conversations: ConversationStore
    let drafts: DraftStore
    let persona = Persona(name: "writer", description: "", mode: .write, systemPrompt: "You write.",
                          examples: [ChatMessage(role: .user, content: "persona example"), ChatMessage(role: .assistant, content: "ok")])
    let template = WritingTemplate(
        name: "slogan", kind: .copy, description: "", fields: [TemplateField(name: "product", prompt: "What?", required: true)],
        instruction: "Write slogans for {{product}}.")

    init() throws {
        directory = try StoreTemporaryDirectory("drafts")
        conversations = try ConversationStore(root: directory.url, diagnostics: { _ in })
        drafts = try DraftStore(storage: directory.url, diagnostics: { _ in })
    }

    func writer(_ backend: ScriptedBackend, store: Bool = true) -> DraftWriter {
        DraftWriter(
            engine: ConversationEngine(store: store ? conversations : nil), backend: backend, persona: persona,
            sampling: SamplingOptions(), drafts: store ? drafts : nil)
    }

    @Test func startStoresTheDraftAndAWriteModeConversation() async throws {
        defer { directory.remove() }
        let filled = try TemplateFiller.fill(template, values: ["product": "cups"])
        let backend = ScriptedBackend.replying(["1. Sip ", "smarter.\n"])
        let result = try await writer(backend).start(filled, template: template) { _ in }
        let draft = try #require(result.draft)
        #expect(result.failure == nil)
        #expect(draft.current.text == "1. Sip smarter.")
        #expect(draft.current.instruction == filled.instruction)
        #expect(filled.instruction.hasPrefix("Write slogans for cups.\n"))
        #expect(draft.current.backend == "scripted" && draft.current.model == "script-1")
        let stored = try drafts.load(id: draft.id)
        #expect(stored.versions.map(\.text) == draft.versions.map(\.text))
        #expect(stored.conversationID == draft.conversationID && stored.fields == draft.fields && stored.title == draft.title)
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("drafts/\(draft.id).json").path))
        let conversation = try conversations.load(id: try #require(draft.conversationID)).conversation
        #expect(conversation.mode == .write)
        #expect(conversation.persona == "writer")
        #expect(conversation.messages.map(\.content) == [filled.instruction, "1. Sip smarter.\n"])
        #expect(draft.current.messageID == conversation.messages.last?.id)
        // The persona's system prompt, then the instruction: a persona's own examples are not sent.
        let request = try #require(backend.requests.all.first)
        #expect(request.messages.map(\.content) == ["You write.", filled.instruction])
        // With no limit given, the reply is limited to suit the length (copy, medium).
        #expect(request.sampling.maxTokens == 600)
    }

    @Test func aTemplatesOwnExamplesAreSent() async throws {
        defer { directory.remove() }
        var withExamples = template
        withExamples.examples = [ChatMessage(role: .user, content: "Write slogans for bikes."), ChatMessage(role: .assistant, content: "Ride on.")]
        let backend = ScriptedBackend.replying(["x"])
        let filled = try TemplateFiller.fill(withExamples, values: ["product": "cups"], controls: WritingControls(length: .short))
        var limited = writer(backend)
        limited.sampling.maxTokens = 50
        _ = try await limited.start(filled, template: withExamples) { _ in }
        #expect(backend.requests.all.first?.sampling.maxTokens == 50)
        let sent = try #require(backend.requests.all.first).messages.map(\.content)
        #expect(sent == ["You write.", "Write slogans for bikes.", "Ride on.", filled.instruction])
    }

    @Test func revisionsContinueTheConversationFromTheCurrentVersion() async throws {
        defer { directory.remove() }
        let filled = try TemplateFiller.fill(template, values: ["product": "cups"])
        let first = try #require(try await writer(.replying(["Version one is long"])).start(filled, template: template) { _ in }.draft)
        let second = try #require(try await writer(.replying(["Version two"])).revise(first, instruction: "shorter") { _ in }.draft)
        var viewingFirst = second
        try viewingFirst.select(version: 1)
        let backend = ScriptedBackend.replying(["Version three"])
        let third = try #require(try await writer(backend).revise(viewingFirst, instruction: "more playful") { _ in }.draft)

        #expect(third.versions.map(\.text) == ["Version one is long", "Version two", "Version three"])
        #expect(third.versions.map(\.instruction) == [filled.instruction, "shorter", "more playful"])
        #expect(third.currentNumber == 3)
        #expect(try drafts.load(id: first.id).versions.map(\.text) == third.versions.map(\.text))
        // The revision prompt carried the version being viewed (one), not the latest (two).
        let prompt = try #require(backend.requests.all.first?.messages.last?.content)
        #expect(prompt == viewingFirst.revisionPrompt("more playful"))
        #expect(prompt.contains("Version one is long") && !prompt.contains("Version two"))
        // One conversation holds the whole session.
        #expect(third.conversationID == first.conversationID)
        let messages = try conversations.load(id: try #require(first.conversationID)).conversation.messages
        #expect(messages.count == 6)
        #expect(messages.last?.content == "Version three")
    }

    @Test func aRevisionOfADraftWhoseConversationIsGoneStartsANewOne() async throws {
        defer { directory.remove() }
        let filled = try TemplateFiller.fill(template, values: ["product": "cups"])
        let first = try #require(try await writer(.replying(["one"])).start(filled, template: template) { _ in }.draft)
        try conversations.trash(id: try #require(first.conversationID))
        let second = try #require(try await writer(.replying(["two"])).revise(first, instruction: "more formal") { _ in }.draft)
        #expect(second.conversationID != first.conversationID)
        #expect(try drafts.load(id: first.id).conversationID == second.conversationID)
    }

    @Test func noTextMeansNoDraftAndAnEmptyRevisionIsRefused() async throws {
        defer { directory.remove() }
        let filled = try TemplateFiller.fill(template, values: ["product": "cups"])
        let failing = ScriptedBackend(steps: [.fail("server down")])
        let result = try await writer(failing).start(filled, template: template) { _ in }
        #expect(result.draft == nil)
        #expect(result.failure == "server down")
        #expect(try drafts.list().isEmpty)
        // What did arrive before a failure is kept, marked.
        let partial = ScriptedBackend(steps: [.event(.text("Half a slo")), .fail("connection reset")])
        let kept = try #require(try await writer(partial).start(filled, template: template) { _ in }.draft)
        #expect(kept.current.text == "Half a slo")
        #expect(kept.current.status == .failed)
        await #expect(throws: DraftError.emptyRevision) {
            try await writer(.replying(["x"])).revise(kept, instruction: "  ") { _ in }
        }
    }

    @Test func withoutStorageNothingIsWritten() async throws {
        defer { directory.remove() }
        let filled = try TemplateFiller.fill(template, values: ["product": "cups"])
        let draft = try #require(try await writer(.replying(["one"]), store: false).start(filled, template: template) { _ in }.draft)
        #expect(draft.conversationID == nil)
        let revised = try #require(try await writer(.replying(["two"]), store: false).revise(draft, instruction: "more formal") { _ in }.draft)
        #expect(revised.versions.map(\.text) == ["one", "two"])
        #expect(try drafts.list().isEmpty)
        #expect(try conversations.list().isEmpty)
    }

    @Test func startCanContinueAChatConversationAndTheDraftIsFoundByIt() async throws {
        defer { directory.remove() }
        var chat = Conversation(persona: "assistant", mode: .write)
        chat.messages = [Message(role: .user, content: "hello"), Message(role: .assistant, content: "hi")]
        try conversations.create(chat)
        let filled = try TemplateFiller.fill(template, values: ["product": "cups"])
        let draft = try #require(try await writer(.replying(["Sip on."])).start(filled, template: template, conversationID: chat.id) { _ in }.draft)
        #expect(draft.conversationID == chat.id)
        let messages = try conversations.load(id: chat.id).conversation.messages
        #expect(messages.map(\.content) == ["hello", "hi", filled.instruction, "Sip on."])
        #expect(try drafts.draft(forConversation: chat.id)?.id == draft.id)
        #expect(try drafts.draft(forConversation: "20270101-000000-000000") == nil)
    }
}
