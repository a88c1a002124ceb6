import Foundation
import ParleyCore

/// The contents of `index.json`: one summary per conversation file, with the stamp (size, mtime,
/// inode) of the file it was made from, so a listing only decodes files that changed.
struct ConversationIndex: Sendable, Equatable {
    static let currentVersion = 1

    var version: Int
    var entries: [Entry]

    struct Entry: Sendable, Equatable {
        var summary: ConversationSummary
        var stamp: FileStamp
        /// A message was still `.streaming` when the file was read: a listing checks it for a dead
        /// writer instead of trusting the summary blindly.
        var hasStreamingMessage: Bool
    }

    init(entries: [Entry]) {
        self.version = ConversationIndex.currentVersion
        self.entries = entries
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
            return ConversationIndex(entries: entries)
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
