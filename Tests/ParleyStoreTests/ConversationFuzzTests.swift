import Foundation
import ParleyCore
import ParleyTestSupport
import Testing
@testable import ParleyStore

/// Conversation files are outside input once on disk: mutated files decode (current or newer
/// schema) or give one `Unreadable` reason; never a crash.
@Suite("Conversation JSON fuzz")
struct ConversationFuzzTests {
    @Test func mutatedConversationFilesDecodeOrGiveAReason() async throws {
        var conversation = Conversation(title: "Fuzz", persona: "assistant")
        conversation.messages = [
            Message(role: .system, content: "Be brief."), Message(role: .user, content: "Hi é😀"),
            Message(role: .assistant, content: "Hello", status: .complete, backend: "local", model: "m"),
            Message(role: .assistant, content: "", status: .streaming, backend: "local", model: "m"),
        ]
        let example = String(decoding: try ConversationCoding.encode(conversation), as: UTF8.self)
        let tokens = [
            "{", "}", "[", "]", "\"", ",", ":", "null", "-1", "2", "99", "99999999999999999999", "1e308", "\"\\ud800\"",
            "\"schemaVersion\" : 9", "\"role\" : \"robot\"", "\"status\" : \"odd\"", "\u{0}", "[]", "{}",
        ]
        let found = await OwnThread.run {
            var mutator = FuzzMutator(examples: [example], tokens: tokens, seed: 0xC0_17E)
            var (decoded, failures) = (0, [String]())
            for iteration in 0..<2000 {
                do {
                    switch try ConversationCoding.decode(Data(mutator.next())) {
                    case .current(let value), .newer(let value, _, _):
                        _ = try ConversationCoding.encode(value)
                        decoded += 1
                    }
                } catch let error as ConversationCoding.Unreadable {
                    if error.reason.contains("\n") { failures.append("iteration \(iteration): \(error.reason)") }
                } catch {
                    failures.append("iteration \(iteration): \(error)")
                }
            }
            return (decoded, failures)
        }
        #expect(found.1.isEmpty, "\(found.1.prefix(5))")
        #expect(found.0 > 0)
    }
}
