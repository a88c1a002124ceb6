import Foundation
import ParleyCore

/// Feedback on replies: the reply cursor, `/rate` (and its keys), `/prefer`, `/ideal`.
///
/// Each change is applied to the state at once with the same function the store applies it with
/// (`Conversation.applyFeedback`), then saved by an effect; a refusal changes nothing and says why.
extension ChatReducer {
    /// The index of the reply feedback goes to: the one under the cursor, else the last reply.
    static func feedbackTarget(_ state: ChatState) -> Int? {
        let messages = state.conversation.messages
        if let cursor = state.replyCursor, let index = messages.firstIndex(where: { $0.id == cursor }) { return index }
        return messages.lastIndex { $0.role == .assistant }
    }

    /// Moves the reply cursor to the previous (or next) reply and scrolls it into view; past the
    /// last reply it goes back to following the last one.
    func moveReplyCursor(_ state: inout ChatState, earlier: Bool) {
        let replies = state.conversation.replyIndices
        guard !replies.isEmpty else {
            state.notice = ChatNotice("no reply yet to put the cursor on")
            return
        }
        let current = state.replyCursor.flatMap { id in replies.firstIndex { state.conversation.messages[$0].id == id } }
        let next: Int?
        switch (current, earlier) {
        case (nil, true): next = replies.count >= 2 ? replies.count - 2 : 0
        case (nil, false): next = nil
        case (let position?, true): next = max(0, position - 1)
        case (let position?, false): next = position + 1 < replies.count ? position + 1 : nil
        }
        guard let next else {
            state.replyCursor = nil
            state.scrollOffset = 0
            state.notice = ChatNotice("feedback goes to the last reply")
            return
        }
        let index = replies[next]
        state.replyCursor = state.conversation.messages[index].id
        state.notice = ChatNotice("reply \(next + 1) of \(replies.count): /rate up|down, /prefer N, /ideal (Esc: back to the last)")
        reveal(&state, messageAt: index)
    }

    /// Scrolls so that the message's lines end at the bottom of the transcript, or start at its
    /// top when it is taller than the screen.
    private func reveal(_ state: inout ChatState, messageAt index: Int) {
        let geometry = ScreenGeometry(state)
        guard !geometry.tooSmall, geometry.transcriptWidth > 0 else { return }
        let messages = state.conversation.messages
        let width = geometry.transcriptWidth
        let below = messages[(index + 1)...].reduce(0) {
            $0 + layout.lines(for: $1, width: width, showReasoning: state.showsReasoning, selected: state.replyCursor).count
        }
        let height = layout.lines(for: messages[index], width: width, showReasoning: state.showsReasoning, selected: state.replyCursor).count
        state.scrollOffset = max(0, below + height - geometry.transcriptHeight)
        clampScroll(&state)
    }

    /// Why there is nothing to give feedback on, as the notice to show; nil when there is. (Whether
    /// feedback may be given now is the requirements table's: `/rate`, `/prefer` and `/ideal` need
    /// the screen idle and the conversation writable.)
    private func feedbackRefusal(_ state: ChatState) -> ChatNotice? {
        if !state.isStored || ChatReducer.feedbackTarget(state) == nil { return ChatNotice("no reply to give feedback on yet", isError: true) }
        return nil
    }

    /// Applies a change to the target reply and asks for it to be saved.
    private func record(_ change: FeedbackChange, _ state: inout ChatState, messageAt index: Int, now: Date, done: String) -> [ChatEffect] {
        let id = state.conversation.messages[index].id
        do {
            try state.conversation.applyFeedback(change, toMessage: id, at: now)
        } catch {
            state.notice = ChatNotice(oneLineDescription(of: error), isError: true)
            return []
        }
        state.contextTokens = ChatState.estimateContext(state.conversation)
        state.notice = ChatNotice(done)
        return [.saveFeedback(conversationID: state.conversation.id, messageID: id, change)]
    }

    /// Rates the version of the target reply that is shown.
    func rate(_ state: inout ChatState, _ rating: Rating, note: String?, now: Date) -> [ChatEffect] {
        if let refusal = feedbackRefusal(state) { state.notice = refusal; return [] }
        guard let index = ChatReducer.feedbackTarget(state) else { return [] }
        let version = state.conversation.messages[index].shownVersion
        let noted = note.map { " (noted: \u{201C}\($0)\u{201D})" } ?? ""
        return record(.rate(version: version, rating, note: note), &state, messageAt: index, now: now, done: "rated \(describe(version, of: state.conversation.messages[index])) \(rating.rawValue)\(noted)")
    }

    func prefer(_ state: inout ChatState, version: Int, now: Date) -> [ChatEffect] {
        if let refusal = feedbackRefusal(state) { state.notice = refusal; return [] }
        guard let index = ChatReducer.feedbackTarget(state) else { return [] }
        let count = state.conversation.messages[index].versions.count
        let others = count == 2 ? "the other one is" : "the other \(count - 1) are"
        return record(.prefer(version: version), &state, messageAt: index, now: now, done: "chose version \(version) of \(count); \(others) rejected")
    }

    /// Asks the shell to open the editor on the shown version (or on the ideal answer already written).
    func openIdealEditor(_ state: inout ChatState) -> [ChatEffect] {
        if let refusal = feedbackRefusal(state) { state.notice = refusal; return [] }
        guard let index = ChatReducer.feedbackTarget(state) else { return [] }
        let reply = state.conversation.messages[index]
        guard reply.role == .assistant, reply.status != .streaming else {
            state.notice = ChatNotice(FeedbackError.stillStreaming.description, isError: true)
            return []
        }
        let version = reply.shownVersion
        let text = reply.feedback?.ideal?.content ?? reply.versions[version - 1]
        state.notice = ChatNotice("opening the editor: write the answer you wanted, save and quit")
        return [.editIdeal(conversationID: state.conversation.id, messageID: reply.id, version: version, text: text)]
    }

    func idealEdited(
        _ state: inout ChatState, conversationID: String, messageID: String, version: Int, original: String, edited: String, now: Date
    ) -> [ChatEffect] {
        guard state.conversation.id == conversationID, let index = state.conversation.messages.firstIndex(where: { $0.id == messageID }) else {
            state.notice = ChatNotice("the conversation changed while the editor was open; nothing was saved", isError: true)
            return []
        }
        let trimmed = edited.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            state.notice = ChatNotice("the editor left no text; no ideal answer was saved")
            return []
        }
        if trimmed == original.trimmingCharacters(in: .whitespacesAndNewlines) {
            state.notice = ChatNotice("the text is unchanged; no ideal answer was saved")
            return []
        }
        // The editor was open a while: what `/ideal` needed is asked again now that it is saved.
        if let refusal = CommandRequirements.of(.ideal).refusal(state, command: SlashCommandKind.ideal.rawValue) ?? feedbackRefusal(state) {
            state.notice = refusal
            return []
        }
        let description = describe(version, of: state.conversation.messages[index])
        return record(.ideal(version: version, text: trimmed), &state, messageAt: index, now: now, done: "saved your ideal answer to \(description)")
    }

    /// "the reply", or "version 2 of the reply" for a regenerated one.
    private func describe(_ version: Int, of reply: Message) -> String {
        reply.versions.count > 1 ? "version \(version) of the reply" : "the reply"
    }
}
