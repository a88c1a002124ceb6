import Foundation
import GGUFRuntime
import ParleyCore
import Testing
@testable import ParleyLocal

/// One backend kept across the turns of a chat (as the chat screen keeps it) reuses what it holds
/// and readies the next prompt's start after each reply, and still answers exactly as a backend
/// that evaluates every prompt from scratch.
@Suite("Local backend prefix reuse", .serialized)
struct PrefixReuseBackendTests {
    static let fresh: LocalBackend? = try? LocalBackend(path: DefaultModel.path, contextLength: 2048, threads: 2, reusePrefix: false)

    static func usage(_ events: [ReplyEvent]) throws -> TokenUsage {
        try #require(events.compactMap { if case .usage(let u) = $0 { return u } else { return nil } }.first)
    }

    @Test func aGrowingChatAnswersAsFromScratchAndReusesTheHistory() async throws {
        let reusing = try LocalBackend(path: DefaultModel.path, contextLength: 2048, threads: 2)
        let fresh = try #require(Self.fresh)
        var messages = [ChatMessage(role: .system, content: "You are a helpful assistant. Answer in two sentences.")]
        let questions = ["What is a good first houseplant?", "How often should I water it?", "And how much light?",
                         "Can it live in a bathroom?"]
        for (turn, question) in questions.enumerated() {
            messages.append(ChatMessage(role: .user, content: question))
            let request = ChatRequest(messages: messages, sampling: SamplingOptions(temperature: 0, maxTokens: 48), cacheKey: "chat")
            let expected = try await collect(fresh, request)
            // The odd turns come before the work after the last reply is done: a request that
            // arrives while it runs gets the same answer.
            if turn % 2 == 0 { await reusing.finishBackgroundWork() }
            let got = try await collect(reusing, request)
            #expect(got.text == expected.text, "turn \(turn + 1)")
            let usage = try Self.usage(got.events)
            #expect(usage.promptTokens == (try Self.usage(expected.events)).promptTokens)
            #expect(try Self.usage(expected.events).cachedPromptTokens == 0)
            if turn == 0 {
                #expect(usage.cachedPromptTokens == 0)
            } else if turn % 2 == 0 {
                // Readied after the last reply: everything up to the new message was held.
                let history = reusing.encode(Array(messages.dropLast()), generationPrompt: false)
                #expect(usage.cachedPromptTokens == history.count, "turn \(turn + 1)")
            } else {
                #expect((usage.cachedPromptTokens ?? 0) > 0, "turn \(turn + 1)")
            }
            messages.append(ChatMessage(role: .assistant, content: got.text))
        }
        // /retry: the same request again holds all but the prompt's last token.
        messages.removeLast()
        let retry = ChatRequest(messages: messages, sampling: SamplingOptions(temperature: 0, maxTokens: 48), cacheKey: "chat")
        await reusing.finishBackgroundWork()
        let again = try await collect(reusing, retry)
        #expect(again.text == (try await collect(fresh, retry)).text)
        let usage = try Self.usage(again.events)
        #expect(usage.cachedPromptTokens == usage.promptTokens - 1)
        await reusing.finishBackgroundWork()
    }
}
