import Foundation
import GGUFRuntime
import ParleyCore
import ParleyStore
import ParleyTestSupport
import Testing
@testable import ParleyLocal

/// A stored conversation's state saved by one backend is read by another (as by a later process)
/// and gives the same answer as evaluating from scratch; a damaged or foreign state is dropped.
@Suite("Local backend saved states", .serialized)
struct SavedStateBackendTests {
    static func backend(_ root: StoreTemporaryDirectory, contextLength: Int = 2048) throws -> LocalBackend {
        try LocalBackend(
            path: DefaultModel.path, contextLength: contextLength, threads: 2, stateCache: SessionCache(storage: root.url))
    }

    static let first = [ChatMessage(role: .system, content: "You are a helpful assistant."),
                        ChatMessage(role: .user, content: "Name three rivers in Europe.")]

    static func request(_ messages: [ChatMessage], key: String? = "c1") -> ChatRequest {
        ChatRequest(messages: messages, sampling: SamplingOptions(temperature: 0, maxTokens: 32), cacheKey: key)
    }

    /// The first turn through one backend, saved; the messages of the second turn.
    static func firstTurn(_ root: StoreTemporaryDirectory) async throws -> [ChatMessage] {
        let writer = try backend(root)
        let reply = try await collect(writer, request(first))
        await writer.finishBackgroundWork()
        return first + [ChatMessage(role: .assistant, content: reply.text), ChatMessage(role: .user, content: "Which is longest?")]
    }

    static func cached(_ events: [ReplyEvent]) -> Int? {
        events.compactMap { if case .usage(let u) = $0 { return u.cachedPromptTokens } else { return nil } }.first ?? nil
    }

    @Test func aLaterBackendContinuesFromTheSavedState() async throws {
        let root = try StoreTemporaryDirectory("states")
        defer { root.remove() }
        let second = try await Self.firstTurn(root)
        let cache = SessionCache(storage: root.url)
        #expect(cache.entries().map(\.key) == ["c1"])
        let reader = try Self.backend(root)
        let got = try await collect(reader, Self.request(second))
        let expected = try await collect(try #require(PrefixReuseBackendTests.fresh), Self.request(second, key: nil))
        #expect(got.text == expected.text)
        #expect(Self.cached(got.events) == reader.encode(Array(second.dropLast()), generationPrompt: false).count)
        // Another conversation's request does not read c1's state.
        let other = try Self.backend(root)
        let unrelated = try await collect(other, Self.request(second, key: "c2"))
        #expect(Self.cached(unrelated.events) == 0)
        #expect(unrelated.text == expected.text)
    }

    @Test func aDamagedStateIsDroppedAndTheAnswerIsTheSame() async throws {
        let root = try StoreTemporaryDirectory("states")
        defer { root.remove() }
        let second = try await Self.firstTurn(root)
        let file = SessionCache(storage: root.url).directory.appendingPathComponent("c1.kv")
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: file)
        let reader = try Self.backend(root)
        let got = try await collect(reader, Self.request(second))
        #expect(Self.cached(got.events) == 0)
        #expect(got.text == (try await collect(try #require(PrefixReuseBackendTests.fresh), Self.request(second, key: nil))).text)
        await reader.finishBackgroundWork()
        let now = try? Data(contentsOf: file)
        #expect(now != bytes, "the damaged state is removed (and replaced by this reply's)")
    }

    @Test func aStateOfOtherSettingsIsNotUsed() async throws {
        let root = try StoreTemporaryDirectory("states")
        defer { root.remove() }
        let second = try await Self.firstTurn(root)
        let reader = try Self.backend(root, contextLength: 1024)
        let got = try await collect(reader, Self.request(second))
        #expect(Self.cached(got.events) == 0)
    }
}
