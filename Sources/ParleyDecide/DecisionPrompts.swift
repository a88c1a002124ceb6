import Foundation
import ParleyCore

/// The prompts of the decision flow. Each asks for one small thing and shows the exact line format
/// wanted, because the default model is tiny (135M parameters): it copies a shown format far more
/// reliably than it follows a description of one.
public enum DecisionPrompts {
    /// The placeholder lines of the prompts' examples. A small model often copies them back; an
    /// echoed placeholder is not an answer and is dropped.
    public static func isPlaceholder(_ text: String) -> Bool {
        let key = DecisionNames.key(text.trimmingCharacters(in: CharacterSet(charactersIn: ".…")))
        return key.isEmpty || [
            "first option", "second option", "another option", "a good point", "a bad point", "...", "…",
            "the option you suggest and why, in one sentence", exampleRecommendation,
        ].map(DecisionNames.key).contains(key)
    }

    public static func options(question: String, known: [String]) -> String {
        if known.isEmpty {
            return """
                Question: \(question)
                List 3 options, one per line, like this:
                1. First option
                2. Second option
                Write only the list.
                """
        }
        return """
            Question: \(question)
            Options so far: \(known.joined(separator: ", ")).
            Add 2 more options, one per line, like this:
            1. Another option
            Write only the list.
            """
    }

    /// The shorter second try when no list could be read from the first answer.
    public static func optionsAgain(question: String) -> String {
        """
        Name two choices for: \(question)
        Answer with two lines only:
        1. ...
        2. ...
        """
    }

    public static func criteria(question: String, options: [String]) -> String {
        """
        Question: \(question)
        Options: \(options.joined(separator: ", ")).
        List 4 criteria that matter for this choice, each with a weight from 1 to 5 (5 = most important), one per line, like this:
        Cost: 4
        Write only the list.
        """
    }

    public static func criteriaAgain(question: String) -> String {
        """
        What matters most when deciding: \(question)
        Answer with three lines only, a word and a number from 1 to 5:
        Cost: 4
        """
    }

    public static func weights(question: String, criteria: [String]) -> String {
        """
        Question: \(question)
        How important is each criterion, from 1 to 5 (5 = most important)? Fill in the numbers, one per line:
        \(criteria.map { "\($0): ?" }.joined(separator: "\n"))
        """
    }

    public static func prosAndCons(question: String, option: String) -> String {
        """
        Question: \(question)
        Option: \(option).
        Give 2 pros and 2 cons of this option, like this:
        Pros:
        - a good point
        Cons:
        - a bad point
        """
    }

    /// Stage 1 of the two-stage prompt: free reasoning, no numbers asked for yet.
    public static func reasoning(question: String, options: [String], criteria: [String]) -> String {
        """
        Question: \(question)
        Options: \(options.joined(separator: ", ")).
        Criteria: \(criteria.joined(separator: ", ")).
        Think step by step: for each option, say in one short sentence how it does on each criterion.
        """
    }

    /// Stage 2: the reasoning fed back, then exactly the cells still empty, in the format to copy.
    public static func scores(reasoning: String, cells: [MissingCell]) -> String {
        var prompt = ""
        let trimmed = reasoning.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty {
            prompt += "Your reasoning:\n\(String(trimmed.prefix(1500)))\n\n"
        }
        if !cells.isEmpty {
            prompt += "Now score each option on each criterion from 1 (bad) to 10 (good). Fill in the numbers, one per line:\n"
            prompt += cells.map { "\($0.option) - \($0.criterion): ?/10" }.joined(separator: "\n")
            prompt += "\nThen one last line:\n"
        } else {
            prompt += "Now give one line:\n"
        }
        prompt += "Recommendation: the option you suggest and why, in one sentence."
        return prompt
    }

    // MARK: - Worked examples (in-context learning)

    static let exampleRecommendation = "Bike, because it is cheap and quick in town"

    /// A worked example of stage 1, sent as a prior turn in place of the persona's chat examples:
    /// those open with "Options: ..." and pros/cons, and the small model copies that shape. The
    /// example is about another question, so a copied answer names no option of this decision.
    public static var reasoningExample: [ChatMessage] {
        [
            ChatMessage(role: .user, content: reasoning(question: "Bus or bike to work?", options: ["Bus", "Bike"], criteria: ["Cost", "Time"])),
            ChatMessage(role: .assistant, content: "Bus: the ticket costs a little every month; it is slow in traffic.\nBike: it costs almost nothing; it is quick in town."),
        ]
    }

    /// A worked example of stage 2 (and of the follow-up): the form filled in, then the line.
    public static var scoresExample: [ChatMessage] {
        let cells = [("Bus", "Cost"), ("Bus", "Time"), ("Bike", "Cost"), ("Bike", "Time")].map { MissingCell(option: $0.0, criterion: $0.1) }
        return [
            ChatMessage(role: .user, content: scores(reasoning: "Bus: costs a little; slow.\nBike: almost free; quick.", cells: cells)),
            ChatMessage(role: .assistant, content: "Bus - Cost: 6/10\nBus - Time: 4/10\nBike - Cost: 9/10\nBike - Time: 8/10\nRecommendation: \(exampleRecommendation)."),
        ]
    }

    /// The one follow-up for scores that could not be read.
    public static func missingScores(_ cells: [MissingCell]) -> String {
        """
        Give only these scores, from 1 to 10, one per line:
        \(cells.map { "\($0.option) - \($0.criterion): ?/10" }.joined(separator: "\n"))
        """
    }
}
