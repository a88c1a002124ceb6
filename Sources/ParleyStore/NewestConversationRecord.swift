import Foundation
import ParleyCore

/// The contents of `newest.json`: which conversation was the newest when the `conversations/`
/// directory had a given (settled) stamp. Written next to `index.json` by a listing, so that
/// `mostRecent()` (`parley --continue`) reads a few hundred bytes instead of decoding the whole
/// index: while the directory keeps that stamp, nothing has been saved, added or removed since
/// (see `ConversationIndex`), and the record still holds.
///
/// A cache only: missing, unreadable or stale, it is ignored and a listing answers instead.
struct NewestConversationRecord: Sendable, Equatable {
    static let currentVersion = 1

    var directoryStamp: FileStamp
    /// The newest conversation then, nil when there was none.
    var entry: ConversationIndex.Entry?

    func encoded() throws -> Data {
        try JSONEncoder().encode(Fields(self))
    }

    /// Nil for anything but a complete record of this version.
    static func decode(_ data: Data) -> NewestConversationRecord? {
        guard let fields = try? JSONDecoder().decode(Fields.self, from: data), fields.version == currentVersion else { return nil }
        return fields.record
    }

    private struct Stamp: Codable {
        var size: Int64
        var modifiedSeconds: Int64
        var modifiedNanoseconds: Int64
        var inode: UInt64

        init(_ stamp: FileStamp) {
            size = stamp.size
            modifiedSeconds = stamp.modifiedSeconds
            modifiedNanoseconds = stamp.modifiedNanoseconds
            inode = stamp.inode
        }

        var fileStamp: FileStamp {
            FileStamp(size: size, modifiedSeconds: modifiedSeconds, modifiedNanoseconds: modifiedNanoseconds, inode: inode)
        }
    }

    private struct Newest: Codable {
        var id: String
        var title: String
        var createdAt: Double
        var updatedAt: Double
        var messageCount: Int
        var file: Stamp
    }

    private struct Fields: Codable {
        var version: Int
        var directory: Stamp
        var newest: Newest?

        init(_ record: NewestConversationRecord) {
            version = NewestConversationRecord.currentVersion
            directory = Stamp(record.directoryStamp)
            newest = record.entry.map {
                Newest(
                    id: $0.summary.id, title: $0.summary.title,
                    createdAt: $0.summary.createdAt.timeIntervalSinceReferenceDate,
                    updatedAt: $0.summary.updatedAt.timeIntervalSinceReferenceDate, messageCount: $0.summary.messageCount,
                    file: Stamp($0.stamp))
            }
        }

        var record: NewestConversationRecord {
            NewestConversationRecord(
                directoryStamp: directory.fileStamp,
                entry: newest.map {
                    ConversationIndex.Entry(
                        summary: ConversationSummary(
                            id: $0.id, title: $0.title, createdAt: Date(timeIntervalSinceReferenceDate: $0.createdAt),
                            updatedAt: Date(timeIntervalSinceReferenceDate: $0.updatedAt), messageCount: $0.messageCount),
                        stamp: $0.file.fileStamp, hasStreamingMessage: false)
                })
        }
    }
}
