import Foundation
import ParleyCore

/// Where each file of a storage root lives. Pure path arithmetic; callers validate ids first.
struct StoreLayout: Sendable {
    let root: URL

    var conversations: URL { root.appendingPathComponent("conversations", isDirectory: true) }
    var quarantine: URL { root.appendingPathComponent("quarantine", isDirectory: true) }
    var trash: URL { root.appendingPathComponent("trash", isDirectory: true) }
    var locks: URL { root.appendingPathComponent("locks", isDirectory: true) }
    var index: URL { root.appendingPathComponent("index.json", isDirectory: false) }
    /// The newest conversation as of the last listing (see `NewestConversationRecord`).
    var newest: URL { root.appendingPathComponent("newest.json", isDirectory: false) }

    /// Every directory the store owns, root first.
    var directories: [URL] { [root, conversations, quarantine, trash, locks] }

    func conversationFile(_ id: String) -> URL {
        conversations.appendingPathComponent(id + StoreLayout.conversationSuffix, isDirectory: false)
    }

    func inflightFile(_ id: String) -> URL {
        conversations.appendingPathComponent(id + StoreLayout.inflightSuffix, isDirectory: false)
    }

    func trashFile(_ id: String) -> URL {
        trash.appendingPathComponent(id + StoreLayout.conversationSuffix, isDirectory: false)
    }

    func conversationLock(_ id: String) -> URL {
        locks.appendingPathComponent(id + ".lock", isDirectory: false)
    }

    func streamLock(_ id: String) -> URL {
        locks.appendingPathComponent(id + ".stream.lock", isDirectory: false)
    }

    static let conversationSuffix = ".json"
    static let inflightSuffix = ".inflight.json"

    /// The conversation id a file name in `conversations/` or `trash/` stands for, if it is one.
    /// Side files (`<id>.inflight.json`), temp files and stray names are not conversations.
    static func conversationID(fromFileName name: String) -> String? {
        guard name.hasSuffix(conversationSuffix), !name.hasSuffix(inflightSuffix) else { return nil }
        let id = String(name.dropLast(conversationSuffix.count))
        return Identifier.isValid(id) ? id : nil
    }

    /// The conversation id of a side file name, if it is one.
    static func conversationID(fromInflightName name: String) -> String? {
        guard name.hasSuffix(inflightSuffix) else { return nil }
        let id = String(name.dropLast(inflightSuffix.count))
        return Identifier.isValid(id) ? id : nil
    }
}
