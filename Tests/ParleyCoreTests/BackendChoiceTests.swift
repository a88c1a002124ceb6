import Foundation
import Testing

@testable import ParleyCore

@Suite("A conversation's remembered backend; the token-limit note")
struct BackendChoiceTests {
    @Test func aBaseURLIsStoredWithoutAnythingThatCouldBeACredential() {
        #expect(BackendChoice.storableURL("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1")
        #expect(BackendChoice.storableURL("https://user:sk-secret@api.example.com/v1?key=sk-2#frag") == "https://api.example.com/v1")
        let choice = BackendChoice(name: "openai", kind: "openai", model: "m", baseUrl: "http://me:pw@host:1/v1")
        #expect(choice.baseUrl == "http://host:1/v1")
        #expect(choice.summary == "http://host:1/v1 (m)")
        #expect(BackendChoice(name: "lan", kind: "openai").summary == "lan")
    }

    @Test func itRoundTripsInAConversationAndOlderFilesDecodeWithout() throws {
        var conversation = Conversation(
            id: "c1", title: "t", createdAt: Date(timeIntervalSince1970: 1_800_000_000), persona: "assistant", messages: [])
        conversation.backend = BackendChoice(name: "openai", kind: "openai", model: "m1", baseUrl: "http://127.0.0.1:9/v1")
        let data = try ParleyJSON.encoder().encode(conversation)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["backend"] as? [String: String] == ["name": "openai", "kind": "openai", "model": "m1", "baseUrl": "http://127.0.0.1:9/v1"])
        #expect(try ParleyJSON.decoder().decode(Conversation.self, from: data) == conversation)

        conversation.backend = nil
        let older = try ParleyJSON.encoder().encode(conversation)
        #expect(!String(decoding: older, as: UTF8.self).contains("backend"))
        #expect(try ParleyJSON.decoder().decode(Conversation.self, from: older).backend == nil)
    }

    @Test func aHandEditedURLIsCleanedOnReading() throws {
        let json = #"{"name": "openai", "kind": "openai", "baseUrl": "http://u:p@h/v1?token=x"}"#
        let choice = try ParleyJSON.decoder().decode(BackendChoice.self, from: Data(json.utf8))
        #expect(choice.baseUrl == "http://h/v1")
        #expect(choice.model == nil && choice.gguf == nil)
    }

    @Test func aReplyCutAtItsTokenLimitSaysSo() {
        func reply(_ reason: String?, tokens: Int?) -> Message {
            Message(
                role: .assistant, content: "cut", usage: tokens.map { TokenUsage(promptTokens: 10, completionTokens: $0) },
                finishReason: reason)
        }
        #expect(reply("length", tokens: 5).tokenLimitNote(maxTokens: 5) == "the reply was cut off at its limit of 5 tokens")
        #expect(reply("length", tokens: nil).tokenLimitNote(maxTokens: 1) == "the reply was cut off at its limit of 1 token")
        #expect(reply("length", tokens: 40).tokenLimitNote(maxTokens: 512)
            == "the reply was cut off at the backend's token limit, after 40 tokens")
        #expect(reply("length", tokens: 7).tokenLimitNote(maxTokens: nil) == "the reply was cut off at its token limit, after 7 tokens")
        #expect(reply("length", tokens: nil).tokenLimitNote(maxTokens: nil) == "the reply was cut off at its token limit")
        #expect(reply("stop", tokens: 5).tokenLimitNote(maxTokens: 5) == nil)
        #expect(reply(nil, tokens: nil).tokenLimitNote(maxTokens: 5) == nil)
        #expect(Message(role: .user, content: "q", finishReason: "length").tokenLimitNote(maxTokens: 5) == nil)
        #expect(reply("length", tokens: 5).reachedTokenLimit)
    }
}
