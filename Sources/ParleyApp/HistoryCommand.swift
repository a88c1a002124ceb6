import ArgumentParser
import Foundation
import ParleyCore
import ParleyStore

/// `parley history ...`: look through, export and tidy stored conversations.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List, show, search, export and delete stored conversations.",
        subcommands: [List.self, Show.self, Search.self, Export.self, Remove.self, Restore.self, Trash.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List conversations, newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON array (id, title, updatedAt, messageCount).") var json = false
        @Option(help: "Show at most N conversations.") var limit: Int?

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let store = try AppContext(global: global).openStore()
            let summaries = try store.list(limit: limit)
            if json {
                Console.out(try JSONOutput.encode(summaries.map(SummaryJSON.init)) + "\n")
            } else {
                Console.out(HistoryText.table(summaries))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one conversation.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The conversation's id (or a unique prefix).") var id: String
        @Flag(help: "Print the stored JSON.") var json = false

        func run() async throws {
            let store = try AppContext(global: global).openStore()
            let stored = try store.load(id: try store.resolve(id))
            if let reason = stored.readOnlyReason { Console.status(reason) }
            if json {
                Console.out(try JSONOutput.encode(stored.conversation) + "\n")
            } else {
                Console.out(TranscriptFormatter.plainText(stored.conversation))
            }
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search all conversations (case-insensitive).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The text to look for.") var text: String
        @Flag(help: "Print a JSON array of matches.") var json = false

        func validate() throws {
            if text.isEmpty { throw ValidationError("the search text is empty") }
        }

        func run() async throws {
            let store = try AppContext(global: global).openStore()
            let hits = try store.search(text)
            if json {
                Console.out(try JSONOutput.encode(hits.map(SearchHitJSON.init)) + "\n")
            } else {
                Console.out(HistoryText.hits(hits))
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export a conversation as Markdown or JSON.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The conversation's id (or a unique prefix).") var id: String
        @Option(help: "md or json.") var format: ExportFormat = .md
        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
        var output: String?
        @Flag(help: "Let -o replace an existing file.") var force = false

        func validate() throws {
            if force && output == nil { throw ValidationError("--force only applies with -o FILE") }
        }

        func run() async throws {
            let store = try AppContext(global: global).openStore()
            let conversation = try store.load(id: try store.resolve(id)).conversation
            let text: String
            switch format {
            case .md: text = TranscriptFormatter.markdown(conversation)
            case .json: text = try JSONOutput.encode(conversation) + "\n"
            }
            if let output {
                try OutputFile.write(Data(text.utf8), to: output, force: force)
                Console.status("exported \(conversation.id) to \(output)")
            } else {
                Console.out(text)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Move a conversation to the trash (undo with 'history restore').")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The conversation's id (or a unique prefix).") var id: String

        func run() async throws {
            let store = try AppContext(global: global).openStore()
            let resolved = try store.resolve(id)
            try store.trash(id: resolved)
            Console.status("moved \(resolved) to the trash; 'parley history restore \(resolved)' brings it back")
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring a conversation back from the trash.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The conversation's id (or a unique prefix of it).") var id: String

        func run() async throws {
            let store = try AppContext(global: global).openStore()
            let resolved = try store.resolveInTrash(id)
            try store.restore(id: resolved)
            Console.status("restored \(resolved)")
        }
    }

    struct Trash: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List conversations in the trash.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let store = try AppContext(global: global).openStore()
            let summaries = try store.listTrash()
            if json {
                Console.out(try JSONOutput.encode(summaries.map(SummaryJSON.init)) + "\n")
            } else {
                Console.out(HistoryText.table(summaries))
            }
        }
    }
}

enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case md, json
}
