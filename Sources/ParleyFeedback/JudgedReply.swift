import ParleyCore
import ParleyEngine

/// One rated, chosen or corrected reply, reduced to what training needs: the prompt it answered
/// (system prompt, then every earlier turn as the model was sent it), its good and bad finished
/// versions, and the pairs of a better and a worse answer. Interrupted and failed versions are in
/// neither list.
public struct JudgedReply: Sendable, Equatable {
    public var conversationID: String
    public var messageID: String
    public var persona: String?
    public var model: String?
    public var prompt: [ChatMessage]
    /// Answers judged good: the ideal answer, the chosen version, up-rated versions (no repeats).
    public var good: [String]
    /// Answers judged bad: down-rated versions and those passed over by a choice.
    public var bad: [String]
    /// Better against worse: the chosen version against each other one, the ideal answer against
    /// the version it corrects, each up-rated version against each down-rated one.
    public var pairs: [Pair]

    public struct Pair: Sendable, Equatable {
        public var chosen: String
        public var rejected: String
    }

    /// The judged replies of a conversation, oldest first. `systemPrompt` is the prompt of the
    /// conversation's persona (nil when it has none or is unknown).
    public static func all(in conversation: Conversation, systemPrompt: String?, selection: FeedbackSelection = FeedbackSelection()) -> [JudgedReply] {
        conversation.messages.indices.compactMap { index in
            let reply = conversation.messages[index]
            guard reply.role == .assistant, reply.status != .streaming, let feedback = reply.feedback, !feedback.isEmpty,
                selection.includes(reply, of: conversation)
            else { return nil }
            let prompt = PromptBuilder.messages(systemPrompt: systemPrompt, examples: [], history: Array(conversation.messages[..<index]))
            return JudgedReply(conversation: conversation, reply: reply, feedback: feedback, prompt: prompt)
        }
    }

    init(conversation: Conversation, reply: Message, feedback: ReplyFeedback, prompt: [ChatMessage]) {
        conversationID = conversation.id
        messageID = reply.id
        persona = conversation.persona
        model = reply.model
        self.prompt = prompt
        let versions = reply.versions
        let finished = versions.indices.map { $0 + 1 }.filter { reply.isFinished(version: $0) }
        func text(_ version: Int) -> String { versions[version - 1] }
        let preferred = feedback.preferredVersion.flatMap { finished.contains($0) ? $0 : nil }

        var good: [String] = []
        var bad: [String] = []
        if let ideal = feedback.ideal { good.append(ideal.content) }
        for version in finished {
            if version == preferred {
                good.append(text(version))
            } else if let rating = feedback.rating(of: version) {
                if rating.rating == .up { good.append(text(version)) } else { bad.append(text(version)) }
            } else if preferred != nil {
                bad.append(text(version))
            }
        }
        let goodTexts = JudgedReply.unique(good)
        self.good = goodTexts
        self.bad = JudgedReply.unique(bad).filter { !goodTexts.contains($0) }

        var pairs: [Pair] = []
        if let preferred {
            pairs += finished.filter { $0 != preferred }.map { Pair(chosen: text(preferred), rejected: text($0)) }
        }
        if let ideal = feedback.ideal, finished.contains(ideal.version) {
            pairs.append(Pair(chosen: ideal.content, rejected: text(ideal.version)))
        }
        let ups = finished.filter { feedback.rating(of: $0)?.rating == .up }
        let downs = finished.filter { feedback.rating(of: $0)?.rating == .down }
        for up in ups {
            pairs += downs.map { Pair(chosen: text(up), rejected: text($0)) }
        }
        var seen: [Pair] = []
        for pair in pairs where pair.chosen != pair.rejected && !seen.contains(pair) { seen.append(pair) }
        self.pairs = seen
    }

    private static func unique(_ texts: [String]) -> [String] {
        var seen: [String] = []
        for text in texts where !seen.contains(text) { seen.append(text) }
        return seen
    }
}
