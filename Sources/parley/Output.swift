import Foundation
import ParleyCore
import ParleyStore

/// JSON printed by commands: the same conventions as the files on disk.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        try ParleyJSON.string(value)
    }
}

/// A conversation in `history list --json`.
struct SummaryJSON: Encodable {
    var id: String
    var title: String
    var createdAt: Date
    var updatedAt: Date
    var messageCount: Int

    init(_ summary: ConversationSummary) {
        id = summary.id
        title = summary.title
        createdAt = summary.createdAt
        updatedAt = summary.updatedAt
        messageCount = summary.messageCount
    }
}

/// A match in `history search --json`.
struct SearchHitJSON: Encodable {
    var id: String
    var title: String
    var messageId: String?
    var snippet: String

    init(_ hit: SearchHit) {
        id = hit.conversation.id
        title = hit.conversation.title
        messageId = hit.messageID
        snippet = hit.snippet
    }
}

/// Human-readable listings.
enum HistoryText {
    static func table(_ summaries: [ConversationSummary]) -> String {
        if summaries.isEmpty { return "" }
        return summaries.map { s in
            let when = Date.ISO8601FormatStyle().format(s.updatedAt)
            return "\(s.id)  \(when)  \(String(format: "%4d", s.messageCount)) msgs  \(oneLine(s.title))"
        }.joined(separator: "\n") + "\n"
    }

    static func hits(_ hits: [SearchHit]) -> String {
        hits.map { "\($0.conversation.id)  \(oneLine($0.conversation.title))\n    \(oneLine($0.snippet))" }
            .joined(separator: "\n") + (hits.isEmpty ? "" : "\n")
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// Files the user asked a command to write: created private (0600), replaced atomically.
enum FileOutput {
    struct Failure: UserFacingError {
        var path: String
        var reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }

    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure(path: path, reason: "the directory \(directory.path) does not exist")
        }
        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).parley-\(getpid()).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temp.path)
                throw Failure(path: path, reason: reason)
            }
            offset += n
        }
        fchmod(fd, 0o600)
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(temp.path)
            throw Failure(path: path, reason: reason)
        }
        close(fd)
        if rename(temp.path, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temp.path)
            throw Failure(path: path, reason: reason)
        }
    }
}
