import Testing
@testable import ParleyCore

@Suite("Context fitting")
struct ContextFitterTests {
    /// Each message costs the number of characters of its content: easy to reason about.
    let count: (ChatMessage) -> Int = { $0.content.count }

    func msg(_ role: Role, _ text: String) -> ChatMessage { ChatMessage(role: role, content: text) }

    @Test func keepsEverythingWhenItFits() throws {
        let history = [msg(.system, "sys"), msg(.user, "hello"), msg(.assistant, "hi")]
        let result = try ContextFitter(contextSize: 100, reserveForReply: 10).fit(history, count: count)
        #expect(result.messages == history)
        #expect(result.droppedMessages == 0)
        #expect(result.promptTokens == 10)
    }

    @Test func dropsOldestWholeTurnsFirst() throws {
        let history = [
            msg(.system, "SSSS"),  // 4
            msg(.user, "u1u1u1"), msg(.assistant, "a1a1a1"),  // 12
            msg(.user, "u2u2"), msg(.assistant, "a2a2"),  // 8
            msg(.user, "u3"),  // 2
        ]
        // Available 20: everything is 26; without turn 1 it is 14.
        let result = try ContextFitter(contextSize: 25, reserveForReply: 5).fit(history, count: count)
        #expect(result.messages == [history[0], history[3], history[4], history[5]])
        #expect(result.droppedMessages == 2)
        #expect(result.promptTokens == 14)
    }

    @Test func neverDropsSystemPromptOrNewestUserMessage() throws {
        let history = [
            msg(.system, "SSSS"), msg(.user, "old question"), msg(.assistant, "old answer"),
            msg(.user, "new"),
        ]
        let result = try ContextFitter(contextSize: 7, reserveForReply: 0).fit(history, count: count)
        #expect(result.messages == [history[0], history[3]])
        #expect(result.droppedMessages == 2)
    }

    @Test func failsClearlyWhenEvenTheNewestMessageDoesNotFit() {
        let history = [msg(.system, "SSSS"), msg(.user, String(repeating: "x", count: 50))]
        #expect(throws: ContextFitter.Failure.tooLong(needed: 54, available: 20)) {
            try ContextFitter(contextSize: 30, reserveForReply: 10).fit(history, count: count)
        }
    }

    @Test func assistantGreetingBeforeFirstUserGoesWithTheFirstTurn() throws {
        let history = [
            msg(.assistant, "greeting"), msg(.user, "q1"), msg(.assistant, "r1"), msg(.user, "q2"),
        ]
        let result = try ContextFitter(contextSize: 6, reserveForReply: 0).fit(history, count: count)
        #expect(result.messages == [history[3]] || result.messages == [history[1], history[2], history[3]])
        #expect(result.promptTokens <= 6)
    }

    @Test func historyWithoutSystemPromptDropsFromTheStart() throws {
        let history = [msg(.user, "aaaa"), msg(.assistant, "bbbb"), msg(.user, "cc")]
        let result = try ContextFitter(contextSize: 3, reserveForReply: 0).fit(history, count: count)
        #expect(result.messages == [history[2]])
        #expect(result.droppedMessages == 2)
    }
}
