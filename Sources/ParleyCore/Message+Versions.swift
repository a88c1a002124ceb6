import Foundation

/// A reply's versions (what `/retry` kept) and the feedback on them, as plain functions of the
/// message, shared by the chat screen, `parley feedback` and the exporter.
extension Message {
    /// Every version of this reply, oldest first: its alternatives, or its content alone.
    public var versions: [String] { alternatives ?? [content] }

    /// The version (1-based) the conversation shows: the one whose text is `content`, else the newest.
    public var shownVersion: Int {
        let all = versions
        return (all.firstIndex(of: content) ?? all.count - 1) + 1
    }

    /// Whether a version was written to its end: the newest one by `status`, older ones by
    /// `unfinishedVersions`. Empty text never counts as finished.
    public func isFinished(version: Int) -> Bool {
        let all = versions
        guard all.indices.contains(version - 1), !all[version - 1].isEmpty else { return false }
        if version == all.count { return status == .complete }
        return !(unfinishedVersions ?? []).contains(version)
    }

    /// Records one piece of feedback. Throws, changing nothing, when it does not fit this reply.
    /// A choice (`prefer`) leaves `content` alone: see `Conversation.applyFeedback`.
    public mutating func apply(_ change: FeedbackChange, at date: Date) throws {
        guard role == .assistant else { throw FeedbackError.notAReply }
        guard status != .streaming else { throw FeedbackError.stillStreaming }
        let count = versions.count
        var recorded = feedback ?? ReplyFeedback()
        switch change {
        case .rate(let version, let rating, let note):
            try checkVersion(version, count: count)
            let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines)
            recorded.ratings.removeAll { $0.version == version }
            recorded.ratings.append(VersionRating(version: version, rating: rating, note: trimmed?.isEmpty == false ? trimmed : nil, ratedAt: date))
            recorded.ratings.sort { $0.version < $1.version }
        case .prefer(let version):
            guard count > 1 else { throw FeedbackError.noAlternatives }
            try checkVersion(version, count: count)
            guard isFinished(version: version) else { throw FeedbackError.unfinishedVersion(version) }
            recorded.preferredVersion = version
            recorded.preferredAt = date
        case .ideal(let version, let text):
            try checkVersion(version, count: count)
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw FeedbackError.emptyIdeal }
            recorded.ideal = Demonstration(content: text, version: version, writtenAt: date)
        }
        feedback = recorded
    }

    private func checkVersion(_ version: Int, count: Int) throws {
        guard (1...count).contains(version) else { throw FeedbackError.noSuchVersion(version, count: count) }
    }

    /// This reply, regenerated from `previous`: its versions are `previousVersions` then its own
    /// text, and what was said about the old versions (ratings, choice, ideal, which were cut
    /// short) follows them to their new places, matched by text.
    public func regenerated(from previous: Message, previousVersions: [String]) -> Message {
        var reply = self
        let all = previousVersions + [content]
        guard all.count > 1 else { return reply }
        reply.alternatives = all
        let old = previous.versions
        func moved(_ version: Int) -> Int? {
            guard old.indices.contains(version - 1) else { return nil }
            return previousVersions.firstIndex(of: old[version - 1]).map { $0 + 1 }
        }
        var unfinished = (previous.unfinishedVersions ?? []).compactMap(moved)
        if previous.status != .complete, let newest = moved(old.count) { unfinished.append(newest) }
        unfinished = Array(Set(unfinished)).sorted()
        reply.unfinishedVersions = unfinished.isEmpty ? nil : unfinished
        if let feedback = previous.feedback {
            var carried = ReplyFeedback()
            for rating in feedback.ratings {
                guard let version = moved(rating.version), carried.rating(of: version) == nil else { continue }
                var kept = rating
                kept.version = version
                carried.ratings.append(kept)
            }
            if let preferred = feedback.preferredVersion.flatMap(moved) {
                carried.preferredVersion = preferred
                carried.preferredAt = feedback.preferredAt
            }
            if var ideal = feedback.ideal, let version = moved(ideal.version) {
                ideal.version = version
                carried.ideal = ideal
            }
            reply.feedback = carried.isEmpty ? nil : carried
        }
        return reply
    }
}
