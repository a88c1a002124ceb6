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

extension RealSampleTests {
    @Test func prosAndConsCutOffByTheReplyDeadline() throws {
        // From `parley decide` itself: the reply hit the deadline mid-sentence; the lists still count.
        let found = DecisionParser.prosAndCons(in: try Fixture.text("smollm-proscons-startup.txt"), option: "Take the startup job")
        #expect(found.pros == ["good work life balance, flexibility", "a good work life balance"])
        #expect(found.cons == [
            "pay cut", "can be a big decision, but it's not a bad thing to take a pay cut",
            "can be a good decision, but it depends on the company and the type of job you're taking", "can be",
        ])
        // Its first line is an inline list of options; the pros and cons below it are not options.
        #expect(DecisionParser.options(in: try Fixture.text("smollm-proscons-startup.txt")) == ["take the startup job", "take a pay cut"])
    }
}

extension RealSampleTests {
    @Test func anOptionsAnswerMadeOfThePromptsPlaceholders() throws {
        #expect(DecisionParser.options(in: try Fixture.text("smollm-options-placeholders.txt")).isEmpty)
    }

    @Test func aProsAndConsAnswerThatRepeatsThePlaceholders() throws {
        let text = try Fixture.text("smollm-proscons-placeholders.txt")
        let found = DecisionParser.prosAndCons(in: text, option: "MacBook Air")
        #expect(found.pros == Array(repeating: "a good point", count: 7))
        #expect(found.cons == Array(repeating: "a bad point", count: 7))
        // The flow drops echoed placeholders, so nothing of this answer is kept.
        #expect((found.pros + found.cons).allSatisfy(DecisionPrompts.isPlaceholder))
    }

    @Test func aProsAndConsAnswerWithOneRealPointAmongPlaceholders() throws {
        // From `parley decide`, cut off by the reply deadline (the last line is a bare "-").
        let found = DecisionParser.prosAndCons(in: try Fixture.text("smollm-proscons-stay.txt"), option: "Stay at my current job")
        #expect(found.pros == ["a good point", "a good work life balance"])
        #expect(found.cons == ["a bad point", "a bad point", "a bad point", "a good point", "a good point"])
        #expect(found.pros.filter { !DecisionPrompts.isPlaceholder($0) } == ["a good work life balance"])
    }

    @Test func aScoresAnswerWithNoScoresAtAll() throws {
        let text = try Fixture.text("smollm-scores-rambling.txt")
        #expect(DecisionParser.scores(in: text, options: Self.berlin, criteria: Self.berlinCriteria).isEmpty)
        #expect(DecisionParser.recommendation(in: text) == nil)
    }
}

extension RealSampleTests {
    @Test func aCriteriaAnswerThatEchoesThePromptWithAnotherWeight() throws {
        // Every line of the prompt came back; only "Cost: 3" has the criterion shape.
        #expect(DecisionParser.criteria(in: try Fixture.text("smollm-criteria-echo-startup.txt")) == [ParsedCriterion(name: "Cost", weight: 3)])
    }

    @Test func placeholderPointsFollowedByProse() throws {
        let found = DecisionParser.prosAndCons(in: try Fixture.text("smollm-proscons-placeholders-berlin.txt"), option: "Move to Berlin")
        #expect(found.pros == ["a good point", "a good point"])
        #expect(found.cons == ["a bad point", "a bad point"])
    }

    @Test func aBlankFormAnsweredWithEmptyBullets() throws {
        // A prompt variant with an empty form instead of placeholders: the model filled it with
        // empty bullets, which is why the flow's prompts keep recognisable placeholders.
        let found = DecisionParser.prosAndCons(in: try Fixture.text("smollm-proscons-blank-form.txt"))
        #expect(found.pros.isEmpty && found.cons.isEmpty)
    }

    @Test func anOffTopicScoresAnswer() throws {
        let text = try Fixture.text("smollm-scores-offtopic.txt")
        #expect(DecisionParser.scores(in: text, options: ["MacBook Air", "ThinkPad X1"], criteria: ["Price", "Battery", "Keyboard"]).isEmpty)
        #expect(DecisionParser.recommendation(in: text) == nil)
    }
}

/// Answers from whole `parley decide` runs against the default model (the stored conversations).
extension RealSampleTests {
    static let startup = ["Take the startup job", "Stay at my current job"]
    static let startupCriteria = ["Pay", "Growth", "Stability"]

    @Test func aReasoningAnswerThatImitatedAnEarlierTurn() throws {
        // With the whole exchange in view the model answered "think step by step" in the shape of
        // its earlier pros-and-cons answer: no scores in it, nothing to mistake for them.
        let text = try Fixture.text("smollm-reasoning-startup.txt")
        #expect(DecisionParser.scores(in: text, options: Self.startup, criteria: Self.startupCriteria).isEmpty)
    }

    @Test func aScoresAnswerThatImitatedAnEarlierTurn() throws {
        let text = try Fixture.text("smollm-scores-imitating-history.txt")
        #expect(DecisionParser.scores(in: text, options: Self.startup, criteria: Self.startupCriteria).isEmpty)
        #expect(DecisionParser.recommendation(in: text) == nil)
    }

    @Test func theFollowUpAnsweredWithTheFormItself() throws {
        // "?/10" copied back: a cell with no number is not a score.
        let text = try Fixture.text("smollm-scores-echoed-form.txt")
        #expect(DecisionParser.scores(in: text, options: Self.startup, criteria: Self.startupCriteria).isEmpty)
    }

