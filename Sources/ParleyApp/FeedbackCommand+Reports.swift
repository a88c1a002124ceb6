import ArgumentParser
import Foundation
import ParleyCore
import ParleyFeedback
import ParleyPersonas
import ParleyStore

extension FeedbackCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List ratings, choices and ideal answers, oldest conversation first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: FeedbackFilterOptions
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let entries = try FeedbackCommand.conversations(global: global).flatMap { FeedbackEntry.all(in: $0, selection: filter.selection) }
            if json {
                Console.out(try JSONOutput.encode(entries) + "\n")
                return
            }
            if entries.isEmpty { Console.status("no feedback yet: rate replies with /rate in the chat or 'parley feedback rate'") }
            Console.out(entries.map(FeedbackCommand.line).joined())
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count feedback by persona, model and kind.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: FeedbackFilterOptions

        func run() async throws {
            let entries = try FeedbackCommand.conversations(global: global).flatMap { FeedbackEntry.all(in: $0, selection: filter.selection) }
            Console.out(FeedbackStats(entries).table)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export feedback as JSONL for fine-tuning (TRL or OpenAI formats).",
            discussion: """
                sft: {"messages"} ending in an ideal, chosen or up-rated reply. dpo: {"prompt","chosen","rejected"}. \
                kto: {"prompt","completion","label"}. openai-sft: {"messages"}, earlier replies weighted 0. \
                openai-dpo: {"input":{"messages"},"preferred_output","non_preferred_output"}. Every row starts with the \
                persona's system prompt and the turns before the reply; interrupted and failed replies are left out.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: FeedbackFilterOptions
        @Option(help: "sft, dpo, kto, openai-sft or openai-dpo.") var format: FeedbackExportFormat
        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file")) var output: String?
        @Flag(help: "Let -o replace an existing file.") var force = false
        @Option(help: ArgumentHelp("Replace this word with [redacted] everywhere (repeatable).", valueName: "word")) var redact: [String] = []

        func validate() throws {
            if force && output == nil { throw ValidationError("--force only applies with -o FILE") }
        }

        func run() async throws {
            let context = try AppContext(global: global)
            // Checked first, so that a refusal costs no reading.
            if let output { try OutputFile.check(output, force: force) }
            let personas = try context.loadPersonas()
            let replies = try FeedbackCommand.conversations(global: global).flatMap { conversation in
                let prompt = conversation.persona.flatMap { try? personas.persona(named: $0).systemPrompt }
                return JudgedReply.all(in: conversation, systemPrompt: prompt, selection: filter.selection)
            }
            let rows = FeedbackExporter(format: format, redacting: redact).rows(for: replies)
            let data = try FeedbackExporter.jsonLines(rows)
            if let output {
                try OutputFile.write(data, to: output, force: force)
                Console.status("exported \(rows.count) \(format.rawValue) row\(rows.count == 1 ? "" : "s") from \(replies.count) repl\(replies.count == 1 ? "y" : "ies") to \(output)")
            } else {
                Console.out(String(decoding: data, as: UTF8.self))
            }
        }
    }

    /// Every readable conversation, oldest first; one that cannot be read is named and skipped.
    static func conversations(global: GlobalOptions) throws -> [Conversation] {
        let store = try AppContext(global: global).openStore()
        return try store.list().reversed().compactMap { summary in
            do {
                return try store.load(id: summary.id).conversation
            } catch {
                Console.status("skipped conversation \(summary.id): \(oneLineDescription(of: error))")
                return nil
            }
        }
    }

    /// `ID:N  kind  vV  note or text`, one line, the text cut short.
    static func line(_ entry: FeedbackEntry) -> String {
        let detail = entry.note.map { "(\($0)) " } ?? ""
        var text = Console.oneLine(entry.text)
        if text.count > 60 { text = String(text.prefix(59)) + "…" }
        return "\(entry.address)  \(entry.kind.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))  v\(entry.version)  \(Console.oneLine(detail))\(text)\n"
    }
}
