import ArgumentParser
import Foundation
import ParleyCore
import ParleyStore

/// `parley cache ...`: the local model's saved conversation states (`<storage>/cache/`).
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "List or clear the local model's saved conversation states.",
        discussion: """
            The local model's state of a conversation is saved when 'parley ask' has replied and when \
            the chat screen leaves the conversation, so that 'parley ask --continue' or reopening the \
            conversation evaluates only the new message. \
            A state is used only with the same model file and settings, and is checked whole before \
            use; the least recently used go first past \(ByteCountText.describe(Int(SessionCache.defaultCapacity))).
            """,
        subcommands: [List.self, Clear.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List saved states, most recently used first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON array (conversationId, bytes, lastUsed).") var json = false

        struct EntryJSON: Encodable {
            var conversationId: String
            var bytes: Int64
            var lastUsed: Date
        }

        func run() async throws {
            let context = try AppContext(global: global)
            let cache = SessionCache(storage: context.storageDirectory)
            let entries = Array(cache.entries().reversed())
            if json {
                Console.out(try JSONOutput.encode(entries.map { EntryJSON(conversationId: $0.key, bytes: $0.bytes, lastUsed: $0.lastUsed) }) + "\n")
                return
            }
            var out = entries.map { entry in
                "\(entry.key)  \(Date.ISO8601FormatStyle().format(entry.lastUsed))  \(ByteCountText.describe(Int(entry.bytes)))"
            }.joined(separator: "\n")
            if !out.isEmpty { out += "\n" }
            let total = entries.reduce(Int64(0)) { $0 + $1.bytes }
            Console.out(out)
            Console.status(
                "\(entries.count) saved state(s), \(ByteCountText.describe(Int(total))) of \(ByteCountText.describe(Int(cache.capacity))) in \(cache.directory.path)")
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove saved states: all, or those of the conversations named.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Conversation ids (whole ids, as 'cache list' shows them).") var ids: [String] = []

        func run() async throws {
            let cache = SessionCache(storage: try AppContext(global: global).storageDirectory)
            if ids.isEmpty {
                let (files, bytes) = cache.clear()
                Console.status("removed \(files) saved state(s), \(ByteCountText.describe(Int(bytes)))")
                return
            }
            let known = Dictionary(cache.entries().map { ($0.key, $0.bytes) }, uniquingKeysWith: { a, _ in a })
            for id in ids {
                guard let bytes = known[id] else { throw ValidationError("no saved state for \(id); 'parley cache list' shows them") }
                try cache.remove(key: id)
                Console.status("removed the saved state of \(id), \(ByteCountText.describe(Int(bytes)))")
            }
        }
    }
}
