import Foundation
import ParleyWrite

// parley-usefulness: runs the tasks of Benchmarks/usefulness/tasks.json through the release
// `parley` binary on the default model and prints, per task, what a user would care about: were
// their values used, was anything copied from the template's examples, does the draft have the
// template's structure, did "shorter" make it shorter. See Benchmarks/usefulness/README.md.

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
let binary = URL(fileURLWithPath: option("--parley") ?? root.appendingPathComponent(".build/release/parley").path)
let model = option("--model") ?? root.appendingPathComponent("Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
let threads = option("--threads") ?? "2"
let seed = option("--seed") ?? "1"
let taskFile = URL(fileURLWithPath: option("--tasks") ?? root.appendingPathComponent("Benchmarks/usefulness/tasks.json").path)
let templates = TemplateLibrary(directories: [URL(fileURLWithPath: option("--templates") ?? root.appendingPathComponent("Personas/templates").path)])
let only = option("--only").map { Set($0.split(separator: ",").map(String.init)) }
let markdown = CommandLine.arguments.contains("--markdown")
let show = CommandLine.arguments.contains("--show")

/// Prints at once (not buffered), so a long run can be watched in a file.
func say(_ items: String...) {
    FileHandle.standardOutput.write(Data((items.joined(separator: " ") + "\n").utf8))
}

guard FileManager.default.isExecutableFile(atPath: binary.path) else {
    FileHandle.standardError.write(Data("no parley binary at \(binary.path); build it with: swift build -c release --product parley\n".utf8))
    exit(1)
}
let file = try JSONDecoder().decode(TaskFile.self, from: Data(contentsOf: taskFile))
let home = FileManager.default.temporaryDirectory.appendingPathComponent("parley-usefulness-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: home) }
let parley = ParleyProcess(binary: binary, home: home)
let backend = ["--gguf", model, "--threads", threads, "--seed", seed]

say(markdown
    ? "| task | template | values present | copied sentences | structure rules met | shorter: words before → after | rules met after revision | retries | s |\n|---|---|---|---|---|---|---|---|---|"
    : "task                 template             values  copied  rules    shorter         revised  retries  s")
var outcomes: [WriteTaskRun.Outcome] = []
for task in file.tasks where only?.contains(task.id) ?? true {
    guard task.kind == "write" else {
        say(markdown ? "| \(task.id) | (kind \(task.kind): no runner here) | | | | | | | |" : "\(task.id): kind \(task.kind) has no runner here; skipped")
        continue
    }
    guard let name = task.template, let template = templates.templates[name] else {
        say("\(task.id): unknown template \(task.template ?? "(none)")")
        continue
    }
    let outcome = try WriteTaskRun(task: task, template: template).run(parley: parley, backend: backend)
    outcomes.append(outcome)
    let revision = outcome.wordsAfter.map { "\(outcome.wordsBefore) → \($0)" } ?? "\(outcome.wordsBefore) → none"
    let values = "\(outcome.valuesPresent)/\(outcome.valuesChecked)"
    let rules = "\(outcome.rulesMet)/\(outcome.rules)"
    let revisedRules = outcome.revisedRulesMet.map { "\($0)/\(outcome.rules)" } ?? "-"
    let seconds = String(format: "%.0f", outcome.seconds)
    if markdown {
        say("| \(task.id) | \(name) | \(values) | \(outcome.copied.count) | \(rules) | \(revision) | \(revisedRules) | \(outcome.retries) | \(seconds) |")
    } else {
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        say(pad(task.id, 20), pad(name, 20), pad(values, 7), pad("\(outcome.copied.count)", 7), pad(rules, 8), pad(revision, 15),
              pad(revisedRules, 8), pad("\(outcome.retries)", 8), seconds)
        for detail in [outcome.failure].compactMap({ $0 }) + outcome.missing.map({ "missing: \($0)" })
            + outcome.copied.map({ "copied: \($0)" }) + outcome.broken.map({ "rule: \($0)" }) + [outcome.revisionNote].compactMap({ $0 }).map({ "revision: \($0)" })
        {
            say("    " + detail)
        }
        if show {
            say(outcome.text.split(separator: "\n", omittingEmptySubsequences: false).map { "    | " + $0 }.joined(separator: "\n"))
            if let revised = outcome.revisedText {
                say("    revised:\n" + revised.split(separator: "\n", omittingEmptySubsequences: false).map { "    | " + $0 }.joined(separator: "\n"))
            }
        }
    }
}

let drafts = outcomes.filter { $0.failure == nil }
let withValues = drafts.filter(\.allValues).count
let copies = drafts.map(\.copied.count).reduce(0, +)
let rulesMet = drafts.map(\.rulesMet).reduce(0, +)
let rules = drafts.map(\.rules).reduce(0, +)
let shorter = drafts.filter(\.shorter).count
let revised = drafts.filter { $0.revisedRulesMet != nil }
let revisedMet = revised.compactMap(\.revisedRulesMet).reduce(0, +)
let revisionRules = revised.map(\.rules).reduce(0, +)
func percent(_ part: Int, _ whole: Int) -> String { whole == 0 ? "-" : String(format: "%.0f%%", 100 * Double(part) / Double(whole)) }
let summary = [
    "drafts: \(drafts.count) of \(outcomes.count) tasks (model \(URL(fileURLWithPath: model).lastPathComponent), \(threads) threads, seed \(seed))",
    "drafts with every value present: \(withValues)/\(drafts.count) (\(percent(withValues, drafts.count)))",
    "sentences copied from examples: \(copies)",
    "structure rules met: \(rulesMet)/\(rules) (\(percent(rulesMet, rules)))",
    "\"shorter\" revisions that are shorter: \(shorter)/\(drafts.count) (\(percent(shorter, drafts.count)))",
    "structure rules met after revision: \(revisedMet)/\(revisionRules) (\(percent(revisedMet, revisionRules)))",
    "time: \(String(format: "%.0f", outcomes.map(\.seconds).reduce(0, +))) s",
]
say(markdown ? "\n" + summary.map { "- " + $0 }.joined(separator: "\n") : "\n" + summary.joined(separator: "\n"))
