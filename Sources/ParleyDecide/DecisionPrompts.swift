import Foundation
import ParleyCore

/// The prompts of the decision flow. Each goes out with a JSON schema that fixes the answer's shape
/// (`DecisionSchemas`), so a prompt only says what to write, in few words: every prompt token costs
/// time on the small default model. No example names appear: a small model copies them (that is
/// where options like "first-train" came from), so the prompts show only the user's own words.
public enum DecisionPrompts {
    /// The first step: whatever of options, criteria and weights is missing, in one answer.
    public static func setup(
        question: String, options: [String], moreOptions: Bool, criteria: Bool, known: [String] = [], weightsFor unweighted: [String]
    ) -> String {
        var lines = ["Decision: \(question)"]
        if !options.isEmpty { lines.append("Options: \(options.joined(separator: ", ")).") }
        if moreOptions {
            lines.append(options.isEmpty
                ? "List the options in a few words each."
                : "Add other options in a few words each.")
        }
        if criteria {
            if !known.isEmpty { lines.append("Criteria so far: \(known.joined(separator: ", ")).") }
            lines.append("Pick \(known.isEmpty ? "the" : "other") criteria that matter most for this choice, each with a weight from 1 to 5 (5 = most important).")
        }
        if !unweighted.isEmpty {
            lines.append("How important is each of \(unweighted.joined(separator: ", "))? Give a weight from 1 to 5 (5 = most important).")
        }
        lines.append("Answer in compact JSON.")
        return lines.joined(separator: "\n")
    }

    /// One option: its pros and cons (when asked) and, per criterion, a short reason then a score.
    public static func option(question: String, option: String, others: [String], prosAndCons: Bool, criteria: [String]) -> String {
        var lines = ["Decision: \(question)", "Option: \(option)" + (others.isEmpty ? "" : " (the others: \(others.joined(separator: ", ")))")]
        if prosAndCons { lines.append("Give a short pro and a short con of \(option).") }
        if !criteria.isEmpty {
            lines.append("For each criterion (\(criteria.joined(separator: ", "))), think first: give a one-line reason, then score \(option) from 1 (bad) to 10 (good).")
        }
        lines.append("Answer in compact JSON.")
        return lines.joined(separator: "\n")
    }

    /// The model's comment on the result, with the totals the program computed in view.
    public static func recommendation(question: String, totals: [(option: String, total: Double)]) -> String {
        let ranked = totals.map { "\($0.option) \(DecisionReport.format($0.total))" }.joined(separator: ", ")
        return """
            Decision: \(question)
            Weighted scores out of 10: \(ranked).
            In one sentence, which option do you recommend, and why?
            Answer in compact JSON.
            """
    }
}
