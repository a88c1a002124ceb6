import Testing

@testable import ParleyDecide

/// The parser on real answers of the default 135M model (committed verbatim; see Fixtures/README.md).
@Suite("decision parser: real small-model answers")
struct RealSampleTests {
    static let berlin = ["Move to Berlin", "Stay in London"]
    static let berlinCriteria = ["Cost", "Career", "Friends"]

    @Test func optionsFollowedByRambling() throws {
        let text = try Fixture.text("smollm-options-berlin.txt")
        #expect(DecisionParser.options(in: text) == ["Berlin", "London"])
        #expect(DecisionParser.recommendation(in: text) == nil)
    }

    @Test func criteriaAnswerThatEchoesThePrompt() throws {
        // The model copied the prompt's example line and its own options line: only the criterion
        // line is a criterion (and it is the model's answer, so it is taken).
        let text = try Fixture.text("smollm-criteria-berlin.txt")
        #expect(DecisionParser.criteria(in: text) == [ParsedCriterion(name: "Cost", weight: 4)])
    }
}
