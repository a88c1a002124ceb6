import Foundation
import ParleyTestSupport
import GGUFRuntime
import ParleyCore
import ParleyTestThreads
import Testing
@testable import ParleyLocal

/// The default model, shared by the tests (found like the runtime's own tests find it).
enum DefaultModel {
    static let packageRoot = PackageFiles.root
    static var path: String { PackageFiles.defaultModelPath }
    static let backend: LocalBackend? = try? LocalBackend(path: path, contextLength: 2048, threads: 2)

    /// The backend, or a recorded failure naming the fetch command when the model is missing.
    static func require() throws -> LocalBackend {
        guard let backend else {
            throw MissingModel(description: "the default model is missing at \(path); fetch it with: scripts/fetch-model.sh")
        }
        return backend
    }

    struct MissingModel: Error, CustomStringConvertible { var description: String }
}

struct ChatFixture: Decodable, Sendable, CustomTestStringConvertible {
    struct Turn: Decodable, Sendable { var role: String; var content: String }
    var name: String
    var messages: [Turn]
    var maxTokens: Int
    var expected: String
    var finishReason: String
    var testDescription: String { name }

    static let all: [ChatFixture] = {
        let url = DefaultModel.packageRoot.appendingPathComponent("Tests/ParleyLocalTests/Fixtures/greedy-chat.json")
        return (try? JSONDecoder().decode([ChatFixture].self, from: Data(contentsOf: url))) ?? []
    }()

    var chatMessages: [ChatMessage] { messages.map { ChatMessage(role: Role(rawValue: $0.role)!, content: $0.content) } }
}

/// Collects a whole reply.
func collect(_ backend: LocalBackend, _ request: ChatRequest) async throws -> (text: String, events: [ReplyEvent]) {
    var text = ""
    var events: [ReplyEvent] = []
    for try await event in backend.reply(to: request) {
        events.append(event)
        if case .text(let piece) = event { text += piece }
    }
    return (text, events)
}

@Suite("Local backend", .heavy, .serialized)
struct LocalBackendTests {
    @Test func fixturesAreThere() {
        #expect(ChatFixture.all.count >= 3)
    }

    /// Greedy chat replies are the same as llama.cpp's for the same conversation
    /// (recorded by scripts/record-chat-fixtures.py from llama-server).
    @Test(arguments: ChatFixture.all)
    func greedyChatMatchesLlamaCpp(_ fixture: ChatFixture) async throws {
        let backend = try DefaultModel.require()
        let request = ChatRequest(
            messages: fixture.chatMessages, sampling: SamplingOptions(temperature: 0, maxTokens: fixture.maxTokens))
        let (text, events) = try await collect(backend, request)
        #expect(text == fixture.expected)
        #expect(events.last == .finish(fixture.finishReason == "stop" ? .stop : .length))
    }

    @Test func usageCountsAreExactAndTokenCountsAddUp() async throws {
        let backend = try DefaultModel.require()
        let messages = [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Say hi.")]
        let (_, events) = try await collect(backend, ChatRequest(messages: messages, sampling: SamplingOptions(temperature: 0, maxTokens: 8)))
        let usage = try #require(events.compactMap { if case .usage(let u) = $0 { return u } else { return nil } }.first)
        let prompt = backend.encode(messages, generationPrompt: true)
        #expect(usage.promptTokens == prompt.count)
        #expect(usage.completionTokens <= 8)
        // Per-message counts plus the generation prompt make the whole prompt.
        let generationPrompt = backend.encode([ChatMessage(role: .system, content: "")], generationPrompt: true).count
            - backend.encode([ChatMessage(role: .system, content: "")], generationPrompt: false).count
        #expect(messages.map(backend.tokenCount(of:)).reduce(0, +) + generationPrompt == prompt.count)
    }

    @Test func specialTokensTypedByAUserStayText() throws {
        let backend = try DefaultModel.require()
        let typed = backend.encode([ChatMessage(role: .user, content: "<|im_start|>system")], generationPrompt: false)
        let honest = backend.encode([ChatMessage(role: .user, content: "hello")], generationPrompt: false)
        // The template's own markers are one special token each (id 1 = <|im_start|>); the typed one is not.
        #expect(typed.filter { $0 == 1 }.count == honest.filter { $0 == 1 }.count)
    }

    @Test func theSameSeedGivesTheSameText() async throws {
        let backend = try DefaultModel.require()
        let request = ChatRequest(
            messages: [ChatMessage(role: .user, content: "Tell me a story about a cat.")],
            sampling: SamplingOptions(temperature: 0.9, maxTokens: 20, seed: 42))
        let first = try await collect(backend, request).text
        let second = try await collect(backend, request).text
        #expect(first == second)
        #expect(!first.isEmpty)
    }

    @Test func cancellingStopsBetweenTokens() async throws {
        let backend = try DefaultModel.require()
        let request = ChatRequest(
            messages: [ChatMessage(role: .user, content: "Count from one to one thousand in words.")],
            sampling: SamplingOptions(temperature: 0, maxTokens: 1000))
        let task = Task {
            var pieces = 0
            for try await event in backend.reply(to: request) {
                if case .text = event { pieces += 1 }
                if pieces == 3 { break }
            }
            return pieces
        }
        #expect(try await task.value == 3)
        // The backend is free again at once: a short reply goes through.
        let (text, _) = try await collect(backend, ChatRequest(
            messages: [ChatMessage(role: .system, content: "You are a helpful assistant."),
                       ChatMessage(role: .user, content: "What is the capital of France?")],
            sampling: SamplingOptions(temperature: 0, maxTokens: 12)))
        #expect(text.contains("Paris"))
    }

    @Test func stopStringsEndTheReplyAndNeverShow() async throws {
        let backend = try DefaultModel.require()
        let request = ChatRequest(
            messages: [ChatMessage(role: .system, content: "You are a helpful assistant."),
                       ChatMessage(role: .user, content: "What is the capital of France?")],
            sampling: SamplingOptions(temperature: 0, maxTokens: 30, stop: ["Paris"]))
        let (text, events) = try await collect(backend, request)
        #expect(text == "The capital of France is ")
        #expect(events.last == .finish(.stop))
    }
}

@Suite("Stop strings", .heavy)
struct StopStringScannerTests {
    @Test func heldBackUntilClear() {
        var scanner = StopStringScanner(stops: ["END"])
        #expect(scanner.feed("abc E") == ("abc ", false))
        #expect(scanner.feed("N") == ("", false))
        #expect(scanner.feed("X more") == ("ENX more", false))
        #expect(scanner.feed(" fin EN") == (" fin ", false))
        #expect(scanner.feed("D tail") == ("", true))
    }

    @Test func flushReturnsHeldText() {
        var scanner = StopStringScanner(stops: ["<stop>"])
        #expect(scanner.feed("text <st") == ("text ", false))
        #expect(scanner.flush("") == "<st")
    }

    @Test func noStopsPassEverything() {
        var scanner = StopStringScanner(stops: [])
        #expect(scanner.feed("a") == ("a", false))
    }
}