    @Test func prosAndConsWithTheNewestPromptOnly() throws {
        // A first turn: placeholders mixed with points of its own (weak ones, but its own).
        var found = DecisionParser.prosAndCons(in: try Fixture.text("smollm-proscons-berlin-focused.txt"), option: "Move to Berlin")
        found.pros.removeAll(where: DecisionPrompts.isPlaceholder)
        found.cons.removeAll(where: DecisionPrompts.isPlaceholder)
        #expect(found.pros == ["a good reason to move to Berlin"])
        #expect(found.cons == ["a bad reason to stay in London", "a bad reason to move to Berlin"])
    }
}

/// More answers to the flow's prompts, collected one at a time.
extension RealSampleTests {
    @Test func aCriteriaAnswerThatAsksBack() throws {
        #expect(DecisionParser.criteria(in: try Fixture.text("smollm-criteria-question-back.txt")).isEmpty)
    }

    @Test func aJSONRequestAnsweredWithARepeatingList() throws {
        let text = try Fixture.text("smollm-json-asked-list-given.txt")
        #expect(DecisionParser.scores(in: text, options: Self.berlin, criteria: Self.berlinCriteria).isEmpty)
        #expect(DecisionParser.recommendation(in: text) == nil)
    }

    @Test func anOptionsRequestAnsweredWithAProsList() throws {
        #expect(DecisionParser.options(in: try Fixture.text("smollm-options-answered-with-pros.txt")).isEmpty)
    }

    @Test func prosAndConsUnderSubheadings() throws {
        let found = DecisionParser.prosAndCons(in: try Fixture.text("smollm-proscons-subheadings.txt"), option: "Take the startup job")
        #expect(found.pros == ["a good opportunity to grow your business", "a chance to make a positive impact", "a good opportunity to learn new skills"])
        #expect(found.cons == [
            "a bad point: you may not have the luxury of a family or a partner", "a bad point: you may not have a family or partner",
            "a bad point: you may not have the luxury of a family or a partner", "a bad point: you may not have the",
        ])
    }

    @Test func aReasoningAnswerHasNoScoresToTake() throws {
        let text = try Fixture.text("smollm-reasoning-berlin.txt")
        #expect(DecisionParser.scores(in: text, options: Self.berlin, criteria: Self.berlinCriteria).isEmpty)
        #expect(DecisionParser.recommendation(in: text) == nil)
    }

    @Test func numberedScoreLinesOutOfRange() throws {
        // "- 1: Pay: 10/10", "- 2: Growth: 20/10", ...: the numbers are the lines' numbering, not
        // options, and 20/10 is no score.
        let text = try Fixture.text("smollm-scores-numbered-out-of-range.txt")
        #expect(DecisionParser.scores(in: text, options: Self.startup, criteria: Self.startupCriteria).isEmpty)
    }
}

/// The last two answers of a focused run (only the persona and the newest prompt in view).
extension RealSampleTests {
    @Test func aScoresAnswerOfFormFragments() throws {
        // "Options: Move to Berlin - Cost: " and empty "- Business: " lines: names without numbers.
        let text = try Fixture.text("smollm-scores-form-fragments.txt")
        #expect(DecisionParser.scores(in: text, options: Self.berlin, criteria: Self.berlinCriteria).isEmpty)
    }

    @Test func aFollowUpWithUnknownNamesAndOutOfRangeValues() throws {
        // "Move to Berlin -" then "Camel: 20/10" lines: no known criterion, and 20/10 is no score.
        let text = try Fixture.text("smollm-followup-unknown-names.txt")
        #expect(DecisionParser.scores(in: text, options: Self.berlin, criteria: Self.berlinCriteria).isEmpty)
    }
}

extension RealSampleTests {
    @Test func aScoresAnswerAfterTheWorkedExample() throws {
        // With `DecisionPrompts.scoresExample` as the prior turn the model kept the line shape; it
        // invented an option "Mine" (whose lines are dropped) and copied the recommendation template.
        let text = try Fixture.text("smollm-scores-with-worked-example.txt")
        #expect(DecisionParser.scores(in: text, options: Self.berlin, criteria: Self.berlinCriteria).map { "\($0.option)/\($0.criterion)=\($0.value)" } == [
            "Stay in London/Cost=1", "Stay in London/Career=1", "Stay in London/Friends=1",
        ])
        #expect(DecisionPrompts.isPlaceholder(try #require(DecisionParser.recommendation(in: text))))
    }
}

/// A whole `parley decide` run with the worked examples: stage 2 and its follow-up filled the matrix.
extension RealSampleTests {
    @Test func stageTwoOfARunWithTheWorkedExample() throws {
        let text = try Fixture.text("smollm-scores-run-worked-example.txt")
        #expect(DecisionParser.scores(in: text, options: Self.berlin, criteria: Self.berlinCriteria).map { "\($0.option)/\($0.criterion)=\($0.value)" } == [
            "Move to Berlin/Cost=2", "Move to Berlin/Career=3", "Stay in London/Cost=3", "Stay in London/Career=3", "Stay in London/Friends=1",
        ])
        #expect(DecisionPrompts.isPlaceholder(try #require(DecisionParser.recommendation(in: text))))
    }

    @Test func theFollowUpOfThatRunWithAnInventedOption() throws {
        // The one missing cell came back, plus a line about an option nobody named ("Move to Tokyo").
        let text = try Fixture.text("smollm-followup-run-worked-example.txt")
        #expect(DecisionParser.scores(in: text, options: Self.berlin, criteria: Self.berlinCriteria) == [
            ParsedScore(option: "Move to Berlin", criterion: "Friends", value: 5),
        ])
    }
}
