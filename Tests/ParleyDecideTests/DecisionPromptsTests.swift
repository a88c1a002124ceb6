import Testing

@testable import ParleyDecide

/// The prompts the small model sees: short, one thing at a time, with the line format to copy.
@Suite("decision prompts")
struct DecisionPromptsTests {
    @Test func stageTwoFeedsTheReasoningBackAndListsOnlyTheEmptyCells() {
        let prompt = DecisionPrompts.scores(
            reasoning: "  Bus is slow.\n", cells: [MissingCell(option: "Bus", criterion: "Time"), MissingCell(option: "Bike", criterion: "Time")])
        #expect(prompt == """
            Your reasoning:
            Bus is slow.

            Now score each option on each criterion from 1 (bad) to 10 (good). Fill in the numbers, one per line:
            Bus - Time: ?/10
            Bike - Time: ?/10
            Then one last line:
            Recommendation: the option you suggest and why, in one sentence.
            """)
        #expect(DecisionPrompts.scores(reasoning: "", cells: []) == "Now give one line:\nRecommendation: the option you suggest and why, in one sentence.")
        // Long reasoning is cut to its first 1,500 characters.
        let long = DecisionPrompts.scores(reasoning: String(repeating: "x", count: 5000), cells: [])
        #expect(long.hasPrefix("Your reasoning:\n" + String(repeating: "x", count: 1500) + "\n\nNow give one line:"))
    }

    @Test func weightsAskOnlyForTheNamedCriteria() {
        #expect(DecisionPrompts.weights(question: "Bus or bike?", criteria: ["Time", "Fun"]) == """
            Question: Bus or bike?
            How important is each criterion, from 1 to 5 (5 = most important)? Fill in the numbers, one per line:
            Time: ?
            Fun: ?
            """)
    }

    @Test func theWorkedExamplesAreReadByTheParserAndTheirContentIsNeverTaken() {
        let answer = DecisionPrompts.scoresExample[1].content
        #expect(DecisionParser.scores(in: answer, options: ["Bus", "Bike"], criteria: ["Cost", "Time"]).map(\.value) == [6, 4, 9, 8])
        // Copied back into another decision, nothing of it fits: no names match, and its
        // recommendation line is recognised as the example's.
        #expect(DecisionParser.scores(in: answer, options: ["Tea", "Coffee"], criteria: ["Taste"]).isEmpty)
        #expect(DecisionPrompts.isPlaceholder(DecisionParser.recommendation(in: answer) ?? ""))
        #expect(DecisionPrompts.reasoningExample[0].content.contains("Think step by step"))
    }

    @Test func placeholdersOfTheExamplesAreRecognised() {
        for echo in ["First option", "second option.", "  A good point ", "a bad point", "...", "", "The option you suggest and why, in one sentence."] {
            #expect(DecisionPrompts.isPlaceholder(echo), "\(echo)")
        }
        for answer in ["Berlin", "a good work life balance", "Cost"] {
            #expect(!DecisionPrompts.isPlaceholder(answer), "\(answer)")
        }
    }
}
