import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

/// `parley ask --continue` in a new process continues from the state the last one saved;
/// `parley cache list|clear` show and remove the states.
@Suite("cache command")
struct CacheCommandTests {
    static let model = GGUFCommandTests.model

    struct AskJSON: Decodable {
        var conversationId: String
        var reply: String
        var usage: TokenUsage
    }

    @Test func continueReusesTheSavedStateAndClearRemovesIt() async throws {
        let runner = try ParleyRunner()
        defer { runner.remove() }
        let ask = ["ask", "--json", "--gguf", Self.model, "--temperature", "0", "--max-tokens", "24"]
        let first = try await runner.run(ask + ["Name a colour."])
        #expect(first.status == 0, "\(first.stderr)")
        let turn1 = try JSONDecoder().decode(AskJSON.self, from: Data(first.stdout.utf8))
        let listed = try await runner.run(["cache", "list", "--json"])
        #expect(listed.stdout.contains(turn1.conversationId))
        let cacheDirectory = runner.storage.appendingPathComponent("cache")
        let attributes = try FileManager.default.attributesOfItem(atPath: cacheDirectory.appendingPathComponent(turn1.conversationId + ".kv").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let second = try await runner.run(ask + ["--continue", "Another one."])
        #expect(second.status == 0, "\(second.stderr)")
        let turn2 = try JSONDecoder().decode(AskJSON.self, from: Data(second.stdout.utf8))
        #expect(turn2.conversationId == turn1.conversationId)
        let cached = try #require(turn2.usage.cachedPromptTokens)
        #expect(cached > turn1.usage.promptTokens, "the first turn's prompt and reply were held")

        let cleared = try await runner.run(["cache", "clear"])
        #expect(cleared.stderr.contains("removed 1 saved state"))
        let third = try await runner.run(ask + ["--continue", "And a third."])
        let turn3 = try JSONDecoder().decode(AskJSON.self, from: Data(third.stdout.utf8))
        #expect(turn3.usage.cachedPromptTokens == 0)
    }
}
