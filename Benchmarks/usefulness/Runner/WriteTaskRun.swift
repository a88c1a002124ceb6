import Foundation
import ParleyWrite

/// A write task: `parley write TEMPLATE --field ... --json`, then `revise ID "make it shorter"`,
/// and what the checks make of the results. The measures use ParleyWrite's own checkers (tested on
/// their own), applied to the text the user got.
struct WriteTaskRun {
    var task: UsefulnessTask
    var template: WritingTemplate

    struct Outcome {
        /// Field values the draft carries, of those the template says it must.
        var valuesPresent: Int
        var valuesChecked: Int
        var missing: [String]
        var copied: [String]
        var rulesMet: Int
        var rules: Int
        var broken: [String]
        /// Words of the draft and of the revision; nil when no revision was made.
        var wordsBefore: Int
        var wordsAfter: Int?
        var revisionNote: String?
        /// Structure rules the revision meets (of `rules`); nil without a revision.
        var revisedRulesMet: Int?
        /// Second attempts the writer made (for the draft and the revision).
        var retries: Int
        var seconds: Double
        var failure: String?
        /// The draft and the revision as the user got them (for --show).
        var text = ""
        var revisedText: String?

        var allValues: Bool { valuesPresent == valuesChecked }
        var shorter: Bool { wordsAfter.map { $0 < wordsBefore } ?? false }
    }

    func run(parley: ParleyProcess, backend: [String]) throws -> Outcome {
        let started = Date()
        var arguments = ["write", template.name, "--json"]
        for (name, value) in (task.fields ?? [:]).sorted(by: { $0.key < $1.key }) { arguments += ["--field", "\(name)=\(value)"] }
        if let language = task.language { arguments += ["--language", language] }
        if let tone = task.tone { arguments += ["--tone", tone] }
        let written = try parley.run(arguments + backend)
        var retries = written.stderr.components(separatedBy: "writing it again").count - 1
        guard written.status == 0, let record = try? JSONSerialization.jsonObject(with: Data(written.stdout.utf8)) as? [String: Any],
            let id = record["id"] as? String, let versions = record["versions"] as? [[String: Any]],
            let text = versions.last?["text"] as? String, let values = record["fields"] as? [String: String]
        else {
            return Outcome(
                valuesPresent: 0, valuesChecked: 0, missing: [], copied: [], rulesMet: 0, rules: 0, broken: [], wordsBefore: 0,
                retries: retries, seconds: Date().timeIntervalSince(started),
                failure: "write failed (\(written.status)): " + written.stderr.split(separator: "\n").joined(separator: " | "))
        }
        let instruction = versions.last?["instruction"] as? String ?? ""
        let checked = template.fields.filter { $0.mention != .none && !(values[$0.name] ?? "").isEmpty }
        let missing = FieldMentionCheck.missing(in: text, fields: template.fields, values: values)
        let copied = CopyDetector(examples: template.exampleAnswers, userText: instruction).copies(in: text)
        let rules = StructureChecker.check(text, structure: template.structure, values: values)
        var outcome = Outcome(
            valuesPresent: checked.count - missing.count, valuesChecked: checked.count, missing: missing.map(\.field), copied: copied,
            rulesMet: rules.filter(\.met).count, rules: rules.count, broken: rules.filter { !$0.met }.map(\.description),
            wordsBefore: TextTokens.wordCount(text), retries: retries, seconds: 0, text: text)
        if let change = task.revise {
            let revised = try parley.run(["write", "revise", id, change, "--json"] + backend)
            retries += revised.stderr.components(separatedBy: "writing it again").count - 1
            if revised.status == 0, let record = try? JSONSerialization.jsonObject(with: Data(revised.stdout.utf8)) as? [String: Any],
                let text = (record["versions"] as? [[String: Any]])?.last?["text"] as? String
            {
                outcome.wordsAfter = TextTokens.wordCount(text)
                outcome.revisedText = text
                outcome.revisedRulesMet = StructureChecker.check(text, structure: template.structure, values: values).filter(\.met).count
            } else {
                outcome.revisionNote = revised.stderr.split(separator: "\n").last.map { $0.replacingOccurrences(of: "parley: ", with: "") }
            }
        }
        outcome.retries = retries
        outcome.seconds = Date().timeIntervalSince(started)
        return outcome
    }
}
