import Foundation
import ParleyCore

extension ConversationStore {
    /// Conversations, newest `updatedAt` first. Decodes only files that are new or changed since
    /// `index.json` was written (by size, mtime and inode), and rewrites the index only when
    /// something changed. Unreadable files are quarantined and left out.
    public func list(limit: Int? = nil) throws -> [ConversationSummary] {
        // Taken before anything is read, so a change made while listing shows as a different stamp.
        let directoryBefore = Platform.stamp(ofPath: layout.conversations.path)
        let names = Platform.fileNames(in: layout.conversations)
        let ids = names.compactMap(StoreLayout.conversationID(fromFileName:))
        let idSet = Set(ids)
        var stamps: [String: FileStamp] = [:]
        stamps.reserveCapacity(ids.count)
        let found = Platform.stamps(in: layout.conversations, names: ids.map { $0 + StoreLayout.conversationSuffix })
        for (id, stamp) in zip(ids, found) {
            if let stamp { stamps[id] = stamp }
        }
        let previous = readIndex()
        let plan = ConversationIndex.plan(stamps: stamps, previous: previous)
        var entries: [String: ConversationIndex.Entry] = [:]
        for entry in plan.reusable { entries[entry.summary.id] = entry }
        var changed = previous == nil || plan.removedCount > 0
        for id in plan.toDecode {
            changed = true
            if let entry = indexEntry(for: id) { entries[id] = entry }
        }

        // Replies that may have been left half-written: fold them in when their writer is gone.
        let inflightIDs = names.compactMap(StoreLayout.conversationID(fromInflightName:)).filter(idSet.contains)
        let suspects = Set(inflightIDs).union(entries.values.filter(\.hasStreamingMessage).map(\.summary.id))
        for id in suspects.sorted() where entries[id] != nil && !isStreamingNow(id) {
            _ = try? load(id: id)
            entries[id] = indexEntry(for: id)
            changed = true
        }

        let directoryStamp = ConversationIndex.settled(directoryBefore, now: Date())
        // A directory that changed lately but holds the same files needs no new index: the stamp
        // the old one recorded no longer matches, so it vouches for nothing anyway.
        if changed || (directoryStamp != nil && previous?.directoryStamp != directoryStamp) {
            let index = ConversationIndex(entries: entries.values.sorted { $0.summary.id < $1.summary.id }, directoryStamp: directoryStamp)
            writeIndex(index)
            writeNewest(index)
        }
        if limit == 1 {
            // The newest alone (`--continue` after a save): one pass instead of sorting them all.
            return entries.values.map(\.summary).min(by: ConversationSummary.newestFirst).map { [$0] } ?? []
        }
        let summaries = entries.values.map(\.summary).sorted(by: ConversationSummary.newestFirst)
        if let limit { return Array(summaries.prefix(max(limit, 0))) }
        return summaries
    }

    /// The conversation updated last, if any (what `parley --continue` opens).
    ///
    /// When `newest.json` vouches for the `conversations/` directory as it is now (see
    /// `NewestConversationRecord`), the answer comes from it and one `stat` of the winning file, with
    /// no look at the other files or at the index; otherwise (no record, anything added, saved,
    /// removed or half-written since the last listing) it is a full listing, which also writes the
    /// record for next time once the directory has settled.
    public func mostRecent() throws -> ConversationSummary? {
        if let (data, _) = try? Platform.readFile(layout.newest), let record = NewestConversationRecord.decode(data),
            record.directoryStamp == Platform.stamp(ofPath: layout.conversations.path)
        {
            guard let entry = record.entry else { return nil }
            if Platform.stamp(ofPath: layout.conversationFile(entry.summary.id).path) == entry.stamp { return entry.summary }
        }
        return try list(limit: 1).first
    }

    /// Case-insensitive search of titles and message contents (any script, CJK included). One hit
    /// per matching stored title and per matching message, newest conversations first.
    public func search(_ text: String) throws -> [SearchHit] {
        guard !text.isEmpty else { return [] }
        var hits: [SearchHit] = []
        for summary in try list() {
            guard let stored = try? load(id: summary.id) else { continue }
            let conversation = stored.conversation
            let current = ConversationSummary(conversation)
            // An untitled conversation shows its first message as title: that message's hit covers it.
            let title = conversation.title
            if !title.isEmpty, let range = title.range(of: text, options: [.caseInsensitive]) {
                hits.append(SearchHit(conversation: current, messageID: nil, snippet: SearchSnippet.make(title, around: range)))
            }
            for message in conversation.messages {
                if let range = message.content.range(of: text, options: [.caseInsensitive]) {
                    hits.append(
                        SearchHit(
                            conversation: current, messageID: message.id,
                            snippet: SearchSnippet.make(message.content, around: range)))
                }
            }
        }
        return hits
    }

    /// True when some process holds the conversation's stream lock (a reply is arriving).
    func isStreamingNow(_ id: String) -> Bool {
        guard let lock = try? FileLock.tryAcquire(layout.streamLock(id), diagnostics: diagnostics) else {
            return true
        }
        lock.release()
        return false
    }

    /// A fresh index entry for one file, or nil when it is gone or unreadable (then quarantined) or
    /// not Parley's own file (then reported and left alone).
    func indexEntry(for id: String) -> ConversationIndex.Entry? {
        let read: (decoded: ConversationCoding.Decoded, stamp: FileStamp)?
        do {
            read = try readStamped(id, holdingLock: false)
        } catch let error as StoreError {
            if case .notOwnFile = error { diagnostics(error.description) }
            return nil
        } catch {
            return nil
        }
        guard let (decoded, stamp) = read else { return nil }
        switch decoded {
        case .current(let conversation):
            return ConversationIndex.Entry(
                summary: ConversationSummary(conversation), stamp: stamp,
                hasStreamingMessage: conversation.messages.contains { $0.status == .streaming })
        case .newer(let conversation, _, _):
            return ConversationIndex.Entry(
                summary: ConversationSummary(conversation), stamp: stamp, hasStreamingMessage: false)
        }
    }

    func readIndex() -> ConversationIndex? {
        guard let (data, _) = try? Platform.readFile(layout.index) else { return nil }
        guard let index = ConversationIndex.decode(data) else {
            diagnostics("index.json was unreadable; rebuilding it from the conversation files")
            return nil
        }
        return index
    }

    /// Records the newest conversation for `mostRecent()` when the index vouches for the directory;
    /// otherwise removes an older record, so none can outlive the index it came from.
    func writeNewest(_ index: ConversationIndex) {
        guard let stamp = index.directoryStamp, case .known(let entry) = index.newest(directoryNow: stamp) else {
            Platform.removeFile(layout.newest)
            return
        }
        do {
            try atomicFile.write(
                try NewestConversationRecord(directoryStamp: stamp, entry: entry).encoded(), to: layout.newest, durable: false)
        } catch {
            diagnostics("could not update newest.json (--continue still works, only slower): \(oneLineDescription(of: error))")
        }
    }

    func writeIndex(_ index: ConversationIndex) {
        do {
            try atomicFile.write(try index.encoded(), to: layout.index, durable: false)
        } catch {
            diagnostics("could not update index.json (listing still works, only slower): \(oneLineDescription(of: error))")
        }
    }
}
