import ArgumentParser
import Foundation
import ParleyCore
import ParleyFeedback
import ParleyStore

/// `parley feedback ...`: rate, choose and correct replies from the command line, look through
/// what was given, and export it for fine-tuning.
struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Rate, choose and correct replies; list, count and export the feedback for fine-tuning.",
        subcommands: [Rate.self, Prefer.self, Ideal.self, List.self, Stats.self, Export.self])

    struct Rate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rate a reply up or down.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The conversation (id or unique prefix), and after a colon the reply: its number or message id (default: the last).", valueName: "id[:message]"))
        var address: String
        @Argument(help: "up or down.") var rating: Rating
        @Option(help: "Why, in a few words.") var note: String?
        @Option(help: "Which version of a regenerated reply (default: the one shown).") var version: Int?

        func run() async throws {
            let change = try FeedbackCommand.record(global: global, address) { reply in
                .rate(version: version ?? reply.shownVersion, rating, note: note)
            }
            Console.status(change)
        }
    }

    struct Prefer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Choose one version of a regenerated reply; the other versions count as rejected.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The conversation and the reply, as for rate.", valueName: "id:message")) var address: String
        @Argument(help: "The version to choose, counting from 1.") var alternative: Int

        func run() async throws {
            Console.status(try FeedbackCommand.record(global: global, address) { _ in .prefer(version: alternative) })
        }
    }

    struct Ideal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the answer you wanted instead of a reply (a demonstration).",
            discussion: "The answer comes from --text, from --file, or from standard input.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The conversation and the reply, as for rate.", valueName: "id:message")) var address: String
        @Option(help: "The ideal answer.") var text: String?
        @Option(help: "Read the ideal answer from this file.") var file: String?
        @Option(help: "Which version of a regenerated reply it corrects (default: the one shown).") var version: Int?

        func validate() throws {
            if text != nil && file != nil { throw ValidationError("give the answer once: --text or --file, not both") }
        }

        func run() async throws {
            let limit = SizeLimits.defaultMaxInputBytes
            let answer: String
            if let text {
                answer = text
            } else if let file {
                do {
                    answer = String(decoding: try BoundedFile.read(file, limit: limit), as: UTF8.self)
                } catch {
                    throw ValidationError("--file \(file): \(error.description)")
                }
            } else if !Console.stdinIsTerminal {
                answer = try Console.readStandardInput(limit: limit)
            } else {
                throw ValidationError("no answer given: use --text TEXT, --file FILE, or pipe it on standard input")
            }
            let trimmed = answer.trimmingCharacters(in: .whitespacesAndNewlines)
            Console.status(try FeedbackCommand.record(global: global, address) { reply in
                .ideal(version: version ?? reply.shownVersion, text: trimmed)
            })
        }
    }

    /// Applies one change to the addressed reply under the store's lock; returns the line to show.
    static func record(global: GlobalOptions, _ address: String, _ change: @escaping (Message) -> FeedbackChange) throws -> String {
        let parsed = try ReplyAddress.parse(address)
        let store = try AppContext(global: global).openStore()
        let id = try store.resolve(parsed.conversation)
        var done = ""
        try store.update(id: id) { conversation in
            let index = try parsed.index(in: conversation)
            let reply = conversation.messages[index]
            let made = change(reply)
            try conversation.applyFeedback(made, toMessage: reply.id, at: Date())
            let number = (conversation.replyIndices.firstIndex(of: index) ?? 0) + 1
            done = FeedbackCommand.describe(made, address: "\(id):\(number)", versions: reply.versions.count)
        }
        return done
    }

    static func describe(_ change: FeedbackChange, address: String, versions: Int) -> String {
        func of(_ version: Int) -> String { versions > 1 ? "version \(version) of reply \(address)" : "reply \(address)" }
        switch change {
        case .rate(let version, let rating, _): return "rated \(of(version)) \(rating.rawValue)"
        case .prefer(let version): return "chose \(of(version)); the other \(versions - 1) rejected"
        case .ideal(let version, _): return "saved the ideal answer to \(of(version))"
        }
    }
}

extension Rating: ExpressibleByArgument {}
extension FeedbackExportFormat: ExpressibleByArgument {}
