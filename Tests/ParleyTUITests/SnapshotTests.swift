import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

/// The rendered screen for each visible state, compared as text with recorded snapshots under
/// `Snapshots/`. A missing snapshot is recorded on the first run; set PARLEY_RECORD_SNAPSHOTS=1 to
/// record again after an intended change. A mismatch fails with a line diff.
@Suite("Screen snapshots")
struct SnapshotTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    func assertSnapshot(_ buffer: CellBuffer, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = "size \(buffer.width)x\(buffer.height)\n" + buffer.textRows.map { "|" + $0 + "|" }.joined(separator: "\n") + "\n"
        let file = SnapshotTests.directory.appendingPathComponent(name + ".txt")
        let record = ProcessInfo.processInfo.environment["PARLEY_RECORD_SNAPSHOTS"] == "1"
        guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
            try? FileManager.default.createDirectory(at: SnapshotTests.directory, withIntermediateDirectories: true)
            do {
                try text.write(to: file, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("could not record snapshot \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        if expected != text {
            let diff = SnapshotTests.lineDiff(expected, text)
            Issue.record("snapshot \(name) differs:\n\(diff)", sourceLocation: sourceLocation)
        }
    }

    /// A simple line diff: every differing line as `-expected` / `+actual` with its number.
    static func lineDiff(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(a.count, b.count) {
            let left = i < a.count ? String(a[i]) : nil
            let right = i < b.count ? String(b[i]) : nil
            if left != right {
                if let left { out.append("\(i + 1) -\(left)") }
                if let right { out.append("\(i + 1) +\(right)") }
            }
        }
        return out.joined(separator: "\n")
    }

    @Test func empty() {
        assertSnapshot(ChatHarness().render(), "empty-80x24")
    }

    @Test func longConversation() {
        let h = ChatHarness(messages: ChatHarness.conversation(turns: 30), title: "Thirty questions")
        assertSnapshot(h.render(), "long-conversation-80x24")
    }

    @Test func scrolledUp() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 30), title: "Thirty questions")
        h.key(.pageUp)
        assertSnapshot(h.render(), "scrolled-up-80x24")
    }

    @Test func streaming() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 1), title: "Streaming")
        h.type("Show me a loop")
        h.send(.input(.key(.enter)))
        h.send(.turnStarted(conversationID: h.state.conversation.id, messageID: "r2"))
        h.send(.turnText("Here is a loop:\n\n```swift\nfor i in 0..<3 {\n    print(i)"), at: 1)
        h.send(.turnText("\n"), at: 2)
        h.type("next question draft")
        assertSnapshot(h.render(now: 3), "streaming-80x24")
    }

    @Test func error() {
        var messages = ChatHarness.conversation(turns: 1)
        messages.append(ChatHarness.message(.user, "And then?", index: 2))
        messages.append(ChatHarness.message(.assistant, "Partial ans", status: .failed, error: "HTTP 500 from the server: internal error; try again later", index: 3))
        var h = ChatHarness(messages: messages, title: "Server trouble")
        h.send(.error("reply failed: HTTP 500 from the server: internal error; try again later"))
        assertSnapshot(h.render(), "error-80x24")
    }

    @Test func listOpen() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 2), title: "Current one")
        h.key(.function(2))
        let day = ChatHarness.epoch
        h.send(.conversationsListed([
            ConversationListEntry(id: h.state.conversation.id, title: "Current one", updatedAt: day, messageCount: 4),
            ConversationListEntry(id: "20270114-080000-bbbbbb", title: "京都の旅行 plans", updatedAt: day.addingTimeInterval(-86400), messageCount: 12),
            ConversationListEntry(id: "20270113-080000-cccccc", title: "Swift concurrency questions", updatedAt: day.addingTimeInterval(-172800), messageCount: 6),
        ]))
        h.key(.down)
        assertSnapshot(h.render(), "list-open-80x24")
    }

    @Test func help() {
        var h = ChatHarness(height: 40)
        h.key(.function(1))
        assertSnapshot(h.render(), "help-80x40")
    }

    @Test func narrow() {
        let h = ChatHarness(width: 40, height: 20, messages: ChatHarness.conversation(turns: 2), title: "Narrow screen conversation title")
        assertSnapshot(h.render(), "narrow-40x20")
    }

    @Test func cjk() {
        let messages = [
            ChatHarness.message(.user, "東京で一番おいしいラーメン屋はどこですか？🍜", index: 0),
            ChatHarness.message(.assistant, "**おすすめ**は三つあります：\n\n1. 一蘭（いちらん）— 豚骨ラーメンで有名です。\n2. 中華そば 🇯🇵 の老舗\n3. 한국어도 괜찮아요 👨‍👩‍👧", index: 1),
        ]
        var h = ChatHarness(width: 50, height: 18, messages: messages, title: "ラーメン")
        h.type("ありがとう！")
        assertSnapshot(h.render(), "cjk-50x18")
    }

    @Test func crisisNoticeAboveTheReply() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 1), title: "Hard day")
        h.type("I want to die, nothing helps")
        h.key(.enter)
        h.send(.turnStarted(conversationID: h.state.conversation.id, messageID: "r2"))
        h.send(.turnNotice("support contacts are shown above the reply"))
        h.send(.turnText("I'm really sorry you're feeling this way."), at: 1)
        assertSnapshot(h.render(now: 2), "crisis-80x24")
    }

    @Test func crisisNoticeStaysWhenTheConversationIsReopened() {
        var messages = ChatHarness.conversation(turns: 1)
        messages.append(ChatHarness.message(.user, "我不想活了", index: 2))
        messages.append(ChatHarness.message(.assistant, "我在这里听你说。", index: 3))
        let h = ChatHarness(width: 60, height: 20, messages: messages, title: "Reopened")
        assertSnapshot(h.render(), "crisis-reopened-60x20")
    }

    @Test func reasoningFoldedWhileStreaming() {
        var h = ChatHarness(messages: ChatHarness.conversation(turns: 1), title: "Thinking")
        h.type("What is 17 × 23?")
        h.key(.enter)
        h.send(.turnStarted(conversationID: h.state.conversation.id, messageID: "r2"))
        h.send(.turnReasoning("17 × 20 = 340\n17 × 3 = 51\n"), at: 1)
        h.send(.turnReasoning("340 + 51 = 391"), at: 1)
        assertSnapshot(h.render(now: 2), "reasoning-folded-streaming-80x24")
        h.send(.turnText("17 × 23 = **391**."), at: 2)
        assertSnapshot(h.render(now: 3), "reasoning-folded-answering-80x24")
    }

    @Test func reasoningExpandedWithThink() {
        var messages = [ChatHarness.message(.user, "What is 17 × 23?", index: 0)]
        var reply = ChatHarness.message(.assistant, "17 × 23 = **391**.", index: 1)
        reply.reasoning = "17 × 20 = 340\n17 × 3 = 51\n\n340 + 51 = 391, a line long enough to wrap around at eighty columns for sure."
        messages.append(reply)
        var h = ChatHarness(messages: messages, title: "Thinking")
        assertSnapshot(h.render(), "reasoning-folded-80x24")
        h.type("/think")
        h.key(.enter)
        assertSnapshot(h.render(), "reasoning-expanded-80x24")
    }

    @Test func zwjEmojiAtTheStartOfLines() {
        let messages = [
            ChatHarness.message(.user, "👩‍💻 is the first glyph here\n👨‍👩‍👧‍👦 and here", index: 0),
            ChatHarness.message(
                .assistant,
                "🏳️‍🌈 starts a paragraph\n\n- 🧑🏽‍💻 starts a list item\n- ❤️‍🔥 too\n\n☝🏽 ✍🏻 skin tones\n🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️🐻‍❄️ wraps",
                index: 1),
        ]
        var h = ChatHarness(width: 40, height: 20, messages: messages, title: "👩‍🚀 emoji")
        h.type("👩‍👩‍👦 typed")
        let frame = h.render()
        assertSnapshot(frame, "zwj-40x20")
        // Every row adds up to the screen width: no glyph was measured as narrower or wider than drawn.
        for y in 0..<frame.height {
            var columns = 0
            var x = 0
            while x < frame.width {
                let w = max(1, DisplayWidth.of(frame[x, y].text))
                columns += w
                x += w
            }
            #expect(columns == frame.width, "row \(y)")
        }
    }

    @Test func tooSmall() {
        assertSnapshot(ChatHarness(width: 20, height: 5).render(), "too-small-20x5")
    }
}
