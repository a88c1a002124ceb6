import Foundation
import ParleyCore

/// The contents of `index.json`: one summary per conversation file, with the stamp (size, mtime,
/// inode) of the file it was made from, so a listing only decodes files that changed.
///
/// It also keeps the stamp of the `conversations/` directory as it was before the listing looked
/// at the files, when that stamp was already `settleSeconds` old. Every save renames a file into
/// that directory (and creating, trashing or quarantining one adds or removes a name), which moves
/// its mtime, so while the directory still has that stamp no file has changed since the listing and
/// the newest conversation is known without a `stat` per file (`newest(directoryNow:)`, kept in
/// `newest.json` by `NewestConversationRecord`). The age condition keeps a write that lands in the
/// same clock tick as the stamp from going unnoticed.
struct ConversationIndex: Sendable, Equatable {
    static let currentVersion = 1
    /// How old the directory's mtime must be before the index vouches for it.
    static let settleSeconds: Double = 2

    var version: Int
    var entries: [Entry]
    /// The `conversations/` directory's stamp when the entries were taken, nil when it was too
    /// recent to vouch for (or the index was written by a build that did not record it).
    var directoryStamp: FileStamp?

    struct Entry: Sendable, Equatable {
        var summary: ConversationSummary
        var stamp: FileStamp
        /// A message was still `.streaming` when the file was read: a listing checks it for a dead
        /// writer instead of trusting the summary blindly.
        var hasStreamingMessage: Bool
    }

    init(entries: [Entry], directoryStamp: FileStamp? = nil) {
        self.version = ConversationIndex.currentVersion
        self.entries = entries
        self.directoryStamp = directoryStamp
    }

    /// The directory stamp worth recording: the one taken before a listing, when its mtime is at
    /// least `settleSeconds` older than `now`. Pure.
    static func settled(_ stamp: FileStamp?, now: Date) -> FileStamp? {
        guard let stamp else { return nil }
        let modified = Double(stamp.modifiedSeconds) + Double(stamp.modifiedNanoseconds) / 1e9
        return modified <= now.timeIntervalSince1970 - settleSeconds ? stamp : nil
    }

    /// What the index alone can say about the newest conversation.
    enum Newest: Equatable {
        /// The directory is as the index saw it: this is the newest entry (nil: there is none).
        case known(Entry?)
        /// Something may have changed (or a reply may need recovering): a listing must decide.
        case unknown
    }

    /// The newest entry when the directory still has the recorded stamp and no entry has a reply
    /// that may have been left half-written (recovering it could change the order). Pure.
    func newest(directoryNow: FileStamp?) -> Newest {
        guard let recorded = directoryStamp, let directoryNow, recorded == directoryNow else { return .unknown }
        var best: Entry?
        for entry in entries {
            if entry.hasStreamingMessage { return .unknown }
            if let current = best, !ConversationSummary.newestFirst(entry.summary, current.summary) { continue }
            best = entry
        }
        return .known(best)
    }

    /// Decodes an index file; nil when it is missing a piece, of another version or not JSON, in
    /// which case the caller rebuilds it.
    static func decode(_ data: Data) -> ConversationIndex? {
        guard let columns = try? JSONDecoder().decode(Columns.self, from: data),
            columns.version == currentVersion
        else { return nil }
        return columns.index
    }

    /// The index is a cache for listing, not a file for people: it is stored as columns of plain
    /// values (dates as numbers), which decode several times faster than one object per entry.
    func encoded() throws -> Data {
        try JSONEncoder().encode(Columns(self))
    }

    private struct Columns: Codable {
        var version: Int
        var ids: [String]
        var titles: [String]
        var createdAt: [Double]
        var updatedAt: [Double]
        var messageCounts: [Int]
        var sizes: [Int64]
        var modifiedSeconds: [Int64]
        var modifiedNanoseconds: [Int64]
        var inodes: [UInt64]
        var streaming: [Bool]
        /// Optional, so indexes without it (older builds) still decode; they just vouch for nothing.
        var directory: DirectoryStamp?

        struct DirectoryStamp: Codable {
            var size: Int64
            var modifiedSeconds: Int64
            var modifiedNanoseconds: Int64
            var inode: UInt64
        }

        init(_ index: ConversationIndex) {
            let entries = index.entries
            version = index.version
            ids = entries.map(\.summary.id)
            titles = entries.map(\.summary.title)
            createdAt = entries.map { $0.summary.createdAt.timeIntervalSinceReferenceDate }
            updatedAt = entries.map { $0.summary.updatedAt.timeIntervalSinceReferenceDate }
            messageCounts = entries.map(\.summary.messageCount)
            sizes = entries.map(\.stamp.size)
            modifiedSeconds = entries.map(\.stamp.modifiedSeconds)
            modifiedNanoseconds = entries.map(\.stamp.modifiedNanoseconds)
            inodes = entries.map(\.stamp.inode)
            streaming = entries.map(\.hasStreamingMessage)
            directory = index.directoryStamp.map {
                DirectoryStamp(
                    size: $0.size, modifiedSeconds: $0.modifiedSeconds, modifiedNanoseconds: $0.modifiedNanoseconds,
                    inode: $0.inode)
            }
        }

        /// The entries, or nil when the columns do not line up.
        var index: ConversationIndex? {
            let count = ids.count
            let counts = [
                titles.count, createdAt.count, updatedAt.count, messageCounts.count, sizes.count,
                modifiedSeconds.count, modifiedNanoseconds.count, inodes.count, streaming.count,
            ]
            guard counts.allSatisfy({ $0 == count }) else { return nil }
            var entries: [Entry] = []
            entries.reserveCapacity(count)
            for i in 0..<count {
                entries.append(
                    Entry(
                        summary: ConversationSummary(
                            id: ids[i], title: titles[i], createdAt: Date(timeIntervalSinceReferenceDate: createdAt[i]),
                            updatedAt: Date(timeIntervalSinceReferenceDate: updatedAt[i]), messageCount: messageCounts[i]),
                        stamp: FileStamp(
                            size: sizes[i], modifiedSeconds: modifiedSeconds[i],
                            modifiedNanoseconds: modifiedNanoseconds[i], inode: inodes[i]),
                        hasStreamingMessage: streaming[i]))
            }
            let stamp = directory.map {
                FileStamp(size: $0.size, modifiedSeconds: $0.modifiedSeconds, modifiedNanoseconds: $0.modifiedNanoseconds, inode: $0.inode)
            }
            return ConversationIndex(entries: entries, directoryStamp: stamp)
        }
    }

    /// Which entries can be reused as they are and which files must be decoded, given the stamps of
    /// the files on disk now. Pure.
    static func plan(stamps: [String: FileStamp], previous: ConversationIndex?) -> Plan {
        var byID: [String: Entry] = [:]
        for entry in previous?.entries ?? [] { byID[entry.summary.id] = entry }
        var plan = Plan()
        for (id, stamp) in stamps {
            if let entry = byID[id], entry.stamp == stamp {
                plan.reusable.append(entry)
            } else {
                plan.toDecode.append(id)
            }
        }
        plan.removedCount = byID.keys.filter { stamps[$0] == nil }.count
        plan.toDecode.sort()
        return plan
    }

    struct Plan: Equatable {
        var reusable: [Entry] = []
        var toDecode: [String] = []
        var removedCount = 0
    }
}
