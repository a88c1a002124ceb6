import Foundation
import ParleyCore
import Testing

@Suite("reply feedback")
struct ReplyFeedbackTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func reply(_ content: String, versions: [String]? = nil, status: MessageStatus = .complete) -> Message {
        Message(id: "a1", role: .assistant, content: content, status: status, alternatives: versions)
    }

    @Test func ratingAVersionAgainReplacesItsRatingAndKeepsANote() throws {
        var message = reply("B", versions: ["A", "B"])
        try message.apply(.rate(version: 2, .up, note: "  clear  "), at: now)
        try message.apply(.rate(version: 1, .down, note: ""), at: now)
        try message.apply(.rate(version: 2, .down, note: nil), at: now)
        #expect(message.feedback?.ratings == [
            VersionRating(version: 1, rating: .down, note: nil, ratedAt: now), VersionRating(version: 2, rating: .down, note: nil, ratedAt: now),
        ])
        try message.apply(.rate(version: 1, .up, note: "  clear  "), at: now)
        #expect(message.feedback?.rating(of: 1)?.note == "clear")
    }

    @Test func badFeedbackIsRefusedAndChangesNothing() throws {
        var message = reply("B", versions: ["A", "B"])
        #expect(throws: FeedbackError.noSuchVersion(3, count: 2)) { try message.apply(.prefer(version: 3), at: now) }
        #expect(throws: FeedbackError.emptyIdeal) { try message.apply(.ideal(version: 1, text: " \n"), at: now) }
        var single = reply("only")
        #expect(throws: FeedbackError.noAlternatives) { try single.apply(.prefer(version: 1), at: now) }
        var streaming = reply("", status: .streaming)
        #expect(throws: FeedbackError.stillStreaming) { try streaming.apply(.rate(version: 1, .up, note: nil), at: now) }
        var question = Message(role: .user, content: "hi")
        #expect(throws: FeedbackError.notAReply) { try question.apply(.rate(version: 1, .up, note: nil), at: now) }
        #expect(message.feedback == nil && single.feedback == nil && streaming.feedback == nil)
    }

    @Test func preferringShowsTheChosenVersionOnlyOnTheLastReply() throws {
        var conversation = Conversation(messages: [
            Message(role: .user, content: "q1"), Message(id: "a1", role: .assistant, content: "x2", alternatives: ["x1", "x2"]),
            Message(role: .user, content: "q2"), Message(id: "a2", role: .assistant, content: "y2", alternatives: ["y1", "y2"]),
        ])
        try conversation.applyFeedback(.prefer(version: 1), toMessage: "a1", at: now)
        try conversation.applyFeedback(.prefer(version: 1), toMessage: "a2", at: now)
        #expect(conversation.messages[1].content == "x2")  // the second turn was answered after x2
        #expect(conversation.messages[1].feedback?.preferredVersion == 1)
        #expect(conversation.messages[3].content == "y1")
        #expect(conversation.messages[3].shownVersion == 1)
        #expect(conversation.replyIndices == [1, 3])
    }

    @Test func regeneratingCarriesFeedbackAndCutShortVersionsToTheirNewPlaces() throws {
        var old = reply("second, cut", versions: ["first", "second, cut"], status: .interrupted)
        try old.apply(.rate(version: 1, .down, note: "dull"), at: now)
        try old.apply(.ideal(version: 1, text: "better"), at: now)
        let fresh = Message(id: "a2", role: .assistant, content: "third").regenerated(from: old, previousVersions: ["first", "second, cut"])
        #expect(fresh.alternatives == ["first", "second, cut", "third"])
        #expect(fresh.unfinishedVersions == [2])
        #expect(fresh.feedback?.rating(of: 1)?.note == "dull")
        #expect(fresh.feedback?.ideal?.content == "better")
        #expect(fresh.isFinished(version: 1) && !fresh.isFinished(version: 2) && fresh.isFinished(version: 3))
        // A failed reply with no text was never a version: nothing of it is carried.
        let failed = reply("", status: .failed)
        let after = Message(role: .assistant, content: "ok").regenerated(from: failed, previousVersions: [])
        #expect(after.alternatives == nil && after.unfinishedVersions == nil && after.feedback == nil)
    }
}
