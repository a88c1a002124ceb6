import Foundation
import ParleyCore

/// The contents of `index.json`: one summary per conversation file, with the stamp (size, mtime,
/// inode) of the file it was made from, so a listing only decodes files that changed.
struct ConversationIndex: Codable, Sendable, Equatable {
    static let currentVersion = 1

    var version: Int
    var entries: [Entry]

    struct Entry: Codable, Sendable, Equatable {
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
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let index = try? decoder.decode(ConversationIndex.self, from: data),
            index.version == currentVersion
        else { return nil }
        return index
    }

    /// Dates are plain numbers here (exact, and much faster to read back than ISO-8601 text):
    /// the index is a cache for listing, not a file for people.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return try encoder.encode(self)
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
