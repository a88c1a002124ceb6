import ArgumentParser
import Foundation
import ParleyCore
import ParleyWrite

extension WriteCommand {
    /// `parley write drafts`: the stored drafts.
    struct Drafts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored drafts, newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON array of the drafts.") var json = false

        func run() async throws {
            let all = try AppContext(global: global).openDrafts().list()
            if json {
                Console.out(try JSONOutput.encode(all) + "\n")
                return
            }
            Console.out(all.map { draft in
                let when = Date.ISO8601FormatStyle().format(draft.updatedAt)
                let count = "\(String(format: "%2d", draft.versionCount)) \(draft.versionCount == 1 ? "version " : "versions")"
                return "\(draft.id)  \(when)  \(count)  \(Console.oneLine(draft.title))\n"
            }.joined())
        }
    }

    /// `parley write versions DRAFT [N]`: a draft's versions, or one of them.
    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a draft's versions, or print one of them.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The draft (an id or a unique prefix).", valueName: "draft")) var draft: String
        @Argument(help: ArgumentHelp("The version to print.", valueName: "n")) var number: Int?
        @Flag(help: "Print the draft record (or the version) as JSON.") var json = false

        func run() async throws {
            let store = try AppContext(global: global).openDrafts()
            let draft = try store.load(id: try store.resolve(self.draft))
            if let number {
                let version = try draft.version(number)
                Console.out(json ? try JSONOutput.encode(version) + "\n" : version.text + "\n")
            } else if json {
                Console.out(try JSONOutput.encode(draft) + "\n")
            } else {
                Console.out(Self.listing(draft))
            }
        }

        /// One line per version: the current one starred, when, by which backend and model, and why.
        static func listing(_ draft: Draft) -> String {
            var out = "\(draft.id)  \(Console.oneLine(draft.title))\n"
            for (index, version) in draft.versions.enumerated() {
                let marker = index == draft.currentIndex ? "*" : " "
                let when = Date.ISO8601FormatStyle().format(version.createdAt)
                let by = [version.backend, version.model].compactMap { $0 }.joined(separator: "/")
                let status = version.status == .complete ? "" : " [\(version.status.rawValue)]"
                let what = index == 0 ? "from template \(draft.template)" : Console.oneLine(version.instruction)
                out += "\(marker)\(String(format: "%3d", index + 1))  \(when)  \(by.isEmpty ? "-" : by)  \(what)\(status)\n"
            }
            return out
        }
    }

    /// `parley write diff DRAFT [A B]`: a line diff between two versions.
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a line diff between two of a draft's versions.",
            discussion: "Without version numbers: the previous version against the current one.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The draft (an id or a unique prefix).", valueName: "draft")) var draft: String
        @Argument(help: ArgumentHelp("Two version numbers, e.g. 1 2.", valueName: "a b")) var numbers: [Int] = []
        @Flag(help: "Print the diff and its counts as JSON.") var json = false

        func validate() throws {
            if !(numbers.isEmpty || numbers.count == 2) { throw ValidationError("give two version numbers, or none") }
        }

        func run() async throws {
            let store = try AppContext(global: global).openDrafts()
            let draft = try store.load(id: try store.resolve(self.draft))
            let from: Int, to: Int
            if numbers.count == 2 {
                (from, to) = (numbers[0], numbers[1])
            } else {
                guard draft.currentNumber > 1 else { throw ValidationError("draft \(draft.id) has only one version; there is nothing to compare") }
                (from, to) = (draft.currentNumber - 1, draft.currentNumber)
            }
            let lineDiff = try draft.diff(from: from, to: to)
            if json {
                struct DiffJSON: Encodable { var from: Int; var to: Int; var added: Int; var removed: Int; var unified: String }
                Console.out(try JSONOutput.encode(DiffJSON(
                    from: from, to: to, added: lineDiff.added, removed: lineDiff.removed,
                    unified: lineDiff.unified(fromLabel: "version \(from)", toLabel: "version \(to)"))) + "\n")
            } else if !lineDiff.hasChanges {
                Console.status("versions \(from) and \(to) are the same")
            } else {
                Console.out(lineDiff.unified(fromLabel: "\(draft.id) version \(from)", toLabel: "\(draft.id) version \(to)"))
            }
        }
    }
}
