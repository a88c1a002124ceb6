import ParleyCore
import Testing

@testable import ParleyDecide

/// The tolerant parser on hand-written messy answers (the shapes small and large models produce).
@Suite("decision parser: messy samples")
struct DecisionParserTests {
    static let options = ["Move to Berlin", "Stay in London"]
    static let criteria = ["Cost", "Career", "Friends"]

    static func cells(_ scores: [ParsedScore]) -> [String] {
        scores.map { "\($0.option)/\($0.criterion)=\($0.value)" }
    }

    @Test func fencedJSONWithSingleQuotesAndTrailingCommas() throws {
        let text = try Fixture.text("messy-json-fenced.txt")
        #expect(Self.cells(DecisionParser.scores(in: text, options: Self.options, criteria: Self.criteria)) == [
            "Move to Berlin/Cost=8", "Move to Berlin/Career=6", "Move to Berlin/Friends=3",
            "Stay in London/Cost=4", "Stay in London/Career=8", "Stay in London/Friends=9",
        ])
        #expect(DecisionParser.recommendation(in: text) == "Stay in London, because your friends and career matter most.")
    }

    @Test func truncatedJSONStillGivesWhatArrived() throws {
        let text = try Fixture.text("messy-json-truncated.txt")
        #expect(DecisionParser.options(in: text) == Self.options)
        let london = DecisionParser.prosAndCons(in: text, option: "stay in london")
        #expect(london.pros == ["friends nearby"])
        #expect(london.cons == ["expensive", "long commute"])
        #expect(DecisionParser.prosAndCons(in: text, option: "Move to Berlin").cons == ["far from friends"])
    }

    @Test func markdownTableWithMarkupAndAnOutOfRangeCell() throws {
        let text = try Fixture.text("messy-table.txt")
        #expect(Self.cells(DecisionParser.scores(in: text, options: Self.options, criteria: Self.criteria)) == [
            "Move to Berlin/Cost=8", "Move to Berlin/Career=6", "Move to Berlin/Friends=3",
            "Stay in London/Cost=4", "Stay in London/Career=8",
        ])
        #expect(DecisionParser.recommendation(in: text) == "Stay in London – it keeps your network.")
    }

    @Test func transposedTableWithShortNames() throws {
        let text = try Fixture.text("messy-transposed-table.txt")
        #expect(Self.cells(DecisionParser.scores(in: text, options: Self.options, criteria: Self.criteria)) == [
            "Move to Berlin/Cost=8", "Stay in London/Cost=4", "Move to Berlin/Career=6", "Stay in London/Career=8",
            "Stay in London/Friends=9",
        ])
    }

    @Test func optionBlocksWithCriterionLines() throws {
        let text = try Fixture.text("messy-option-blocks.txt")
        #expect(Self.cells(DecisionParser.scores(in: text, options: Self.options, criteria: Self.criteria)) == [
            "Move to Berlin/Cost=8", "Move to Berlin/Career=6", "Move to Berlin/Friends=3",
            "Stay in London/Cost=4", "Stay in London/Career=8",
        ])
        #expect(DecisionParser.recommendation(in: text) == "Stay in London, since friends and career outweigh the rent.")
    }

    @Test func oneScorePerLineAndNoHalfPoints() throws {
        let text = try Fixture.text("messy-inline-scores.txt")
        #expect(Self.cells(DecisionParser.scores(in: text, options: Self.options, criteria: Self.criteria)) == [
            "Move to Berlin/Cost=8", "Move to Berlin/Career=6", "Move to Berlin/Friends=3",
            "Stay in London/Cost=4", "Stay in London/Career=8",
        ])
        #expect(DecisionParser.recommendation(in: text) == "Move to Berlin because it is cheaper.")
    }

    @Test func shortenedNamesInScoreLines() {
        let text = """
            Berlin - Cost: 8/10
            London, career: 7
            **Move to Berlin**
            - Career: 5/10
            Paris - Cost: 2/10
            """
        #expect(Self.cells(DecisionParser.scores(in: text, options: Self.options, criteria: ["Cost", "Career growth"])) == [
            "Move to Berlin/Cost=8", "Stay in London/Career growth=7", "Move to Berlin/Career growth=5",
        ])
    }

    @Test func prosAndConsSectionsWithMixedBullets() throws {
        let found = DecisionParser.prosAndCons(in: try Fixture.text("messy-proscons.txt"))
        #expect(found.pros == ["Much cheaper rent than London", "Vibrant arts and tech scene", "You could learn German"])
        #expect(found.cons == ["You would be far from your friends", "Winters are grey"])
    }

    @Test func criteriaWithWeightsInSeveralShapes() throws {
        let found = DecisionParser.criteria(in: try Fixture.text("messy-criteria.txt"))
        #expect(found == [
            ParsedCriterion(name: "Cost", weight: 4), ParsedCriterion(name: "Career growth", weight: 5),
            ParsedCriterion(name: "Friends", weight: nil), ParsedCriterion(name: "Weather", weight: 2),
            ParsedCriterion(name: "Location", weight: nil),
        ])
    }

    @Test func optionsFromAnInlineList() throws {
        #expect(DecisionParser.options(in: try Fixture.text("messy-options-inline.txt")) == ["Move to Berlin", "stay in London", "move to Lisbon"])
    }

    @Test func optionsWithNestedProsAndCons() {
        let text = """
            1. Berlin
               Pros:
               - cheap
               Cons:
               - cold
            2. London
            Pros: friends
            - close to family
            3. Lisbon
            """
        #expect(DecisionParser.options(in: text) == ["Berlin", "London", "Lisbon"])
    }

    @Test func optionsFromARamblingNumberedList() throws {
        // A real answer of the default model: long sentences after each name, and a repeated option.
        #expect(DecisionParser.options(in: try Fixture.text("smollm-options-rambling.txt")) == ["Berlin", "London"])
    }

    @Test func namesMatchLoosely() {
        #expect(DecisionParser.match("**stay in LONDON**", in: Self.options) == "Stay in London")
        #expect(DecisionParser.match("Option 2", in: Self.options) == "Stay in London")
        #expect(DecisionParser.match("B", in: Self.options) == "Stay in London")
        #expect(DecisionParser.match("Berlin", in: Self.options) == "Move to Berlin")
        #expect(DecisionParser.match("Paris", in: Self.options) == nil)
    }

    @Test func scoreValues() {
        #expect(DecisionParser.scoreValue("8/10") == 8)
        #expect(DecisionParser.scoreValue(" 10 / 10") == 10)
        #expect(DecisionParser.scoreValue("7 out of 10") == 7)
        #expect(DecisionParser.scoreValue(": **6**") == 6)
        #expect(DecisionParser.scoreValue("0/10") == nil)
        #expect(DecisionParser.scoreValue("11") == nil)
        #expect(DecisionParser.scoreValue("7.5/10") == nil)
        #expect(DecisionParser.scoreValue("about the same") == nil)
    }

    @Test func anEchoedScoresFormIsNotAScore() {
        let echo = "Move to Berlin - Cost: ?/10\nStay in London - Cost: ?/10\nRecommendation: the option you suggest and why, in one sentence."
        #expect(DecisionParser.scores(in: echo, options: Self.options, criteria: Self.criteria).isEmpty)
    }

    @Test func garbageGivesNothing() {
        let garbage = "I'm sorry, I can't help with that. {not json at all"
        #expect(DecisionParser.options(in: garbage).isEmpty)
        #expect(DecisionParser.criteria(in: garbage).isEmpty)
        #expect(DecisionParser.scores(in: garbage, options: Self.options, criteria: Self.criteria).isEmpty)
        #expect(DecisionParser.recommendation(in: garbage) == nil)
        let empty = DecisionParser.prosAndCons(in: garbage)
        #expect(empty.pros.isEmpty && empty.cons.isEmpty)
    }

    @Test func lenientJSONRepairs() {
        #expect(LenientJSON.object(in: "x {'a': True, 'b': [1, 2,], 'c': None, 'd': 'it\\'s'} y")?["a"] as? Bool == true)
        #expect((LenientJSON.object(in: "{\"b\": [1, 2,],}")?["b"] as? [Int]) == [1, 2])
        #expect(LenientJSON.object(in: "{'say': 'don't'}")?["say"] as? String == "don't")
        #expect(LenientJSON.object(in: "no object here") == nil)
    }
}
