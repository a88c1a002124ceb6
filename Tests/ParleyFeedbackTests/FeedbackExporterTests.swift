import Foundation
import ParleyCore
import ParleyFeedback
import Testing

@Suite("feedback export rows")
struct FeedbackExporterTests {
    let system = "You are brief."

    func lines(_ format: FeedbackExportFormat, _ conversations: [Conversation], redact: [String] = []) throws -> [String] {
        let replies = conversations.flatMap { JudgedReply.all(in: $0, systemPrompt: system) }
        let data = try FeedbackExporter.jsonLines(FeedbackExporter(format: format, redacting: redact).rows(for: replies))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.isEmpty || text.hasSuffix("\n"))
        return text.split(separator: "\n").map(String.init)
    }

    /// The prompt every row of the preferred sample carries: system prompt, then both earlier turns.
    var twoTurnPrompt: String {
        #"[{"content":"You are brief.","role":"system"},{"content":"Name a fruit","role":"user"},"#
            + #"{"content":"Apple","role":"assistant"},{"content":"Another one?","role":"user"}]"#
    }

    @Test func dpoPairsTheChosenVersionWithEachOtherOneUnderTheWholeEarlierConversation() throws {
        let rows = try lines(.dpo, [try FeedbackSamples.preferred()])
        #expect(rows == [
            #"{"chosen":[{"content":"Kiwi","role":"assistant"}],"prompt":"# + twoTurnPrompt + #","rejected":[{"content":"Pear","role":"assistant"}]}"#,
            #"{"chosen":[{"content":"Kiwi","role":"assistant"}],"prompt":"# + twoTurnPrompt + #","rejected":[{"content":"Plum","role":"assistant"}]}"#,
        ])
    }

    @Test func openAIDPOPutsThePromptUnderInputMessages() throws {
        let rows = try lines(.openaiDPO, [try FeedbackSamples.preferred()])
        #expect(rows.first == #"{"input":{"messages":"# + twoTurnPrompt + #"},"non_preferred_output":[{"content":"Pear","role":"assistant"}],"#
            + #""preferred_output":[{"content":"Kiwi","role":"assistant"}]}"#)
        #expect(rows.count == 2)
    }

    @Test func sftIsTheConversationEndingInTheChosenVersion() throws {
        let rows = try lines(.sft, [try FeedbackSamples.preferred()])
        #expect(rows == [#"{"messages":"# + twoTurnPrompt.dropLast() + #",{"content":"Kiwi","role":"assistant"}]}"#])
    }

    @Test func openAISFTWeighsOnlyTheTrainedReply() throws {
        let rows = try lines(.openaiSFT, [try FeedbackSamples.preferred()])
        #expect(rows == [
            #"{"messages":[{"content":"You are brief.","role":"system"},{"content":"Name a fruit","role":"user"},"#
                + #"{"content":"Apple","role":"assistant","weight":0},{"content":"Another one?","role":"user"},"#
                + #"{"content":"Kiwi","role":"assistant","weight":1}]}"#
        ])
    }

    @Test func ktoLabelsTheChosenVersionTrueAndTheRejectedFalse() throws {
        let rows = try lines(.kto, [try FeedbackSamples.preferred()])
        let labelled = try rows.map { row -> (String, Bool) in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["prompt", "completion", "label"])
            let completion = try #require(object["completion"] as? [[String: String]])
            #expect((object["prompt"] as? [[String: String]])?.count == 4)
            return (completion[0]["content"] ?? "", try #require(object["label"] as? Bool))
        }
        #expect(labelled.map(\.0) == ["Kiwi", "Pear", "Plum"])
        #expect(labelled.map(\.1) == [true, false, false])
    }

    @Test func aDemonstrationIsAnSFTRowAndBeatsTheReplyItCorrects() throws {
        let sample = [try FeedbackSamples.demonstrated()]
        let prompt = #"[{"content":"You are brief.","role":"system"},{"content":"Answer in French.","role":"system"},{"content":"Say hello","role":"user"}"#
        #expect(try lines(.sft, sample) == [#"{"messages":"# + prompt + #",{"content":"Bonjour !","role":"assistant"}]}"#])
        #expect(try lines(.dpo, sample) == [
            #"{"chosen":[{"content":"Bonjour !","role":"assistant"}],"prompt":"# + prompt + #"],"rejected":[{"content":"Hello!","role":"assistant"}]}"#
        ])
        let kto = try lines(.kto, sample)
        #expect(kto.count == 2)
        #expect(kto[0].contains(#""completion":[{"content":"Bonjour !","role":"assistant"}],"label":true"#))
        #expect(kto[1].contains(#""completion":[{"content":"Hello!","role":"assistant"}],"label":false"#))
    }

    @Test func anUpRatedVersionBeatsADownRatedOneOfTheSameTurn() throws {
        let sample = [try FeedbackSamples.upAndDown()]
        #expect(try lines(.dpo, sample) == [
            #"{"chosen":[{"content":"4","role":"assistant"}],"prompt":[{"content":"You are brief.","role":"system"},{"content":"2+2?","role":"user"}],"#
                + #""rejected":[{"content":"5","role":"assistant"}]}"#
        ])
        #expect(try lines(.sft, sample).count == 1)
        #expect(try lines(.kto, sample).count == 2)
    }

    @Test func interruptedAndFailedVersionsAreLeftOut() throws {
        var conversation = Conversation(
            id: "c-cut", messages: [
                FeedbackSamples.user("Tell a story", "u1"),
                FeedbackSamples.reply("Once", "a1", versions: ["Long ago", "Once upon", "Once"], status: .interrupted),
            ])
        // Version 1 was cut short before the first retry; version 3, the newest, was interrupted.
        conversation.messages[1].unfinishedVersions = [1]
        try conversation.applyFeedback(.prefer(version: 2), toMessage: "a1", at: FeedbackSamples.day)
        try conversation.applyFeedback(.rate(version: 1, .down, note: nil), toMessage: "a1", at: FeedbackSamples.day)
        try conversation.applyFeedback(.rate(version: 3, .down, note: nil), toMessage: "a1", at: FeedbackSamples.day)
        let replies = JudgedReply.all(in: conversation, systemPrompt: nil)
        #expect(replies.count == 1)
        #expect(replies[0].good == ["Once upon"])
        #expect(replies[0].bad.isEmpty)
        #expect(replies[0].pairs.isEmpty)
        #expect(try lines(.dpo, [conversation]).isEmpty)
        #expect(try lines(.kto, [conversation]).count == 1)
        // And an unfinished version cannot be chosen in the first place.
        #expect(throws: FeedbackError.unfinishedVersion(3)) {
            try conversation.applyFeedback(.prefer(version: 3), toMessage: "a1", at: FeedbackSamples.day)
        }
    }

    @Test func redactionReplacesWholeWordsEverywhereAndCJKAnywhere() throws {
        var conversation = Conversation(
            id: "c-redact", messages: [
                FeedbackSamples.user("Ann wrote the annual report with 张三", "u1"),
                FeedbackSamples.reply("Thanks ann, and 张三先生", "a1"),
            ])
        try conversation.applyFeedback(.rate(version: 1, .up, note: nil), toMessage: "a1", at: FeedbackSamples.day)
        let rows = try lines(.sft, [conversation], redact: ["ANN", "张三", "  "])
        #expect(rows == [
            #"{"messages":[{"content":"You are brief.","role":"system"},{"content":"[redacted] wrote the annual report with [redacted]","role":"user"},"#
                + #"{"content":"Thanks [redacted], and [redacted]先生","role":"assistant"}]}"#
        ])
    }

    @Test func selectionByPersonaModelAndDate() throws {
        let samples = [try FeedbackSamples.preferred(), try FeedbackSamples.upAndDown()]
        func count(_ selection: FeedbackSelection) -> Int {
            samples.flatMap { JudgedReply.all(in: $0, systemPrompt: nil, selection: selection) }.count
        }
        #expect(count(FeedbackSelection()) == 2)
        #expect(count(FeedbackSelection(persona: "CODER")) == 1)
        #expect(count(FeedbackSelection(model: "other")) == 0)
        #expect(count(FeedbackSelection(model: "small")) == 2)
        #expect(count(FeedbackSelection(since: FeedbackSamples.day)) == 2)
        #expect(count(FeedbackSelection(since: FeedbackSamples.day.addingTimeInterval(1))) == 0)
        #expect(FeedbackSelection.parseDate("2027-01-15") == Timestamp.parse("2027-01-15T00:00:00Z"))
        #expect(FeedbackSelection.parseDate("2027-01-15T10:00:00+02:00") == Timestamp.parse("2027-01-15T08:00:00Z"))
        #expect(FeedbackSelection.parseDate("last week") == nil)
    }

    @Test func listingAndStatsCountByPersonaModelAndKind() throws {
        let entries = try [FeedbackSamples.preferred(), FeedbackSamples.demonstrated(), FeedbackSamples.upAndDown()].flatMap { FeedbackEntry.all(in: $0) }
        #expect(entries.map(\.kind) == [.prefer, .down, .ideal, .up, .down])
        #expect(entries[0].address == "c-prefer:2")
        #expect(entries[1].note == "not French")
        let stats = FeedbackStats(entries)
        #expect(stats.rows.map(\.persona) == ["assistant", "coder"])
        #expect(stats.total(.down) == 2)
        #expect(stats.table == """
            persona    model  up  down  prefer  ideal
            assistant  small   0     1       1      1
            coder      small   1     1       0      0
            all                1     2       1      1

            """)
    }
}
